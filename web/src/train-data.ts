/**
 * What the train panel learns from: the sample images (one class each) or the user's images (one
 * class per file), at one size, standardised per channel; and augmented batches drawn from them
 * (random flip, then Random Erasing with the page's settings in the standardised domain, as the
 * trainer's pipeline erases after `normalize`).
 */
import { imageView, type RandomErasing, type Rng } from '../../src/core/index.js';
import type { Batch } from '../../src/data/batch.js';

/** Images of one shape with their class names (image i is class i). */
export interface TrainingSet {
  readonly classNames: readonly string[];
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Standardised pixels, hwc, one array per image. */
  readonly images: readonly Float32Array[];
}

/** An image as raw pixels, any value range (scaled by `scale` to [0, 1]). */
export interface RawTrainingImage {
  readonly name: string;
  readonly data: ArrayLike<number>;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Build a set from images that all have one shape, standardising every channel over the whole set. */
export function trainingSet(raw: readonly RawTrainingImage[], scale = 1 / 255): TrainingSet {
  if (raw.length < 2) throw new RangeError(`training needs at least 2 images (one class each), got ${raw.length}`);
  const { height, width, channels } = raw[0];
  const odd = raw.find((r) => r.height !== height || r.width !== width || r.channels !== channels);
  if (odd) throw new RangeError(`${odd.name} is ${odd.width}×${odd.height}×${odd.channels}, the others ${width}×${height}×${channels}`);
  const sums = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (const r of raw) {
    for (let i = 0; i < r.data.length; i++) {
      const v = r.data[i] * scale;
      sums[i % channels] += v;
      squares[i % channels] += v * v;
    }
  }
  const n = raw.length * height * width;
  const mean = Array.from(sums, (s) => s / n);
  const std = Array.from(squares, (s, c) => Math.sqrt(Math.max(s / n - mean[c] ** 2, 1e-6)));
  const images = raw.map((r) => Float32Array.from(r.data, (v, i) => (v * scale - mean[i % channels]) / std[i % channels]));
  return { classNames: raw.map((r) => r.name), height, width, channels, images };
}

/**
 * Batch `step` of `count` samples: image (step·count + k) mod n for sample k, flipped left-right with
 * probability 1/2, then erased in place by `erasing` (sample k with `rng.derive(step, k)`).
 */
export function augmentedBatch(set: TrainingSet, count: number, step: number, erasing: RandomErasing, rng: Rng): Batch {
  const { height, width, channels } = set;
  const size = height * width * channels;
  const x = new Float32Array(count * size);
  const y = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const label = (step * count + k) % set.images.length;
    const draws = rng.derive(step, k);
    const flip = draws.next() < 0.5;
    const source = set.images[label];
    const target = x.subarray(k * size, (k + 1) * size);
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const from = (row * width + (flip ? width - 1 - col : col)) * channels;
        target.set(source.subarray(from, from + channels), (row * width + col) * channels);
      }
    }
    erasing.apply(imageView(target, { height, width, channels }), draws, { inPlace: true });
    y[k] = label;
  }
  return { x, y, count, height, width, channels };
}

/** The un-augmented set as one batch (for the accuracy shown while training). */
export function wholeSet(set: TrainingSet): Batch {
  const size = set.height * set.width * set.channels;
  const x = new Float32Array(set.images.length * size);
  set.images.forEach((image, i) => x.set(image, i * size));
  return { x, y: Int32Array.from(set.images, (_, i) => i), count: set.images.length, height: set.height, width: set.width, channels: set.channels };
}
