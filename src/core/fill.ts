/**
 * Fill values of erased regions, resolved for one channel count and dtype. uint8 values are rounded
 * and clamped to 0..255 when drawn, so the Float32Array a plan returns holds exactly what is written.
 */
import type { Fill } from './erasing-options.js';
import type { PixelArray } from './image.js';
import type { Rng } from './rng.js';

/** Element type of the pixels being erased. */
export type PixelDtype = 'uint8' | 'float32';

/**
 * Writes `n` per-pixel values (hwc order) into out[offset..offset+n). `out` is always the bound
 * dtype's array type (Uint8Array for uint8, Float32Array for float32), which keeps the loops monomorphic.
 */
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
    const one = new Float32Array(1);
    return (rng) => q(rng.fillNormal(one, 0, 1, mean, std)[0]);
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

/** A growable buffer of 32-bit draws. */
class Bits {
  words = new Uint32Array(0);

  /** The next `n` draws of `rng`, in order. */
  draw(rng: Rng, n: number): Uint32Array {
    if (this.words.length < n) this.words = new Uint32Array(Math.max(n, 2 * this.words.length));
    return rng.fillUint32(this.words, 0, n);
  }
}

const TWO_POW_M32 = 2 ** -32;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Full-range uint8 noise: four bytes from each 32-bit draw, little end first. */
function bytePixels(): PixelWriter {
  const bits = new Bits();
  return (out, offset, n, rng) => {
    const words = bits.draw(rng, Math.ceil(n / 4));
    // On little-endian platforms (all mainstream ones) the words' memory holds exactly these bytes.
    if (LITTLE_ENDIAN) out.set(new Uint8Array(words.buffer, 0, n), offset);
    else for (let i = 0; i < n; i++) out[offset + i] = (words[i >>> 2] >>> ((i & 3) << 3)) & 255;
  };
}

/** Normal noise (ziggurat), one 32-bit draw per value plus rare rejections. */
function normalFloatPixels(mean: number, std: number): PixelWriter {
  return (out, offset, n, rng) => rng.fillNormal(out as Float32Array, offset, n, mean, std);
}

/** Normal noise drawn as float32, then rounded and clamped to 0..255. */
function normalUint8Pixels(mean: number, std: number): PixelWriter {
  let values = new Float32Array(0);
  return (out, offset, n, rng) => {
    if (values.length < n) values = new Float32Array(Math.max(n, 2 * values.length));
    rng.fillNormal(values, 0, n, mean, std);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[offset + i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  };
}

/** Uniform float noise in [low, high): the values rng.uniform(low, high) would give. */
function uniformFloatPixels(low: number, high: number): PixelWriter {
  const bits = new Bits();
  const span = high - low;
  return (out, offset, n, rng) => {
    const words = bits.draw(rng, n);
    for (let i = 0; i < n; i++) out[offset + i] = low + span * (words[i] * TWO_POW_M32);
  };
}

function genericPixels(draw: Draw): PixelWriter {
  return (out: PixelArray, offset: number, n: number, rng: Rng): void => {
    const end = offset + n;
    for (let i = offset; i < end; i++) out[i] = draw(rng);
  };
}

function pixelWriter(fill: Exclude<Fill, { kind: 'constant' }>, dtype: PixelDtype): PixelWriter {
  if (fill.kind === 'normal') {
    const [mean, std] = [fill.mean ?? 0, fill.std ?? 1];
    return dtype === 'uint8' ? normalUint8Pixels(mean, std) : normalFloatPixels(mean, std);
  }
  if (dtype === 'float32') return uniformFloatPixels(fill.low ?? 0, fill.high ?? 1);
  if ((fill.low ?? 0) <= 0 && (fill.high ?? 255) >= 255) return bytePixels();
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
