/**
 * Options of {@link RandomErasing} and their validation. Every knob of the paper (Zhong et al.,
 * Algorithm 1) and of the reference, torchvision and timm implementations is here; presets in
 * `presets.ts` fill them in to reproduce each implementation.
 */
import { Validator } from './validate.js';

/** How the aspect ratio (height / width) is drawn from [r1, r2]. */
export type AspectSampling = 'uniform' | 'log-uniform';

/**
 * How a region's size is drawn. `area-aspect`: an area fraction in [sl, sh] and an aspect ratio in
 * [r1, r2] (the paper and every Python implementation). `per-side` (Keras 3): each side's fraction of
 * the image side is the square root of its own uniform draw in [sl, sh], width first, then height;
 * r1, r2 and aspectSampling do not apply.
 */
export type SizeSampling = 'area-aspect' | 'per-side';

/**
 * `size-first`: draw the size, test that it fits, then draw the corner uniformly among the valid
 * positions (reference code, torchvision, timm). `position-first`: draw size and corner together and
 * retry until the region fits (Algorithm 1 of the paper, literally). `continuous` (Keras 3): sides are
 * real numbers (no rounding), the start on each axis is uniform in [0, side of image - side of
 * region], and the region covers the pixels whose index i satisfies start <= i < start + side.
 */
export type Placement = 'size-first' | 'position-first' | 'continuous';

/**
 * Fit test. size-first and continuous: `strict` accepts h < H and w < W, `inclusive` accepts h <= H
 * and w <= W. position-first: `strict` accepts top + h < H and left + w < W, `inclusive` top + h <= H,
 * left + w <= W.
 */
export type FitTest = 'strict' | 'inclusive';

/** How sqrt(area * aspect) and sqrt(area / aspect) become integer sides. `half-even` is Python's round(). */
export type Rounding = 'half-even' | 'half-up' | 'floor';

/** Random fills draw one value per pixel and channel, or one value per channel for the whole region. */
export type FillGranularity = 'pixel' | 'channel';

/** What is written into an erased region. */
export type Fill =
  | {
      readonly kind: 'constant';
      /** One value for every channel, or one value per channel. */
      readonly value: number | readonly number[];
      /**
       * Value for single-channel images when `value` has one entry per colour channel (the reference
       * code writes its first mean value into grayscale images).
       */
      readonly gray?: number;
    }
  | {
      readonly kind: 'uniform';
      /** Default 0. */
      readonly low?: number;
      /** Default 255 for uint8 images (integers, both ends inclusive), 1 for float32. */
      readonly high?: number;
      /** Default `pixel`. */
      readonly per?: FillGranularity;
    }
  | {
      readonly kind: 'normal';
      /** Default 0. */
      readonly mean?: number;
      /** Default 1. */
      readonly std?: number;
      /** Default `pixel`. */
      readonly per?: FillGranularity;
      /** Clamp every drawn value to [low, high] (Keras 3 clips its noise to `value_range`). */
      readonly clip?: readonly [low: number, high: number];
    };

/** All options of a Random Erasing transform. */
export interface RandomErasingOptions {
  /** Probability that an image is erased, in [0, 1]. */
  readonly p: number;
  /** Smallest erased area as a fraction of the image, in (0, sh] (per-side: [0, sh], per side, squared). */
  readonly sl: number;
  /** Largest erased area as a fraction of the image, in [sl, 1]. */
  readonly sh: number;
  /** Smallest aspect ratio height / width, > 0. */
  readonly r1: number;
  /** Largest aspect ratio; default 1 / r1. */
  readonly r2?: number;
  readonly aspectSampling: AspectSampling;
  /** Default `area-aspect`. */
  readonly sizeSampling?: SizeSampling;
  readonly placement: Placement;
  readonly fit: FitTest;
  readonly rounding: Rounding;
  /** Attempts per region before giving up on it (the image is then left unchanged by that region). */
  readonly maxAttempts: number;
  readonly fill: Fill;
  /** Number of regions per erased image is drawn uniformly in minCount..maxCount; each gets area / count (timm). */
  readonly minCount: number;
  /** Default minCount. */
  readonly maxCount?: number;
}

