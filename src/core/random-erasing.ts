/**
 * Random Erasing (Zhong et al., AAAI 2020): with probability p, replace one or more random rectangles
 * of an image by a fill. Geometry is drawn first ({@link RandomErasing.sample}), then each region's
 * fill values in region order, so `plan` and `apply` consume a generator identically and a plan's
 * values, written in order (later regions over earlier ones), reproduce `apply` exactly.
 */
import { resolveOptions, type RandomErasingOptions, type ResolvedOptions } from './erasing-options.js';
import { bindFill, type BoundFill, type PixelDtype } from './fill.js';
import { batchView, copyOf, imageView, sampleOf, type BatchView, type ImageView, type PixelArray } from './image.js';
import { PRESETS, isPresetName, type PresetName } from './presets.js';
import { sampleRegions, type Region } from './region-sampler.js';
import { drawPixels, paintRegions } from './region-writer.js';
import type { Rng } from './rng.js';
import { Validator } from './validate.js';
import type { Transform } from './transforms.js';

/** Shape of the images a plan is made for. */
export interface PlanShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** What `apply` would do: the regions and, for each, the values it writes. */
export interface ErasePlan {
  readonly regions: Region[];
  /**
   * fills[i] has length 1 (all channels), C (one per channel) or h*w*C (per pixel, in the order
   * apply writes them: hwc for an hwc image; for a chw image, C planes of h*w values).
   */
  readonly fills: Float32Array[];
}

/** Result of erasing one image. */
export interface ErasedImage<T extends PixelArray = PixelArray> {
  readonly image: ImageView<T>;
  readonly regions: Region[];
}

/** Result of erasing a batch; regions[i] belongs to sample i. */
export interface ErasedBatch<T extends PixelArray = PixelArray> {
  readonly batch: BatchView<T>;
  readonly regions: Region[][];
}

/** How apply works on an image. */
export interface ApplyOptions<T extends PixelArray = PixelArray> {
  /** Write into the given pixels (default false: a copy is erased). */
  readonly inPlace?: boolean;
  /**
   * Copy the pixels into this array (same type and length) and erase there, instead of allocating a
   * copy: reusing one output buffer avoids the allocation, the largest cost of copying large images.
   */
  readonly out?: T;
  /** Erase inside this window only, as if it were the whole image (object-aware erasing). */
  readonly within?: Region;
}

function dtypeOf(data: PixelArray): PixelDtype {
  return data instanceof Uint8Array ? 'uint8' : 'float32';
}

