/**
 * Random Erasing on image tensors (one image or a batch, channels last or first, float32 or int32),
 * for TF.js pipelines and models. Regions and fill values come from the core {@link RandomErasing}'s
 * `plan`: sample i of a batch draws from `rng.derive(i)` exactly as the core `applyBatch` does, one
 * image (or a batch with `sameOnBatch`) from `rng` itself as the core `apply`, so the same seed erases
 * the same regions with the same values. Pixels are replaced with `tf.where` over a mask, so it runs
 * on any backend.
 */
import type { ErasePlan, PlanShape } from '../core/random-erasing.js';
import { RandomErasing } from '../core/random-erasing.js';
import type { RandomErasingOptions } from '../core/erasing-options.js';
import type { PixelDtype } from '../core/fill.js';
import type { PresetName } from '../core/presets.js';
import { Rng } from '../core/rng.js';
import { tf } from './tf.js';

/** Where the channels are, in TF.js' names: NHWC / HWC (`channelsLast`) or NCHW / CHW (`channelsFirst`). */
export type DataFormat = 'channelsLast' | 'channelsFirst';

/** Image tensors the op takes: one image (rank 3) or a batch (rank 4). */
export type ImageTensor = tf.Tensor3D | tf.Tensor4D;

export interface RandomErasingOpOptions {
  /** The eraser: a preset name, full options, or a configured instance. Default `'reference'`. */
  erasing?: PresetName | RandomErasingOptions | RandomErasing;
  /** Options overriding the preset's (an error when `erasing` is an instance). */
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
  /** Default `channelsLast`. */
  dataFormat?: DataFormat;
  /**
   * One plan (the same regions and values) for every image of a batch, drawn from the generator
   * itself, as torchvision's tensor path erases a batch. Default false: each sample its own.
   */
  sameOnBatch?: boolean;
}

/** The eraser an options object describes. */
function eraserOf(options: RandomErasingOpOptions): RandomErasing {
  const { erasing = 'reference', overrides } = options;
  if (!(erasing instanceof RandomErasing)) return new RandomErasing(erasing, overrides ?? {});
  if (overrides !== undefined) throw new RangeError('randomErasing: options.overrides cannot change a RandomErasing instance; give a preset or options instead');
  return erasing;
}

function rngOf(options: RandomErasingOpOptions): Rng {
  if (options.rng !== undefined) return options.rng;
  if (options.seed === undefined || !Number.isFinite(options.seed)) {
    throw new RangeError(`randomErasing: options.seed (a finite number) or options.rng is required, got seed ${String(options.seed)}`);
  }
  return Rng.fromSeed(options.seed);
}

/** Batch geometry of an image tensor: count, image shape, where the channels are. */
interface Geometry extends PlanShape {
  readonly count: number;
  readonly rank: 3 | 4;
  readonly channelsFirst: boolean;
}

function geometryOf(images: tf.Tensor, dataFormat: DataFormat = 'channelsLast'): Geometry {
  if (dataFormat !== 'channelsLast' && dataFormat !== 'channelsFirst') {
    throw new RangeError(`randomErasing: options.dataFormat must be 'channelsLast' or 'channelsFirst', got '${String(dataFormat)}'`);
  }
  const channelsFirst = dataFormat === 'channelsFirst';
  if (images.rank !== 3 && images.rank !== 4) {
    const [one, batch] = channelsFirst ? ['CHW', 'NCHW'] : ['HWC', 'NHWC'];
    throw new RangeError(`randomErasing: images must be a rank-3 ${one} image or a rank-4 ${batch} batch, got shape [${images.shape.join(', ')}]`);
  }
  if (images.dtype !== 'float32' && images.dtype !== 'int32') {
    throw new RangeError(`randomErasing: images must be float32 or int32, got ${images.dtype}`);
  }
  const [count, ...image] = images.rank === 4 ? images.shape : [1, ...images.shape];
  const [height, width, channels] = channelsFirst ? [image[1], image[2], image[0]] : image;
  return { count, height, width, channels, rank: images.rank, channelsFirst };
}

/**
 * The plan of every sample of a batch of `count` images of `shape`: sample i is planned with
 * `rng.derive(i)`, like the core `applyBatch`.
 */
export function planBatch(eraser: RandomErasing, count: number, shape: PlanShape, dtype: PixelDtype, rng: Rng): ErasePlan[] {
  return Array.from({ length: count }, (_, i) => eraser.plan(shape, dtype, rng.derive(i)));
}

/** Offsets of value (y, x, c) of a region's per-pixel fill and of the image, in the tensor's layout. */
function fillIndex(g: Geometry, r: { height: number; width: number }, y: number, x: number, c: number): number {
  return g.channelsFirst ? (c * r.height + y) * r.width + x : (y * r.width + x) * g.channels + c;
}

