/**
 * Batches for a detector: images of a detection dataset held in one batch (generated scenes) as
 * float32 in [0, 1], with the boxes each image's targets come from. Training batches are shuffled
 * per epoch and augmented per image: a horizontal flip (boxes mirrored), then the run's erasing arm
 * (IRE, ORE or I+ORE, the `paper` preset's fill and geometry with the spec's p, sl, sh, r1) over every
 * annotated box; the boxes are kept as they are, as in the paper. Targets are the non-difficult
 * objects (difficult ones are ignored in scoring, and py-faster-rcnn trains without them). Every draw
 * is keyed by (seed, epoch, image), so batches do not depend on how they are computed.
 */
import { imageView, sampleOf, type ImageView } from '../../core/image.js';
import { ObjectAwareErasing, type Box } from '../../core/object-aware.js';
import { RandomErasing } from '../../core/random-erasing.js';
import { Rng } from '../../core/rng.js';
import type { DetectionDataset } from '../../data/detection/dataset.js';
import type { TargetObject } from './centernet-targets.js';
import type { CompleteDetectorSpec } from './detector-spec.js';

/** One batch: NHWC pixels in [0, 1] and each image's target objects. */
export interface DetectionBatch {
  readonly x: Float32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Index of each image in its dataset. */
  readonly indices: readonly number[];
  readonly objects: readonly (readonly TargetObject[])[];
}

/** The batches of one epoch at a time. */
export interface DetectionSource {
  readonly batchesPerEpoch: number;
  /** The batches of `epoch` from batch `from` on (earlier ones are not computed). */
  epoch(epoch: number, from?: number): Iterable<DetectionBatch>;
}

/** Stream ids of the run's draws: epoch order, and each image's augmentation. */
const ORDER_STREAM = 0x6f726472;
const AUGMENT_STREAM = 0x61756731;

/** What one augmented image becomes. */
export interface Augmented {
  readonly image: ImageView<Float32Array>;
  /** Every annotated box, flipped with the image when it is. */
  readonly boxes: Box[];
}

/** The training augmentation of a spec: flip, then its erasing arm. */
export class SceneAugmenter {
  private readonly eraser: ObjectAwareErasing | null;

  constructor(private readonly spec: Pick<CompleteDetectorSpec, 'erasing' | 'p' | 'sl' | 'sh' | 'r1' | 'flip'>) {
    if (spec.erasing === 'none') {
      this.eraser = null;
      return;
    }
    const eraser = new RandomErasing('paper', { p: spec.p, sl: spec.sl, sh: spec.sh, r1: spec.r1 });
    this.eraser = new ObjectAwareErasing({ mode: spec.erasing, imageEraser: eraser, objectEraser: eraser });
  }

  /** Augment a copy of `image` (pixels in [0, 1]) with its boxes; draws: the flip, then the erasing. */
  apply(image: ImageView<Float32Array>, boxes: readonly Box[], rng: Rng): Augmented {
    const flipped = this.spec.flip && rng.next() < 0.5;
    const input = flipped ? mirror(image) : image;
    const inputBoxes = flipped ? boxes.map((b) => ({ x1: image.width - b.x2, y1: b.y1, x2: image.width - b.x1, y2: b.y2 })) : [...boxes];
    if (!this.eraser) return { image: flipped ? input : imageView(image.data.slice(), image), boxes: inputBoxes };
    return { image: this.eraser.apply(input, inputBoxes, rng).image, boxes: inputBoxes };
  }
}

/** A left-right mirrored copy of an hwc image. */
function mirror(image: ImageView<Float32Array>): ImageView<Float32Array> {
  const { height, width, channels } = image;
  const out = new Float32Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * channels;
      out.set(image.data.subarray(from, from + channels), (y * width + (width - 1 - x)) * channels);
    }
  }
  return imageView(out, image);
}

/** The dataset's pixels as one batch; only in-memory datasets (generated scenes) can train a detector here. */
function batchOf(dataset: DetectionDataset) {
  if (!dataset.batch) throw new RangeError(`${dataset.name}: a detector trains on datasets held in memory as one batch (generated scenes)`);
  return dataset.batch;
}

/** Pixels of image `index` in [0, 1]. */
function unitImage(dataset: DetectionDataset, index: number): ImageView<Float32Array> {
  const image = sampleOf(batchOf(dataset), index);
  return { ...image, data: Float32Array.from(image.data, (v) => v / 255) };
}

/** Options of {@link detectionSource}. */
export interface DetectionSourceOptions {
  readonly dataset: DetectionDataset;
  readonly batchSize: number;
  /** Shuffle each epoch and augment (training); otherwise dataset order, pixels as they are. */
  readonly augment?: SceneAugmenter;
  /** Seed of the order and augmentation draws. */
  readonly seed: number;
}

/** Batches over a dataset held in one batch. */
export function detectionSource(options: DetectionSourceOptions): DetectionSource {
  const { dataset, batchSize, augment, seed } = options;
  const { height, width, channels } = batchOf(dataset);
  const count = dataset.images.length;
  return {
    batchesPerEpoch: Math.ceil(count / batchSize),
    *epoch(epoch: number, from = 0): Iterable<DetectionBatch> {
      const order = Int32Array.from({ length: count }, (_, i) => i);
      if (augment) Rng.fromSeed(seed).derive(ORDER_STREAM, epoch).shuffle(order);
      for (let start = from * batchSize; start < count; start += batchSize) {
        const indices = Array.from(order.subarray(start, Math.min(start + batchSize, count)));
        const x = new Float32Array(indices.length * height * width * channels);
        const objects = indices.map((index, k) => {
          const annotated = dataset.images[index].objects;
          const image = unitImage(dataset, index);
          const out = augment ? augment.apply(image, annotated.map((o) => o.box), Rng.fromSeed(seed).derive(AUGMENT_STREAM, epoch, index)) : { image, boxes: annotated.map((o) => o.box) };
          x.set(out.image.data, k * height * width * channels);
          return annotated.flatMap((o, j) => (o.difficult ? [] : [{ box: out.boxes[j], label: o.label }]));
        });
        yield { x, count: indices.length, height, width, channels, indices, objects };
      }
    },
  };
}
