/**
 * Fill values of erased regions, resolved for one channel count and dtype. uint8 values are rounded
 * and clamped to 0..255 when drawn, so the Float32Array a plan returns holds exactly what is written.
 */
import type { Fill } from './erasing-options.js';
import type { PixelArray } from './image.js';
import type { Rng } from './rng.js';
import { zigguratNormal } from './ziggurat.js';

/** Element type of the pixels being erased. */
export type PixelDtype = 'uint8' | 'float32';

/** Writes `n` per-pixel values (hwc order) into out[offset..offset+n). */
export type PixelWriter = (out: PixelArray, offset: number, n: number, rng: Rng) => void;

/** A fill bound to a channel count and dtype: one set of values per region, or values per pixel. */
export type BoundFill =
  | {
      readonly perPixel: false;
      /** Values for a whole region, length 1 or C. May return a shared array: do not modify it. */
      readonly regionValues: (rng: Rng) => Float32Array;
    }
  | { readonly perPixel: true; readonly pixels: PixelWriter };

type Draw = (rng: Rng) => number;

function quantizer(dtype: PixelDtype): (v: number) => number {
  return dtype === 'uint8' ? (v) => Math.min(255, Math.max(0, Math.round(v))) : (v) => v;
}

function constantValues(fill: Extract<Fill, { kind: 'constant' }>, channels: number): number[] {
  if (typeof fill.value === 'number') return [fill.value];
  if (fill.value.length === 1 || fill.value.length === channels) return [...fill.value];
  if (channels === 1 && fill.gray !== undefined) return [fill.gray];
  throw new RangeError(
    `random erasing option fill.value must have 1 or ${channels} (channels) entries, got [${fill.value.join(', ')}]`,
  );
}

/** The scalar draw of a random fill, already quantised for the dtype. */
function scalarDraw(fill: Exclude<Fill, { kind: 'constant' }>, dtype: PixelDtype): Draw {
  const q = quantizer(dtype);
  if (fill.kind === 'normal') {
    const mean = fill.mean ?? 0;
    const std = fill.std ?? 1;
    return (rng) => q(mean + std * zigguratNormal(rng));
  }
  const low = fill.low ?? 0;
  const high = fill.high ?? (dtype === 'uint8' ? 255 : 1);
  if (dtype === 'uint8') {
    const lo = Math.max(0, Math.ceil(low));
    const hi = Math.min(255, Math.floor(high));
    return (rng) => rng.int(lo, hi);
  }
  return (rng) => rng.uniform(low, high);
}

/** Full-range uint8 noise: four bytes from each 32-bit draw (drawn per call, so per row). */
function bytePixels(out: PixelArray, offset: number, n: number, rng: Rng): void {
  const end = offset + n;
  let i = offset;
  for (; i + 4 <= end; i += 4) {
    const u = rng.nextUint32();
    out[i] = u & 255;
    out[i + 1] = (u >>> 8) & 255;
    out[i + 2] = (u >>> 16) & 255;
    out[i + 3] = u >>> 24;
  }
  if (i < end) {
    let u = rng.nextUint32();
    for (; i < end; i++, u >>>= 8) out[i] = u & 255;
  }
}

/** Standard float normal noise, the hot path of per-pixel normal fills. */
function normalPixels(mean: number, std: number): PixelWriter {
  return (out: PixelArray, offset: number, n: number, rng: Rng): void => {
    const end = offset + n;
    for (let i = offset; i < end; i++) out[i] = mean + std * zigguratNormal(rng);
  };
}

function uniformFloatPixels(low: number, high: number): PixelWriter {
  const span = high - low;
  return (out: PixelArray, offset: number, n: number, rng: Rng): void => {
    const end = offset + n;
    for (let i = offset; i < end; i++) out[i] = low + span * rng.next();
  };
}

function genericPixels(draw: Draw): PixelWriter {
  return (out: PixelArray, offset: number, n: number, rng: Rng): void => {
    const end = offset + n;
    for (let i = offset; i < end; i++) out[i] = draw(rng);
  };
}

function pixelWriter(fill: Exclude<Fill, { kind: 'constant' }>, dtype: PixelDtype): PixelWriter {
  if (dtype === 'float32') {
    if (fill.kind === 'normal') return normalPixels(fill.mean ?? 0, fill.std ?? 1);
    return uniformFloatPixels(fill.low ?? 0, fill.high ?? 1);
  }
  if (fill.kind === 'uniform' && (fill.low ?? 0) <= 0 && (fill.high ?? 255) >= 255) return bytePixels;
  return genericPixels(scalarDraw(fill, dtype));
}

/** Bind a fill to a channel count and dtype; errors name the option and the value. */
export function bindFill(fill: Fill, channels: number, dtype: PixelDtype): BoundFill {
  if (fill.kind === 'constant') {
    const values = Float32Array.from(constantValues(fill, channels), quantizer(dtype));
    return { perPixel: false, regionValues: () => values };
  }
  if ((fill.per ?? 'pixel') === 'channel') {
    const draw = scalarDraw(fill, dtype);
    return {
      perPixel: false,
      regionValues: (rng) => Float32Array.from({ length: channels }, () => draw(rng)),
    };
  }
  return { perPixel: true, pixels: pixelWriter(fill, dtype) };
}