function checkImageDim(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

/** Where erased pixels go: the input (inPlace), the caller's `out` array after a copy, or a new copy. */
function destination<T extends PixelArray>(data: T, options: ApplyOptions<T>): T {
  const { inPlace, out } = options;
  if (out === undefined) return inPlace ? data : copyOf(data);
  if (inPlace) throw new RangeError('apply options inPlace and out exclude each other');
  if (out.constructor !== data.constructor || out.length !== data.length) {
    throw new RangeError(`apply option out must be a ${data.constructor.name} of length ${data.length}, got a ${out.constructor.name} of length ${out.length}`);
  }
  if (out !== data) out.set(data);
  return out;
}

const v = new Validator('random erasing option');

/** Options a geometry does not use: giving one as an override is an error rather than ignored. */
function checkApplicable(o: ResolvedOptions, overrides: Partial<RandomErasingOptions>): void {
  const unused = [
    ...(o.sizeSampling === 'per-side' ? (['r1', 'r2', 'aspectSampling'] as const) : []),
    ...(o.placement === 'continuous' ? (['rounding'] as const) : []),
  ];
  for (const name of unused) {
    if (overrides[name] !== undefined) v.reject(name, `has no effect with sizeSampling '${o.sizeSampling}' and placement '${o.placement}'`);
  }
}

/** A configured Random Erasing transform. Stateless: every draw comes from the generator passed in. */
export class RandomErasing {
  /** The options in force, defaults applied. */
  readonly options: ResolvedOptions;
  private readonly fills = new Map<string, BoundFill>();

  /**
   * @param config a preset name, or full options.
   * @param overrides options replacing the preset's (or the given options').
   */
  constructor(config: PresetName | RandomErasingOptions = 'reference', overrides: Partial<RandomErasingOptions> = {}) {
    if (typeof config === 'string' && !isPresetName(config)) {
      throw new RangeError(`random erasing preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${config}'`);
    }
    const base = typeof config === 'string' ? PRESETS[config] : config;
    this.options = resolveOptions({ ...base, ...overrides });
    checkApplicable(this.options, overrides);
  }

  /** The regions that would be erased in a `height` x `width` image; no pixel is touched. */
  sample(height: number, width: number, rng: Rng): Region[] {
    checkImageDim('height', height);
    checkImageDim('width', width);
    return sampleRegions(this.options, height, width, rng);
  }

  /**
   * The regions and fill values that `apply` would write, for other back ends to reproduce. Per-pixel
   * fills come in the order apply writes them into an image of this shape: hwc for an hwc image, C
   * planes of h*w values for a chw image.
   */
  plan(shape: PlanShape, dtype: PixelDtype, rng: Rng): ErasePlan {
    checkImageDim('channels', shape.channels);
    if (dtype !== 'uint8' && dtype !== 'float32') throw new RangeError(`dtype must be 'uint8' or 'float32', got '${dtype}'`);
    const regions = this.sample(shape.height, shape.width, rng);
    const fill = this.boundFill(shape.channels, dtype);
    const fills = regions.map((r) =>
      fill.perPixel ? drawPixels(r, shape.channels, fill.pixels, rng, dtype) : fill.regionValues(rng).slice(),
    );
    return { regions, fills };
  }

  /** Erase an image (a copy unless `inPlace` or `out`); returns the image and the regions erased. */
  apply<T extends PixelArray>(image: ImageView<T>, rng: Rng, options: ApplyOptions<T> = {}): ErasedImage<T> {
    const checked = imageView(image.data, image);
    const regions = options.within
      ? this.sampleWithin(checked, options.within, rng)
      : this.sample(checked.height, checked.width, rng);
    const out: ImageView<T> = { ...checked, data: destination(image.data, options) };
    if (regions.length > 0) this.paint(out, regions, rng);
    return { image: out, regions };
  }

  /** Erase every image of a batch; sample i draws from `rng.derive(i)`. */
  applyBatch<T extends PixelArray>(batch: BatchView<T>, rng: Rng, options: Omit<ApplyOptions<T>, 'within'> = {}): ErasedBatch<T> {
    const checked = batchView(batch.data, batch);
    const out: BatchView<T> = { ...checked, data: destination(batch.data, options) };
    const regions: Region[][] = [];
    for (let i = 0; i < out.count; i++) {
      regions.push(this.apply(sampleOf(out, i), rng.derive(i), { inPlace: true }).regions);
    }
    return { batch: out, regions };
  }

  /** This eraser as a pipeline transform (erases a copy). */
  transform(): Transform {
    return (image, rng) => this.apply(image, rng).image;
  }

  private sampleWithin(image: ImageView, win: Region, rng: Rng): Region[] {
    const inside =
      Number.isInteger(win.top) && Number.isInteger(win.left) && win.top >= 0 && win.left >= 0 &&
      win.top + win.height <= image.height && win.left + win.width <= image.width;
    if (!inside) {
      throw new RangeError(`within ${JSON.stringify(win)} must be an integer window inside the ${image.height}x${image.width} image`);
    }
    return this.sample(win.height, win.width, rng).map((r) => ({ ...r, top: r.top + win.top, left: r.left + win.left }));
  }

  private paint(image: ImageView, regions: Region[], rng: Rng): void {
    const fill = this.boundFill(image.channels, dtypeOf(image.data));
    paintRegions(image, regions, fill, rng);
  }

  private boundFill(channels: number, dtype: PixelDtype): BoundFill {
    const key = `${channels}/${dtype}`;
    let fill = this.fills.get(key);
    if (!fill) {
      fill = bindFill(this.options.fill, channels, dtype);
      this.fills.set(key, fill);
    }
    return fill;
  }
}
