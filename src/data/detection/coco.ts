/**
 * COCO object detection data: an instances JSON file (`images`, `categories`, `annotations` with
 * `bbox` [x, y, w, h], `iscrowd`, `area`) and, optionally, the folder holding the image files.
 * Images are sorted by id and classes by category id, the order pycocotools evaluates them in;
 * objects keep the file's order. An optional `ignore: 1` marks an object difficult. Errors name the file and the image, category or annotation id.
 * {@link toCocoInstances} writes the same format, so a dataset (generated scenes included) can be
 * scored by pycocotools elsewhere.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DataError } from '../dataset.js';
import { fromCocoBox, toCocoBox, type CocoBox } from './boxes.js';
import { checkImageIndex, type DetectionDataset, type DetectionImage, type DetectionObject } from './dataset.js';
import { readImageFile } from './image-file.js';

/** Options of {@link loadCoco}. */
export interface CocoOptions {
  /** Folder of the image files (`file_name` is relative to it); without it `readImage` fails. */
  readonly imagesDir?: string;
}

/** A COCO dataset: the detection dataset plus the COCO category id of each label. */
export interface CocoDataset extends DetectionDataset {
  readonly categoryIds: readonly number[];
}

/** The instances JSON, as far as detection uses it. */
export interface CocoInstances {
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  /** `ignore: 1` marks a difficult object (read by {@link loadCoco}; pycocotools overwrites it with `iscrowd`). */
  annotations: { id: number; image_id: number; category_id: number; bbox: CocoBox; area: number; iscrowd: 0 | 1; ignore?: 1 }[];
}

type Json = Record<string, unknown>;

/** Line and column of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

function parseJson(path: string, content: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    throw new DataError(path, `not valid JSON${at ? ` at ${lineColumn(content, Number(at[1]))}` : ''} (${message})`);
  }
}

function array(doc: Json, key: string, path: string): Json[] {
  const value = doc[key];
  if (!Array.isArray(value)) throw new DataError(path, `expected a top-level "${key}" array`);
  value.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new DataError(path, `${key}[${i}] must be an object`);
  });
  return value as Json[];
}

/** A checker of fields of one record, naming the record in errors. */
function fields(path: string, what: string, record: Json) {
  const fail = (problem: string) => new DataError(path, `${what}: ${problem}`);
  return {
    fail,
    integer(key: string, min = -Infinity): number {
      const v = record[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw fail(`"${key}" must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${JSON.stringify(v)}`);
      return v;
    },
    string(key: string): string {
      const v = record[key];
      if (typeof v !== 'string' || v === '') throw fail(`"${key}" must be a non-empty string, got ${JSON.stringify(v)}`);
      return v;
    },
  };
}

function uniqueIds(records: Json[], key: string, path: string): number[] {
  const seen = new Set<number>();
  return records.map((r, i) => {
    const id = fields(path, `${key}[${i}]`, r).integer('id');
    if (seen.has(id)) throw new DataError(path, `${key}[${i}]: id ${id} appears twice`);
    seen.add(id);
    return id;
  });
}

interface ImageRecord {
  readonly id: number;
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly objects: DetectionObject[];
}

/** The `bbox` of an annotation in our convention, checked against its image. */
function parseBbox(bbox: unknown, image: ImageRecord, fail: (problem: string) => DataError): DetectionObject['box'] {
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw fail(`"bbox" must be [x, y, width, height] numbers, got ${JSON.stringify(bbox)}`);
  }
  const [x, y, w, h] = bbox as number[];
  if (!(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= image.width && y + h <= image.height)) {
    throw fail(`bbox [${bbox.join(', ')}] must have width, height > 0 and lie inside image ${image.id} (${image.width}x${image.height})`);
  }
  return fromCocoBox([x, y, w, h]);
}

/** An optional 0/1 flag (absent: 0). */
function flag(record: Json, key: string, fail: (problem: string) => DataError): boolean {
  const value = record[key] ?? 0;
  if (value !== 0 && value !== 1) throw fail(`"${key}" must be 0 or 1, got ${JSON.stringify(value)}`);
  return value === 1;
}

