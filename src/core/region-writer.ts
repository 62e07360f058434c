/**
 * Writing fill values into a rectangle of an image, row by row with TypedArray fill / copyWithin
 * (no per-pixel closures on the constant paths). Per-pixel values are drawn a whole region at a time,
 * h*w*C values in the image's memory order, as a plan draws them, so both consume the generator alike.
 */
import type { BoundFill, PixelDtype, PixelWriter } from './fill.js';
import type { ImageView } from './image.js';
import type { Region } from './region-sampler.js';
import type { Rng } from './rng.js';
import { contiguousSpan, type RowSpan } from './row-span.js';

/** Write region-wide values (length 1: every channel; length C: one per channel). */
export function paintValues(image: ImageView, r: Region, values: Float32Array): void {
  if (r.height === 0 || r.width === 0) return;
  const { data, width: W, height: H, channels: C } = image;
  if (image.layout === 'chw') {
    for (let c = 0; c < C; c++) {
      const v = values.length === 1 ? values[0] : values[c];
      for (let y = r.top; y < r.top + r.height; y++) {
        const start = (c * H + y) * W + r.left;
        data.fill(v, start, start + r.width);
      }
    }
    return;
  }
  const rowLength = r.width * C;
  const first = (r.top * W + r.left) * C;
  if (values.length === 1) {
    for (let y = 0; y < r.height; y++) data.fill(values[0], first + y * W * C, first + y * W * C + rowLength);
    return;
  }
  for (let i = 0; i < rowLength; i += C) data.set(values, first + i);
  for (let y = 1; y < r.height; y++) data.copyWithin(first + y * W * C, first, first + rowLength);
}

/**
 * Draw and write per-pixel values straight into the image, in its memory order within the region:
 * hwc rows of w*C values, or for chw each channel plane's rows of w values in turn.
 */
export function paintPixels(image: ImageView, r: Region, write: PixelWriter, rng: Rng): void {
  const { data, width: W, height: H, channels: C } = image;
  if (r.width === 0 || r.height === 0) return;
  const first = image.layout === 'hwc' ? (r.top * W + r.left) * C : r.top * W + r.left;
  const span: RowSpan =
    image.layout === 'hwc'
      ? { offset: first, rowLength: r.width * C, rows: r.height, stride: W * C, planes: 1, planeStride: 0 }
      : { offset: first, rowLength: r.width, rows: r.height, stride: W, planes: C, planeStride: H * W };
  write(data, span, rng);
}

/**
 * Per-pixel values of a region as a plan returns them: the h*w*C values in the order apply writes
 * them, hwc for an hwc image, channel planes for a chw image.
 */
export function drawPixels(r: Region, channels: number, write: PixelWriter, rng: Rng, dtype: PixelDtype): Float32Array {
  const n = r.height * r.width * channels;
  const out = dtype === 'uint8' ? new Uint8Array(n) : new Float32Array(n);
  if (n > 0) write(out, contiguousSpan(n), rng);
  return out instanceof Float32Array ? out : Float32Array.from(out);
}

/**
 * Write a fill into regions in order (later regions over earlier ones): region-wide values, or
 * per-pixel values (see {@link paintPixels}).
 */
export function paintRegions(image: ImageView, regions: readonly Region[], fill: BoundFill, rng: Rng): void {
  for (const r of regions) {
    if (fill.perPixel) paintPixels(image, r, fill.pixels, rng);
    else paintValues(image, r, fill.regionValues(rng));
  }
}
