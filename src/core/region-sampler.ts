/**
 * Geometry of Random Erasing: how many regions, their sizes and their positions. No pixel is touched.
 */
import type { ResolvedOptions, Rounding } from './erasing-options.js';
import type { Rng } from './rng.js';

/** A rectangle of pixels: rows top..top+height-1, columns left..left+width-1. */
export interface Region {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** Python's round(): nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const ROUNDERS: Readonly<Record<Rounding, (x: number) => number>> = {
  'half-even': roundHalfEven,
  'half-up': (x) => Math.floor(x + 0.5),
  floor: Math.floor,
};

/** Integer sides of a region of `area` pixels and aspect ratio `aspect` = height / width. */
export function regionSides(area: number, aspect: number, rounding: Rounding): [height: number, width: number] {
  const round = ROUNDERS[rounding];
  return [round(Math.sqrt(area * aspect)), round(Math.sqrt(area / aspect))];
}

function drawAspect(o: ResolvedOptions, rng: Rng): number {
  if (o.aspectSampling === 'uniform') return rng.uniform(o.r1, o.r2);
  return Math.exp(rng.uniform(Math.log(o.r1), Math.log(o.r2)));
}

/**
 * Real (unrounded) height and width of one proposal. area-aspect: area then aspect. per-side: the
 * width's fraction, then the height's, each sqrt(U(sl, sh) / count) of its image side.
 */
function drawSides(o: ResolvedOptions, height: number, width: number, areaScale: number, rng: Rng): [number, number] {
  if (o.sizeSampling === 'per-side') {
    const share = areaScale / (height * width);
    const fw = Math.sqrt(rng.uniform(o.sl, o.sh) * share);
    const fh = Math.sqrt(rng.uniform(o.sl, o.sh) * share);
    return [fh * height, fw * width];
  }
  const area = rng.uniform(o.sl, o.sh) * areaScale;
  const aspect = drawAspect(o, rng);
  return [Math.sqrt(area * aspect), Math.sqrt(area / aspect)];
}

/**
 * Continuous placement: the start on each axis (left first) is uniform in [0, side - length) and the
 * region covers the pixels i with start <= i < start + length; null when that holds no pixel.
 */
function continuousRegion(h: number, w: number, height: number, width: number, rng: Rng): Region | null {
  const x = rng.next() * (width - w);
  const y = rng.next() * (height - h);
  const [top, left] = [Math.ceil(y), Math.ceil(x)];
  // min() guards against y + h rounding up past the last row.
  const region = { top, left, height: Math.min(height, Math.ceil(y + h)) - top, width: Math.min(width, Math.ceil(x + w)) - left };
  return region.height > 0 && region.width > 0 ? region : null;
}

/** One region of about `areaScale * U(sl, sh)` pixels, or null when every attempt failed the fit test. */
function drawRegion(o: ResolvedOptions, height: number, width: number, areaScale: number, rng: Rng): Region | null {
  const slack = o.fit === 'strict' ? 1 : 0;
  const round = ROUNDERS[o.rounding];
  for (let attempt = 0; attempt < o.maxAttempts; attempt++) {
    const [realH, realW] = drawSides(o, height, width, areaScale, rng);
    if (o.placement === 'continuous') {
      const fits = o.fit === 'strict' ? realH < height && realW < width : realH <= height && realW <= width;
      if (fits) return continuousRegion(realH, realW, height, width, rng);
      continue;
    }
    const [h, w] = [round(realH), round(realW)];
    if (o.placement === 'size-first') {
      if (h + slack <= height && w + slack <= width) {
        return { top: rng.int(0, height - h), left: rng.int(0, width - w), height: h, width: w };
      }
    } else {
      const top = rng.int(0, height - 1);
      const left = rng.int(0, width - 1);
      if (top + h + slack <= height && left + w + slack <= width) return { top, left, height: h, width: w };
    }
  }
  return null;
}

/**
 * Regions to erase in an image of `height` x `width` pixels; `[]` means the image is not erased.
 * Draw order: the erase decision (`next() < p`), the region count (only when minCount < maxCount),
 * then for each region its attempts (area and aspect, or width and height fractions; then position).
 */
export function sampleRegions(o: ResolvedOptions, height: number, width: number, rng: Rng): Region[] {
  if (!(rng.next() < o.p)) return [];
  const count = o.minCount === o.maxCount ? o.minCount : rng.int(o.minCount, o.maxCount);
  const areaScale = (height * width) / count;
  const regions: Region[] = [];
  for (let i = 0; i < count; i++) {
    const region = drawRegion(o, height, width, areaScale, rng);
    if (region) regions.push(region);
  }
  return regions;
}
