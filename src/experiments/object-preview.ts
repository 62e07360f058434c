/**
 * Object-aware erasing previews (the paper's IRE / ORE / I+ORE for detection): one column per sample,
 * rows: the original with its boxes, then each mode's erasing with the boxes drawn. Boxes come from
 * the user, or are generated: the bounding box of the pixels that stand out from the image border
 * (the object on Fashion-MNIST's plain background), else a seeded random box.
 */
import type { Box, ObjectAwareMode } from '../core/object-aware.js';
import { ObjectAwareErasing, boxWindow } from '../core/object-aware.js';
import type { ImageView } from '../core/image.js';
import type { RandomErasing } from '../core/random-erasing.js';
import { Rng } from '../core/rng.js';
import type { Dataset } from '../data/dataset.js';
import type { Rgb, Tile } from './image-grid.js';
import { ERASED_COLOR, datasetImage, toBytes, toUnitFloat } from './erasing-preview.js';

/** Outline colour of object boxes. */
export const BOX_COLOR: Rgb = [20, 200, 60];

/** The modes in the paper's order, with their labels. */
export const OBJECT_MODES: readonly { mode: ObjectAwareMode; label: string }[] = [
  { mode: 'image', label: 'IRE' },
  { mode: 'object', label: 'ORE' },
  { mode: 'image+object', label: 'I+ORE' },
];

function intensity(image: ImageView<Uint8Array>, y: number, x: number): number {
  let sum = 0;
  for (let c = 0; c < image.channels; c++) sum += image.data[(y * image.width + x) * image.channels + c];
  return sum / image.channels;
}

function borderMean(image: ImageView<Uint8Array>): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (y === 0 || x === 0 || y === image.height - 1 || x === image.width - 1) {
        sum += intensity(image, y, x);
        n++;
      }
    }
  }
  return sum / n;
}

/** Bounding box of pixels differing from the border mean by more than 64 levels, or null if none/all. */
export function foregroundBox(image: ImageView<Uint8Array>): Box | null {
  const background = borderMean(image);
  let [x1, y1, x2, y2] = [image.width, image.height, 0, 0];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (Math.abs(intensity(image, y, x) - background) > 64) {
        [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
      }
    }
  }
  const area = (x2 - x1) * (y2 - y1);
  return area > 0 && area < 0.95 * image.height * image.width ? { x1, y1, x2, y2 } : null;
}

/** A seeded box covering 40–70% of each side. */
export function randomBox(height: number, width: number, rng: Rng): Box {
  const h = Math.max(1, Math.round(height * rng.uniform(0.4, 0.7)));
  const w = Math.max(1, Math.round(width * rng.uniform(0.4, 0.7)));
  const y1 = rng.int(0, height - h);
  const x1 = rng.int(0, width - w);
  return { x1, y1, x2: x1 + w, y2: y1 + h };
}

/** Options of {@link objectAwarePreview}. */
export interface ObjectPreviewOptions {
  readonly dataset: Dataset;
  readonly indices: readonly number[];
  readonly eraser: RandomErasing;
  readonly seed: number;
  /** Boxes for every sample; default: generated per sample. */
  readonly boxes?: readonly Box[];
  /** Outline erased regions in red (default false). */
  readonly outline?: boolean;
}

/** Row 0: originals with boxes; then one row per mode (IRE, ORE, I+ORE); sample i draws from `seed.derive(row, i)`. */
export function objectAwarePreview(options: ObjectPreviewOptions): Tile[][] {
  const root = Rng.fromSeed(options.seed);
  const samples = options.indices.map((index, i) => {
    const image = datasetImage(options.dataset, index);
    const boxes = options.boxes ?? [foregroundBox(image) ?? randomBox(image.height, image.width, root.derive(0, i))];
    return { image, boxes };
  });
  const boxOutline = (boxes: readonly Box[]) => ({ rects: boxes.map(boxWindow), color: BOX_COLOR });
  const rows: Tile[][] = [samples.map(({ image, boxes }) => ({ image, outlines: [boxOutline(boxes)] }))];
  OBJECT_MODES.forEach(({ mode }, m) => {
    const eraser = new ObjectAwareErasing({ mode, imageEraser: options.eraser, objectEraser: options.eraser });
    rows.push(
      samples.map(({ image, boxes }, i) => {
        const result = eraser.apply(toUnitFloat(image), boxes, root.derive(m + 1, i));
        const erased = options.outline && result.regions.length ? [{ rects: result.regions, color: ERASED_COLOR }] : [];
        return { image: toBytes(result.image), outlines: [boxOutline(boxes), ...erased] };
      }),
    );
  });
  return rows;
}

/** Parse user boxes: a JSON array of `{x1, y1, x2, y2}` (`source` names the file in errors). */
export function parseBoxes(text: string, source: string): Box[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${source}: expected a non-empty JSON array of {"x1","y1","x2","y2"} boxes`);
  return value.map((box: unknown, i) => {
    const b = box as Record<string, unknown>;
    if (!b || typeof b !== 'object' || !['x1', 'y1', 'x2', 'y2'].every((k) => typeof b[k] === 'number')) {
      throw new Error(`${source}: box ${i} must be an object with numeric x1, y1, x2, y2, got ${JSON.stringify(box)}`);
    }
    return { x1: b.x1 as number, y1: b.y1 as number, x2: b.x2 as number, y2: b.y2 as number };
  });
}