function parseAnnotation(a: Json, i: number, images: Map<number, ImageRecord>, labels: Map<number, number>, path: string): [ImageRecord, DetectionObject] {
  const id = a.id;
  const f = fields(path, typeof id === 'number' ? `annotation id ${id}` : `annotations[${i}]`, a);
  f.integer('id');
  const image = images.get(f.integer('image_id'));
  if (!image) throw f.fail(`image_id ${String(a.image_id)} is not in "images"`);
  const label = labels.get(f.integer('category_id'));
  if (label === undefined) throw f.fail(`category_id ${String(a.category_id)} is not in "categories"`);
  const box = parseBbox(a.bbox, image, f.fail);
  const crowd = flag(a, 'iscrowd', f.fail);
  const difficult = flag(a, 'ignore', f.fail);
  const area = a.area ?? (box.x2 - box.x1) * (box.y2 - box.y1);
  if (typeof area !== 'number' || !(area >= 0)) throw f.fail(`"area" must be a number >= 0, got ${JSON.stringify(area)}`);
  return [image, { box, label, difficult, crowd, area }];
}

/** Parse an instances document (`path` names it in errors). */
export function parseCocoInstances(path: string, content: string): Omit<CocoDataset, 'readImage'> & { readonly files: readonly string[] } {
  const doc = parseJson(path, content);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new DataError(path, 'expected a JSON object with images, categories and annotations');
  const imageRecords = array(doc as Json, 'images', path);
  const categoryRecords = array(doc as Json, 'categories', path);
  const imageIds = uniqueIds(imageRecords, 'images', path);
  const categoryIds = uniqueIds(categoryRecords, 'categories', path);
  const images = new Map<number, ImageRecord>();
  imageRecords.forEach((r, i) => {
    const f = fields(path, `image id ${imageIds[i]}`, r);
    images.set(imageIds[i], { id: imageIds[i], file: f.string('file_name'), width: f.integer('width', 1), height: f.integer('height', 1), objects: [] });
  });
  const order = categoryRecords.map((r, i) => ({ id: categoryIds[i], name: fields(path, `category id ${categoryIds[i]}`, r).string('name') }));
  order.sort((a, b) => a.id - b.id);
  const labels = new Map(order.map((c, label) => [c.id, label]));
  const seen = new Set<number>();
  array(doc as Json, 'annotations', path).forEach((a, i) => {
    const [image, object] = parseAnnotation(a, i, images, labels, path);
    if (seen.has(a.id as number)) throw new DataError(path, `annotation id ${String(a.id)} appears twice`);
    seen.add(a.id as number);
    image.objects.push(object);
  });
  const sorted = [...images.values()].sort((a, b) => a.id - b.id);
  const records: DetectionImage[] = sorted.map(({ id, file, height, width, objects }) => ({ id, file, height, width, objects }));
  return {
    name: basename(path).replace(/\.json$/i, ''),
    classNames: order.map((c) => c.name),
    categoryIds: order.map((c) => c.id),
    images: records,
    files: sorted.map((r) => r.file),
  };
}

/**
 * Load a COCO instances file.
 *
 * @example
 * const val = await loadCoco('annotations/instances_val2017.json', { imagesDir: 'val2017' });
 */
export async function loadCoco(annotationFile: string, options: CocoOptions = {}): Promise<CocoDataset> {
  let content: string;
  try {
    content = await readFile(annotationFile, 'utf8');
  } catch (error) {
    throw new DataError(annotationFile, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const { files, ...parsed } = parseCocoInstances(annotationFile, content);
  const dataset: CocoDataset = {
    ...parsed,
    readImage: async (index) => {
      checkImageIndex(dataset, index);
      const image = parsed.images[index];
      if (options.imagesDir === undefined) {
        throw new DataError(annotationFile, `image id ${image.id}: no imagesDir given to read '${files[index]}' from`);
      }
      return readImageFile(join(options.imagesDir, files[index]), image.height, image.width, `${annotationFile} (image id ${image.id})`);
    },
  };
  return dataset;
}

/**
 * A dataset as COCO instances: image ids as recorded, category ids 1..K by label (or
 * `categoryIds`), annotation ids 1.. in order; difficult objects carry `ignore: 1`.
 */
export function toCocoInstances(dataset: Pick<DetectionDataset, 'classNames' | 'images'>, categoryIds?: readonly number[]): CocoInstances {
  const catId = (label: number) => categoryIds?.[label] ?? label + 1;
  let next = 1;
  return {
    images: dataset.images.map((im) => ({ id: im.id, file_name: im.file, width: im.width, height: im.height })),
    categories: dataset.classNames.map((name, label) => ({ id: catId(label), name })),
    annotations: dataset.images.flatMap((im) =>
      im.objects.map((o) => ({
        id: next++,
        image_id: im.id,
        category_id: catId(o.label),
        bbox: toCocoBox(o.box),
        area: o.area,
        iscrowd: o.crowd ? (1 as const) : (0 as const),
        ...(o.difficult ? { ignore: 1 as const } : {}),
      })),
    ),
  };
}