/**
 * Paints `plans` into a mask and a value buffer, both shaped like the images (later regions win).
 * Per-pixel fills are in the layout's order: hwc, or one channel plane after another. The mask has
 * the images' full shape: a broadcast condition makes `tf.where` about 20x slower on wasm.
 */
function paintPlans(plans: readonly ErasePlan[], g: Geometry) {
  const { height, width, channels } = g;
  const plane = height * width;
  const values = new Float32Array(plans.length * plane * channels);
  const mask = new Uint8Array(values.length);
  plans.forEach((plan, n) => {
    plan.regions.forEach((r, k) => {
      const fill = plan.fills[k];
      const perPixel = fill.length > channels;
      for (let y = 0; y < r.height; y++) {
        for (let x = 0; x < r.width; x++) {
          const pixel = (r.top + y) * width + r.left + x;
          for (let c = 0; c < channels; c++) {
            const at = perPixel ? fillIndex(g, r, y, x, c) : fill.length === 1 ? 0 : c;
            const to = g.channelsFirst ? (n * channels + c) * plane + pixel : (n * plane + pixel) * channels + c;
            values[to] = fill[at];
            mask[to] = 1;
          }
        }
      }
    });
  });
  return { mask, values };
}

function applyGeometry<T extends ImageTensor>(images: T, g: Geometry, plans: readonly ErasePlan[]): T {
  if (plans.every((p) => p.regions.length === 0)) return tf.clone(images);
  // One plan for a whole batch is painted into every image.
  const all = plans.length === g.count ? plans : Array.from({ length: g.count }, () => plans[0]);
  const { mask, values } = paintPlans(all, g);
  return tf.tidy(() => {
    const condition = tf.tensor(mask, images.shape, 'bool');
    const fill = tf.tensor(values, images.shape, images.dtype as 'float32' | 'int32');
    return tf.where(condition, fill, images) as T;
  });
}

/**
 * Applies precomputed plans (see {@link planBatch}) to images: one plan per sample, or one plan for
 * the whole batch (as `sameOnBatch`). Returns a new tensor; the input is not disposed.
 */
export function applyPlans<T extends ImageTensor>(images: T, plans: readonly ErasePlan[], dataFormat?: DataFormat): T {
  const g = geometryOf(images, dataFormat);
  if (plans.length !== g.count && plans.length !== 1) {
    throw new RangeError(`applyPlans: ${plans.length} plans for a batch of ${g.count} images (expected ${g.count}, or 1 for the whole batch)`);
  }
  return applyGeometry(images, g, plans);
}

/**
 * Random Erasing of an image or of every image of a batch; each sample gets its own regions unless
 * `sameOnBatch`. Returns a new tensor of the same shape and dtype (the input is not disposed).
 *
 * @example
 * const erased = randomErasing(images, { erasing: 'paper', seed: 7 });
 * const planes = randomErasing(nchw, { erasing: 'torchvision', dataFormat: 'channelsFirst', sameOnBatch: true, seed: 7 });
 */
export function randomErasing<T extends ImageTensor>(images: T, options: RandomErasingOpOptions): T {
  const g = geometryOf(images, options.dataFormat);
  const dtype = options.pixelDtype ?? (images.dtype === 'int32' ? 'uint8' : 'float32');
  const [eraser, rng] = [eraserOf(options), rngOf(options)];
  const plans = g.rank === 3 || options.sameOnBatch === true
    ? [eraser.plan(g, dtype, rng)]
    : planBatch(eraser, g.count, g, dtype, rng);
  return applyGeometry(images, g, plans);
}

/**
 * Random Erasing as a stream of calls, for `dataset.map` and layers: call k erases with
 * `Rng.fromSeed(seed).derive(k)` (or `rng.derive(k)`), so every call differs and a run that makes the
 * same calls in the same order erases the same pixels.
 *
 * @example
 * const erase = new ErasingStream({ erasing: 'paper', seed: 1 });
 * const augmented = dataset.map(({ xs, ys }) => ({ xs: erase.apply(xs), ys }));
 */
export class ErasingStream {
  private readonly root: Rng;
  private readonly options: RandomErasingOpOptions;
  /** Number of calls made so far; set it to resume a stream where a run stopped. */
  calls = 0;

  constructor(options: RandomErasingOpOptions) {
    this.root = rngOf(options);
    this.options = { ...options, erasing: eraserOf(options), overrides: undefined };
  }

  /** The eraser in force. */
  get eraser(): RandomErasing {
    return this.options.erasing as RandomErasing;
  }

  /** Erase with the next stream of the sequence. */
  apply<T extends ImageTensor>(images: T): T {
    return randomErasing(images, { ...this.options, rng: this.root.derive(this.calls++) });
  }
}
