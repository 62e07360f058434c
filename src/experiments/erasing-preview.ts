/**
 * Preview figures (like the paper's Figure 1): dataset samples before and after Random Erasing, as
 * tile rows for {@link renderGrid}. Erasing runs on float pixels in [0, 1], as in training before
 * normalisation, so every preset's fill (mean constants, uniform, normal) shows as it would train.
 */
import type { Dataset } from '../data/dataset.js';
import { imageView, type ImageView } from '../core/image.js';
import type { RandomErasing } from '../core/random-erasing.js';
import { Rng } from '../core/rng.js';
import type { Outline, Rect, Rgb, Tile } from './image-grid.js';
import { Validator } from '../core/validate.js';

const v = new Validator('preview option');

/** Outline colour of erased regions in previews. */
export const ERASED_COLOR: Rgb = [230, 30, 30];

/** Image `index` of a dataset as a uint8 hwc view (no copy). */
export function datasetImage(dataset: Dataset, index: number): ImageView<Uint8Array> {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
    throw new RangeError(`image index ${index} is out of range [0, ${dataset.count}) of ${dataset.name}`);
  }
  const size = dataset.height * dataset.width * dataset.channels;
  return imageView(dataset.images.subarray(index * size, (index + 1) * size), dataset);
}

/**
 * Pick `count` sample indices, cycling through the classes (so a preview shows several classes),
 * the sample within each class drawn with `seed`.
 */
export function pickSamples(dataset: Dataset, count: number, seed: number): number[] {
  v.integer(count, 'samples', { min: 1 });
  const byClass = new Map<number, number[]>();
  dataset.labels.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
  const rng = Rng.fromSeed(seed);
  const pools = [...byClass.keys()].sort((a, b) => a - b).map((label) => rng.shuffle([...(byClass.get(label) ?? [])]));
  const picked: number[] = [];
  for (let round = 0; picked.length < Math.min(count, dataset.count); round++) {
    for (const pool of pools) {
      if (round < pool.length && picked.length < count) picked.push(pool[round]);
    }
  }
  return picked;
}

/** uint8 → float32 in [0, 1]. */
export function toUnitFloat(image: ImageView<Uint8Array>): ImageView<Float32Array> {
  return { ...image, data: Float32Array.from(image.data, (v) => v / 255) };
}

/** float32 in [0, 1] → uint8, clamped and rounded. */
export function toBytes(image: ImageView<Float32Array>): ImageView<Uint8Array> {
  return { ...image, data: Uint8Array.from(image.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)) };
}

/** Erase one image with `eraser`, returning displayable pixels and the regions as an outline. */
export function eraseForDisplay(image: ImageView<Uint8Array>, eraser: RandomErasing, rng: Rng, outline: boolean): Tile {
  const { image: erased, regions } = eraser.apply(toUnitFloat(image), rng);
  const outlines: Outline[] = outline && regions.length ? [{ rects: regions as Rect[], color: ERASED_COLOR }] : [];
  return { image: toBytes(erased), outlines };
}

/** Options of {@link erasingPreview}. */
export interface ErasingPreviewOptions {
  readonly dataset: Dataset;
  readonly eraser: RandomErasing;
  /** Sample indices (columns). */
  readonly indices: readonly number[];
  /** Erased rows under the originals (each an independent draw). */
  readonly draws: number;
  readonly seed: number;
  /** Outline erased regions in red (default false). */
  readonly outline?: boolean;
}

/** Row 0: the originals; rows 1..draws: independent erasings; draw d of sample i uses `seed.derive(d, i)`. */
export function erasingPreview(options: ErasingPreviewOptions): Tile[][] {
  v.integer(options.draws, 'draws', { min: 1 });
  const originals = options.indices.map((i) => datasetImage(options.dataset, i));
  const root = Rng.fromSeed(options.seed);
  const rows: Tile[][] = [originals.map((image) => ({ image }))];
  for (let d = 0; d < options.draws; d++) {
    rows.push(originals.map((image, i) => eraseForDisplay(image, options.eraser, root.derive(d, i), options.outline ?? false)));
  }
  return rows;
}
