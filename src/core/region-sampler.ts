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

/** One region of about `area` pixels, or null when every attempt failed the fit test. */
function drawRegion(o: ResolvedOptions, height: number, width: number, areaScale: number, rng: Rng): Region | null {
  const slack = o.fit === 'strict' ? 1 : 0;
  for (let attempt = 0; attempt < o.maxAttempts; attempt++) {
    const area = rng.uniform(o.sl, o.sh) * areaScale;
    const [h, w] = regionSides(area, drawAspect(o, rng), o.rounding);
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
 * then for each region its attempts (area, aspect, then position).
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
