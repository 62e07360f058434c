/**
 * Random Erasing on a batch tensor (NHWC), for TF.js pipelines and models. Regions and fill values
 * come from the core {@link RandomErasing}'s `plan`, sample i drawing from `rng.derive(i)` exactly
 * as the core `applyBatch` does, so the same seed erases the same regions with the same values.
 * Pixels are replaced with tensor ops (`tf.where` over a mask), so it runs on any backend.
 */
import type { ErasePlan, PlanShape } from '../core/random-erasing.js';
import { RandomErasing } from '../core/random-erasing.js';
import type { RandomErasingOptions } from '../core/erasing-options.js';
import type { PixelDtype } from '../core/fill.js';
import type { PresetName } from '../core/presets.js';
import { Rng } from '../core/rng.js';
import { tf } from './tf.js';

export interface RandomErasingOpOptions {
  /** The eraser: a preset name, full options, or a configured instance. Default `'reference'`. */
  erasing?: PresetName | RandomErasingOptions | RandomErasing;
  /** Options overriding the preset's (ignored when `erasing` is an instance). */
  overrides?: Partial<RandomErasingOptions>;
  /** Seed of the draws (sample i uses `Rng.fromSeed(seed).derive(i)`). Give `seed` or `rng`. */
  seed?: number;
  /** Generator of the draws (sample i uses `rng.derive(i)`); takes precedence over `seed`. */
  rng?: Rng;
  /**
   * How fill values are drawn: `'uint8'` (integers 0..255, as for uint8 images) or `'float32'`.
   * Default: `'uint8'` for int32 tensors, `'float32'` otherwise.
   */
  pixelDtype?: PixelDtype;
}

/** The eraser an options object describes. */
function eraserOf(options: RandomErasingOpOptions): RandomErasing {
  const { erasing = 'reference', overrides = {} } = options;
  return erasing instanceof RandomErasing ? erasing : new RandomErasing(erasing, overrides);
}

function rngOf(options: RandomErasingOpOptions): Rng {
  if (options.rng !== undefined) return options.rng;
  if (options.seed === undefined || !Number.isFinite(options.seed)) {
    throw new RangeError(`randomErasing: options.seed (a finite number) or options.rng is required, got seed ${String(options.seed)}`);
  }
  return Rng.fromSeed(options.seed);
}

function checkImages(images: tf.Tensor): void {
  if (images.rank !== 4) {
    throw new RangeError(`randomErasing: images must be a rank-4 NHWC tensor, got shape [${images.shape.join(', ')}]`);
  }
  if (images.dtype !== 'float32' && images.dtype !== 'int32') {
    throw new RangeError(`randomErasing: images must be float32 or int32, got ${images.dtype}`);
  }
}

/**
 * The plan of every sample of a batch of `count` images of `shape`: sample i is planned with
 * `rng.derive(i)`, like the core `applyBatch`.
 */
export function planBatch(eraser: RandomErasing, count: number, shape: PlanShape, dtype: PixelDtype, rng: Rng): ErasePlan[] {
  return Array.from({ length: count }, (_, i) => eraser.plan(shape, dtype, rng.derive(i)));
}

/** Paints `plans` into a mask [N,H,W,1] and a value buffer [N,H,W,C] (later regions win). */
function paintPlans(plans: readonly ErasePlan[], [, height, width, channels]: number[]) {
  const mask = new Uint8Array(plans.length * height * width);
  const values = new Float32Array(mask.length * channels);
  plans.forEach((plan, n) => {
    plan.regions.forEach((r, k) => {
      const fill = plan.fills[k];
      const perPixel = fill.length > channels;
      for (let y = 0; y < r.height; y++) {
        for (let x = 0; x < r.width; x++) {
          const pixel = (n * height + r.top + y) * width + r.left + x;
          mask[pixel] = 1;
          for (let c = 0; c < channels; c++) {
            const at = perPixel ? (y * r.width + x) * channels + c : fill.length === 1 ? 0 : c;
            values[pixel * channels + c] = fill[at];
          }
        }
      }
    });
  });
  return { mask, values };
}

/** Applies precomputed per-sample plans (see {@link planBatch}) to an NHWC batch. */
export function applyPlans<T extends tf.Tensor4D>(images: T, plans: readonly ErasePlan[]): T {
  checkImages(images);
  const [count, height, width] = images.shape;
  if (plans.length !== count) throw new RangeError(`applyPlans: ${plans.length} plans for a batch of ${count} images`);
  if (plans.every((p) => p.regions.length === 0)) return tf.clone(images);
  const { mask, values } = paintPlans(plans, images.shape);
  return tf.tidy(() => {
    const condition = tf.tensor4d(mask, [count, height, width, 1], 'bool');
    const fill = tf.tensor4d(values, images.shape, images.dtype as 'float32' | 'int32');
    return tf.where(condition, fill, images) as T;
  });
}

/**
 * Random Erasing of every image of an NHWC batch; each sample gets its own regions. Returns a new
 * tensor of the same shape and dtype (the input is not disposed).
 *
 * @example
 * const erased = randomErasing(images, { erasing: 'paper', seed: 7 });
 */
export function randomErasing<T extends tf.Tensor4D>(images: T, options: RandomErasingOpOptions): T {
  checkImages(images);
  const [count, height, width, channels] = images.shape;
  const dtype = options.pixelDtype ?? (images.dtype === 'int32' ? 'uint8' : 'float32');
  const plans = planBatch(eraserOf(options), count, { height, width, channels }, dtype, rngOf(options));
  return applyPlans(images, plans);
}
