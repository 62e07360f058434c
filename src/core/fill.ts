/**
 * Fill values of erased regions, resolved for one channel count and dtype. uint8 values are rounded
 * and clamped to 0..255 when drawn, so the Float32Array a plan returns holds exactly what is written.
 */
import type { Fill } from './erasing-options.js';
import type { PixelArray } from './image.js';
import type { Rng } from './rng.js';
import { drawNormals } from './ziggurat-kernel.js';
import { copyRows, type RowSpan, rowSegments, spanSize } from './row-span.js';

/** Element type of the pixels being erased. */
export type PixelDtype = 'uint8' | 'float32';

/**
 * Draws the per-pixel values of one region, h*w*C of them in the order `span` lays out (the image's
 * memory order), and writes them where `span` says in `out`. `out` is always the bound dtype's array
 * type (Uint8Array for uint8, Float32Array for float32), which keeps the loops monomorphic.
 */
export type PixelWriter = (out: PixelArray, span: RowSpan, rng: Rng) => void;

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

/** One uniform draw of a fill, already an integer for uint8. */
function uniformDraw(fill: Extract<Fill, { kind: 'uniform' }>, dtype: PixelDtype): Draw {
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
  return (out, span, rng) => {
    const n = spanSize(span);
    const words = bits.draw(rng, Math.ceil(n / 4));
    // On little-endian platforms (all mainstream ones) the words' memory holds exactly these bytes.
    const bytes = LITTLE_ENDIAN ? new Uint8Array(words.buffer, 0, n) : Uint8Array.from({ length: n }, (_, i) => words[i >>> 2] >>> ((i & 3) << 3));
    copyRows(out, bytes, span, 0, n);
  };
}

type NormalFill = Extract<Fill, { kind: 'normal' }>;

/** The clamp range of a normal fill for a dtype: its clip, within 0..255 for uint8. */
function normalBounds(fill: NormalFill, dtype: PixelDtype): [low: number, high: number] {
  const [low, high] = fill.clip ?? [-Infinity, Infinity];
  return dtype === 'uint8' ? [Math.max(0, low), Math.min(255, high)] : [low, high];
}

/** Normal noise (ziggurat, see ziggurat-kernel.ts), clamped when the fill clips. */
function normalFloatPixels(mean: number, std: number, [low, high]: [number, number]): PixelWriter {
  if (low === -Infinity && high === Infinity) {
    return (out, span, rng) =>
      drawNormals(rng, spanSize(span), mean, std, (values, first, count) => copyRows(out, values, span, first, count));
  }
  return clampedNormalPixels(mean, std, (v) => (v <= low ? low : v >= high ? high : v));
}

/** Normal noise rounded and clamped to the uint8 bounds. */
function normalUint8Pixels(mean: number, std: number, [low, high]: [number, number]): PixelWriter {
  return clampedNormalPixels(mean, std, (v) => (v <= low ? Math.ceil(low) : v >= high ? Math.floor(high) : Math.round(v)));
}

function clampedNormalPixels(mean: number, std: number, clamp: (v: number) => number): PixelWriter {
  return (out, span, rng) =>
    drawNormals(rng, spanSize(span), mean, std, (values, first, count) =>
      rowSegments(span, first, count, (at, to, length) => {
        for (let i = 0; i < length; i++) out[to + i] = clamp(values[at - first + i]);
      }),
    );
}

/** Uniform float noise in [low, high): the values rng.uniform(low, high) would give. */
function uniformFloatPixels(low: number, high: number): PixelWriter {
  const bits = new Bits();
  const width = high - low;
  return (out, span, rng) => {
    const words = bits.draw(rng, spanSize(span));
    rowSegments(span, 0, spanSize(span), (at, to, length) => {
      for (let i = 0; i < length; i++) out[to + i] = low + width * (words[at + i] * TWO_POW_M32);
    });
  };
}

function genericPixels(draw: Draw): PixelWriter {
  return (out, span, rng) =>
    rowSegments(span, 0, spanSize(span), (_at, to, length) => {
      for (let i = to; i < to + length; i++) out[i] = draw(rng);
    });
}

function pixelWriter(fill: Exclude<Fill, { kind: 'constant' }>, dtype: PixelDtype): PixelWriter {
  if (fill.kind === 'normal') {
    const [mean, std, bounds] = [fill.mean ?? 0, fill.std ?? 1, normalBounds(fill, dtype)];
    return dtype === 'uint8' ? normalUint8Pixels(mean, std, bounds) : normalFloatPixels(mean, std, bounds);
  }
  if (dtype === 'float32') return uniformFloatPixels(fill.low ?? 0, fill.high ?? 1);
  if ((fill.low ?? 0) <= 0 && (fill.high ?? 255) >= 255) return bytePixels();
  return genericPixels(uniformDraw(fill, dtype));
}

/** One random value per channel for a region (normal values drawn together, in one call). */
function channelValues(fill: Exclude<Fill, { kind: 'constant' }>, channels: number, dtype: PixelDtype): (rng: Rng) => Float32Array {
  if (fill.kind === 'uniform') {
    const draw = uniformDraw(fill, dtype);
    return (rng) => Float32Array.from({ length: channels }, () => draw(rng));
  }
  const q = quantizer(dtype);
  const [low, high] = normalBounds(fill, dtype);
  return (rng) =>
    rng.fillNormal(new Float32Array(channels), 0, channels, fill.mean ?? 0, fill.std ?? 1).map((v) => q(Math.min(high, Math.max(low, v))));
}

/** Bind a fill to a channel count and dtype; errors name the option and the value. */
export function bindFill(fill: Fill, channels: number, dtype: PixelDtype): BoundFill {
  if (fill.kind === 'constant') {
    const values = Float32Array.from(constantValues(fill, channels), quantizer(dtype));
    return { perPixel: false, regionValues: () => values };
  }
  if ((fill.per ?? 'pixel') === 'channel') return { perPixel: false, regionValues: channelValues(fill, channels, dtype) };
  return { perPixel: true, pixels: pixelWriter(fill, dtype) };
}
