/**
 * The detection dataset every loader returns and the scoring reads: one record per image with its
 * objects (box, class, difficult, crowd), pixels held in memory or decoded from the image file on
 * demand. Boxes follow core's convention: pixels, x to the right and y down, x2/y2 exclusive edges,
 * so a box covers the continuous area [x1, x2) x [y1, y2) and its width is x2 - x1.
 */
import { sampleOf, type BatchView, type ImageView } from '../../core/image.js';
import type { Box } from '../../core/object-aware.js';

/** One annotated object. */
export interface DetectionObject {
  /** Pixel box, x2/y2 exclusive (COCO [x, y, w, h] = [x1, y1, x2 - x1, y2 - y1]). */
  readonly box: Box;
  /** Class index in `[0, classNames.length)`. */
  readonly label: number;
  /** Hard to see (VOC `difficult`; a heavily hidden scene item): ignored in scoring. */
  readonly difficult: boolean;
  /** COCO `iscrowd`: a region of many objects, ignored in scoring and matched by intersection over its area. */
  readonly crowd: boolean;
  /** Area used for the COCO area ranges: the annotation's `area` (COCO) or the box area. */
  readonly area: number;
}

/** One image and its objects. */
export interface DetectionImage {
  /** Image id: COCO's `id`, a scene's index in its seed's sequence, a VOC image's position in its image set. */
  readonly id: number;
  /** File name (VOC id or COCO `file_name`; `scene-<i>` for generated scenes). */
  readonly file: string;
  readonly height: number;
  readonly width: number;
  /** Objects in annotation order. */
  readonly objects: readonly DetectionObject[];
}

/** A detection dataset: annotations in memory, pixels through {@link DetectionDataset.readImage}. */
export interface DetectionDataset {
  /** Short name, e.g. `fashion-mnist-scenes-test`, `voc-trainval`, or the COCO file's base name. */
  readonly name: string;
  /** Class names, indexed by label. */
  readonly classNames: readonly string[];
  /** Images in evaluation order (COCO: sorted by id, as pycocotools evaluates them). */
  readonly images: readonly DetectionImage[];
  /** Pixels of image `index` as uint8 hwc (RGB for VOC and COCO files). */
  readImage(index: number): Promise<ImageView<Uint8Array>>;
  /** Present when every image is in memory with one shape (generated scenes): all of them as one NHWC batch. */
  readonly batch?: BatchView<Uint8Array>;
}

/** The area of a box. */
export function boxArea(box: Box): number {
  return (box.x2 - box.x1) * (box.y2 - box.y1);
}

/** Check an image index, naming the dataset otherwise. */
export function checkImageIndex(dataset: { name: string; images: readonly unknown[] }, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.images.length) {
    throw new RangeError(`image index ${index} is out of range [0, ${dataset.images.length}) of ${dataset.name}`);
  }
}

/** Number of objects of each class (all objects, difficult and crowd included). */
export function objectCounts(dataset: Pick<DetectionDataset, 'classNames' | 'images'>): number[] {
  const counts = new Array<number>(dataset.classNames.length).fill(0);
  for (const image of dataset.images) for (const o of image.objects) counts[o.label]++;
  return counts;
}

/** A dataset over images held in one NHWC batch (`images[i]` describes batch image i). */
export function inMemoryDetection(
  name: string,
  classNames: readonly string[],
  images: readonly DetectionImage[],
  batch: BatchView<Uint8Array>,
): DetectionDataset {
  if (batch.layout !== 'nhwc' || batch.count !== images.length) {
    throw new RangeError(`${name}: the batch must be NHWC with one image per record (${batch.count} images, ${images.length} records)`);
  }
  const dataset: DetectionDataset = {
    name,
    classNames,
    images,
    batch,
    readImage: async (index) => {
      checkImageIndex(dataset, index);
      return sampleOf(batch, index);
    },
  };
  return dataset;
}
