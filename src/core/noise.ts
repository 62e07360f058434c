/**
 * Random pixel noise (the "random noise" baseline of Zhong et al., Table 4): each pixel is replaced,
 * with probability `fraction`, by random values, one per channel. uint8 images get integers in
 * [low, high] (default 0..255), float32 images uniform values in [low, high) (default 0..1).
 */
import { imageView, offsetOf } from './image.js';
import type { Transform } from './transforms.js';

/** Options of {@link randomNoise}. */
export interface NoiseOptions {
  /** Lowest value written (default 0). */
  readonly low?: number;
  /** Highest value written (default 255 for uint8, 1 for float32). */
  readonly high?: number;
}

/**
 * A transform replacing each pixel, with probability `fraction`, by random values. Draws per pixel,
 * in row-major order: one `next()` for the decision, then one value per channel when replaced.
 * Returns a new image; the input is never modified.
 */
export function randomNoise(fraction: number, options: NoiseOptions = {}): Transform {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new RangeError(`randomNoise fraction must be in [0, 1], got ${fraction}`);
  }
  return (image, rng) => {
    const src = imageView(image.data, image);
    const data = src.data.slice();
    const out = { ...src, data };
    const integer = data instanceof Uint8Array;
    const low = options.low ?? 0;
    const high = options.high ?? (integer ? 255 : 1);
    if (!(high >= low)) throw new RangeError(`randomNoise needs low <= high, got ${low} and ${high}`);
    for (let y = 0; y < src.height; y++) {
      for (let x = 0; x < src.width; x++) {
        if (!(rng.next() < fraction)) continue;
        for (let c = 0; c < src.channels; c++) {
          data[offsetOf(out, y, x, c)] = integer ? rng.int(low, high) : rng.uniform(low, high);
        }
      }
    }
    return out;
  };
}
