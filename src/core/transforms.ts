/**
 * The other per-image transforms of the training pipeline: random crop with zero padding, horizontal
 * flip, uint8 to float, per-channel normalisation, and composition. Each returns a new image and never
 * modifies its input; uint8 and float32, `hwc` and `chw` are all supported.
 */
import { emptyLike, imageView, type ImageView } from './image.js';
import type { Rng } from './rng.js';

/** A per-image transform drawing its randomness from `rng`. */
export type Transform = (image: ImageView, rng: Rng) => ImageView;

/** Row-major copy of rows [y0, y0+h) x columns [x0, x0+w) of src into dst at (dy, dx), every channel. */
function copyBlock(src: ImageView, dst: ImageView, y0: number, x0: number, dy: number, dx: number, h: number, w: number): void {
  const { width: W, height: H, channels: C } = src;
  if (h <= 0 || w <= 0) return;
  if (src.layout === 'hwc') {
    for (let y = 0; y < h; y++) {
      const from = ((y0 + y) * W + x0) * C;
      dst.data.set(src.data.subarray(from, from + w * C), ((dy + y) * W + dx) * C);
    }
    return;
  }
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < h; y++) {
      const from = (c * H + y0 + y) * W + x0;
      dst.data.set(src.data.subarray(from, from + w), (c * H + dy + y) * W + dx);
    }
  }
}

/**
 * Pad the image with `padding` zeros on every side and crop a window of the original size at a
 * uniform offset (both offsets drawn in 0..2*padding inclusive, rows first), as torchvision's
 * RandomCrop(size, padding).
 */
export function randomCrop(padding: number): Transform {
  if (!Number.isInteger(padding) || padding < 0) throw new RangeError(`randomCrop padding must be an integer >= 0, got ${padding}`);
  return (image, rng) => {
    const src = imageView(image.data, image);
    const oy = rng.int(0, 2 * padding) - padding;
    const ox = rng.int(0, 2 * padding) - padding;
    const out = { ...src, data: emptyLike(src.data) };
    // Output pixel (y, x) reads source pixel (y + oy, x + ox) when inside the image, else zero.
    const y0 = Math.max(0, oy);
    const x0 = Math.max(0, ox);
    const h = Math.min(src.height, src.height + oy) - y0;
    const w = Math.min(src.width, src.width + ox) - x0;
    copyBlock(src, out, y0, x0, y0 - oy, x0 - ox, h, w);
    return out;
  };
}

/** Mirror left-right with probability p (one `next() < p` draw per image). */
export function horizontalFlip(p = 0.5): Transform {
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new RangeError(`horizontalFlip p must be in [0, 1], got ${p}`);
  return (image, rng) => {
    const src = imageView(image.data, image);
    const data = src.data.slice();
    if (!(rng.next() < p)) return { ...src, data };
    const { width: W, channels: C } = src;
    const [rows, step] = src.layout === 'hwc' ? [src.height, C] : [src.height * C, 1];
    for (let row = 0; row < rows; row++) {
      const base = row * W * step;
      for (let x = 0; x < W; x++) {
        const to = base + (W - 1 - x) * step;
        const from = base + x * step;
        for (let c = 0; c < step; c++) data[to + c] = src.data[from + c];
      }
    }
    return { ...src, data };
  };
}

/** uint8 0..255 to float32 0..1 (float32 images are copied unchanged). */
export function toFloat(): Transform {
  return (image) => {
    const src = imageView(image.data, image);
    if (src.data instanceof Float32Array) return { ...src, data: src.data.slice() };
    const data = new Float32Array(src.data.length);
    for (let i = 0; i < data.length; i++) data[i] = src.data[i] / 255;
    return { ...src, data };
  };
}

function perChannel(name: string, values: readonly number[]): void {
  if (values.length === 0) throw new RangeError(`normalize ${name} must not be empty`);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`normalize ${name}[${i}] must be finite, got ${v}`);
  });
}

/** (x - mean[c]) / std[c] per channel on float32 images; mean and std have 1 or C entries. */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  perChannel('mean', mean);
  perChannel('std', std);
  std.forEach((s, i) => {
    if (s <= 0) throw new RangeError(`normalize std[${i}] must be > 0, got ${s}`);
  });
  return (image) => {
    const src = imageView(image.data, image);
    const C = src.channels;
    for (const [name, v] of [['mean', mean], ['std', std]] as const) {
      if (v.length !== 1 && v.length !== C) throw new RangeError(`normalize ${name} must have 1 or ${C} entries, got ${v.length}`);
    }
    if (!(src.data instanceof Float32Array)) throw new TypeError('normalize needs a float32 image: apply toFloat() first');
    const data = new Float32Array(src.data.length);
    const plane = src.height * src.width;
    for (let c = 0; c < C; c++) {
      const m = mean.length === 1 ? mean[0] : mean[c];
      const s = std.length === 1 ? std[0] : std[c];
      const [start, stride, count] = src.layout === 'hwc' ? [c, C, plane] : [c * plane, 1, plane];
      for (let k = 0, i = start; k < count; k++, i += stride) data[i] = (src.data[i] - m) / s;
    }
    return { ...src, data };
  };
}

/** Apply transforms left to right, all drawing from the same generator in order. */
export function compose(...transforms: Transform[]): Transform {
  return (image, rng) => transforms.reduce((img, t) => t(img, rng), image);
}