/** Options with every default applied and every value checked. */
export interface ResolvedOptions extends RandomErasingOptions {
  readonly r2: number;
  readonly sizeSampling: SizeSampling;
  readonly maxCount: number;
}

const v = new Validator('random erasing option');

function checkClip(clip: readonly number[]): void {
  if (!Array.isArray(clip) || clip.length !== 2) v.fail('fill.clip', 'a pair [low, high]', clip);
  const low = v.number(clip[0], 'fill.clip[0]');
  v.number(clip[1], 'fill.clip[1]', { min: low });
}

/** Check a fill's values; errors name the option and the value. */
export function checkFill(fill: Fill): Fill {
  if (typeof fill !== 'object' || fill === null) v.fail('fill', 'an object with a kind', fill);
  switch (fill.kind) {
    case 'constant': {
      const values = typeof fill.value === 'number' ? [fill.value] : fill.value;
      if (!Array.isArray(values) || values.length === 0) v.fail('fill.value', 'a number or a non-empty array', fill.value);
      values.forEach((value, i) => v.number(value, `fill.value[${i}]`));
      if (fill.gray !== undefined) v.number(fill.gray, 'fill.gray');
      return fill;
    }
    case 'uniform': {
      const low = v.number(fill.low ?? 0, 'fill.low');
      if (fill.high !== undefined) v.check(v.number(fill.high, 'fill.high') > low, 'fill.high', `a number greater than fill.low (${low})`, fill.high);
      v.oneOf(fill.per ?? 'pixel', 'fill.per', ['pixel', 'channel']);
      return fill;
    }
    case 'normal': {
      v.number(fill.mean ?? 0, 'fill.mean');
      v.number(fill.std ?? 1, 'fill.std', { min: 0 });
      v.oneOf(fill.per ?? 'pixel', 'fill.per', ['pixel', 'channel']);
      if (fill.clip !== undefined) checkClip(fill.clip);
      return fill;
    }
    default:
      return v.fail('fill.kind', "'constant', 'uniform' or 'normal'", (fill as { kind: unknown }).kind);
  }
}

/** Apply defaults and check every option; errors name the option and the value. */
export function resolveOptions(options: RandomErasingOptions): ResolvedOptions {
  const p = v.number(options.p, 'p', { min: 0, max: 1 });
  const sizeSampling = v.oneOf(options.sizeSampling ?? 'area-aspect', 'sizeSampling', ['area-aspect', 'per-side']);
  const sh = v.number(options.sh, 'sh', { min: 0, max: 1, minExclusive: true });
  const sl = v.number(options.sl, 'sl', { min: 0, minExclusive: sizeSampling !== 'per-side' });
  v.check(sl <= sh, 'sl', `a number <= sh (${sh})`, sl);
  const r1 = v.number(options.r1, 'r1', { min: 0, minExclusive: true });
  const r2 = v.number(options.r2 ?? 1 / r1, 'r2');
  v.check(r2 >= r1, 'r2', `a number >= r1 (${r1})`, r2);
  const maxAttempts = v.integer(options.maxAttempts, 'maxAttempts', { min: 1 });
  const minCount = v.integer(options.minCount, 'minCount', { min: 1 });
  const maxCount = v.integer(options.maxCount ?? minCount, 'maxCount', { min: minCount });
  return {
    p,
    sl,
    sh,
    r1,
    r2,
    aspectSampling: v.oneOf(options.aspectSampling, 'aspectSampling', ['uniform', 'log-uniform']),
    sizeSampling,
    placement: v.oneOf(options.placement, 'placement', ['size-first', 'position-first', 'continuous']),
    fit: v.oneOf(options.fit, 'fit', ['strict', 'inclusive']),
    rounding: v.oneOf(options.rounding, 'rounding', ['half-even', 'half-up', 'floor']),
    maxAttempts,
    fill: checkFill(options.fill),
    minCount,
    maxCount,
  };
}
