/**
 * Writing fill values into a rectangle of an image, row by row with TypedArray fill / copyWithin
 * (no per-pixel closures on the constant paths). Per-pixel values are drawn a whole region at a time
 * (h*w*C values, hwc order), as a plan draws them, so both consume the generator alike.
 */
import type { BoundFill, PixelDtype, PixelWriter } from './fill.js';
import type { ImageView, PixelArray } from './image.js';
import type { Region } from './region-sampler.js';
import type { Rng } from './rng.js';

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
 * Draw and write per-pixel values. An hwc (or one-channel) image takes them straight into its rows;
 * a chw image gets them through `scratch` (same array type as the image, at least h*w*C values),
 * spread over the channel planes row by row.
 */
export function paintPixels(image: ImageView, r: Region, write: PixelWriter, rng: Rng, scratch: PixelArray): void {
  const { data, width: W, height: H, channels: C } = image;
  const rowLength = r.width * C;
  if (rowLength === 0 || r.height === 0) return;
  if (image.layout === 'hwc' || C === 1) {
    // With one channel, chw and hwc are the same memory order.
    write(data, { offset: (r.top * W + r.left) * C, rowLength, rows: r.height, stride: W * C }, rng);
    return;
  }
  write(scratch, { offset: 0, rowLength, rows: r.height, stride: rowLength }, rng);
  for (let y = 0; y < r.height; y++) {
    spreadRow(data, scratch, y * rowLength, (r.top + y) * W + r.left, H * W, C, r.width);
  }
}

/** Spread one hwc-ordered row of `width` pixels (from rows[from]) over the channel planes of a chw image. */
function spreadRow(data: PixelArray, rows: PixelArray, from: number, start: number, plane: number, channels: number, width: number): void {
  if (channels === 3) {
    // RGB, unrolled: one pass over the row, about twice as fast as three strided passes.
    const [g, b] = [start + plane, start + 2 * plane];
    for (let x = 0, i = from; x < width; x++, i += 3) {
      data[start + x] = rows[i];
      data[g + x] = rows[i + 1];
      data[b + x] = rows[i + 2];
    }
    return;
  }
  for (let c = 0; c < channels; c++) {
    const base = c * plane + start;
    for (let x = 0, i = from + c; x < width; x++, i += channels) data[base + x] = rows[i];
  }
}

/** Per-pixel values of a region as a plan returns them: h*w*C values in hwc order. */
export function drawPixels(r: Region, channels: number, write: PixelWriter, rng: Rng, dtype: PixelDtype): Float32Array {
  const rowLength = r.width * channels;
  const out = dtype === 'uint8' ? new Uint8Array(r.height * rowLength) : new Float32Array(r.height * rowLength);
  if (out.length > 0) write(out, { offset: 0, rowLength, rows: r.height, stride: rowLength }, rng);
  return out instanceof Float32Array ? out : Float32Array.from(out);
}

/** How many values of scratch {@link paintRegions} needs: the largest region's, for per-pixel fills of chw images. */
export function scratchSize(image: ImageView, regions: readonly Region[], fill: BoundFill): number {
  if (!fill.perPixel || image.layout === 'hwc' || image.channels === 1) return 0;
  return regions.reduce((most, r) => Math.max(most, r.height * r.width * image.channels), 0);
}

/**
 * Write a fill into regions in order (later regions over earlier ones): region-wide values, or
 * per-pixel values using `scratch` (see {@link paintPixels}).
 */
export function paintRegions(image: ImageView, regions: readonly Region[], fill: BoundFill, rng: Rng, scratch: PixelArray): void {
  for (const r of regions) {
    if (fill.perPixel) paintPixels(image, r, fill.pixels, rng, scratch);
    else paintValues(image, r, fill.regionValues(rng));
  }
}
