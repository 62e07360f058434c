/**
 * Occlusion for evaluation (the paper's Fig. 3): one rectangle covering a given fraction of the image,
 * random aspect ratio, fully inside, random uniform fill. The draw depends only on (seed, image index),
 * so every model is evaluated on the same occluded images.
 */
import { checkFill, type Fill } from './erasing-options.js';
import { bindFill } from './fill.js';
import { cloneImage, imageView, type ImageView, type PixelArray } from './image.js';
import type { Region } from './region-sampler.js';
import { paintRegions } from './region-writer.js';
import { Rng } from './rng.js';

/** Options of {@link occlude}. */
export interface OcclusionOptions {
  /** Aspect ratio (height / width) range, drawn log-uniform; default 0.3 .. 1/0.3, narrowed so the rectangle fits. */
  readonly r1?: number;
  readonly r2?: number;
  /** Default uniform per pixel (0..255 for uint8, [0, 1) for float32). */
  readonly fill?: Fill;
}

/** Result of {@link occlude}; region is null when fraction is 0. */
export interface Occluded<T extends PixelArray = PixelArray> {
  readonly image: ImageView<T>;
  readonly region: Region | null;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The occluding rectangle: area fraction * H * W to rounding, inside the image. */
export function occlusionRegion(height: number, width: number, fraction: number, rng: Rng, options: OcclusionOptions = {}): Region | null {
  if (!(Number.isFinite(fraction) && fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`occlusion fraction must be in [0, 1], got ${fraction}`);
  }
  const r1 = options.r1 ?? 0.3;
  const r2 = options.r2 ?? 1 / r1;
  if (!(r1 > 0 && r2 >= r1 && Number.isFinite(r2))) throw new RangeError(`occlusion aspect range must satisfy 0 < r1 <= r2, got r1=${r1}, r2=${r2}`);
  const area = fraction * height * width;
  if (area === 0) return null;
  // Aspects for which h = sqrt(area * a) <= H and w = sqrt(area / a) <= W; the user range when it intersects.
  const geoLo = area / (width * width);
  const geoHi = (height * height) / area;
  let lo = Math.max(r1, geoLo);
  let hi = Math.min(r2, geoHi);
  if (lo > hi) [lo, hi] = [geoLo, geoHi];
  const aspect = Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
  let h = clamp(Math.round(Math.sqrt(area * aspect)), 1, height);
  const w = clamp(Math.round(area / h), 1, width);
  h = clamp(Math.round(area / w), 1, height);
  return { top: rng.int(0, height - h), left: rng.int(0, width - w), height: h, width: w };
}

/**
 * Occlude a copy of `image` with one rectangle of `fraction` of its area. Draws come from
 * `Rng.fromSeed(seed).derive(imageIndex)`: geometry first, then the fill.
 */
export function occlude<T extends PixelArray>(
  image: ImageView<T>,
  fraction: number,
  seed: number,
  imageIndex: number,
  options: OcclusionOptions = {},
): Occluded<T> {
  const out = cloneImage(imageView(image.data, image));
  const rng = Rng.fromSeed(seed).derive(imageIndex);
  const region = occlusionRegion(out.height, out.width, fraction, rng, options);
  if (region) {
    const dtype = out.data instanceof Uint8Array ? 'uint8' : 'float32';
    const fill = bindFill(checkFill(options.fill ?? { kind: 'uniform', per: 'pixel' }), out.channels, dtype);
    paintRegions(out, [region], fill, rng);
  }
  return { image: out, region };
}
