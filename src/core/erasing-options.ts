/**
 * Options of {@link RandomErasing} and their validation. Every knob of the paper (Zhong et al.,
 * Algorithm 1) and of the reference, torchvision and timm implementations is here; presets in
 * `presets.ts` fill them in to reproduce each implementation.
 */

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

function fail(name: string, value: unknown, expected: string): never {
  const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  throw new RangeError(`random erasing option ${name} must be ${expected}, got ${shown}`);
}

function checkFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, value, 'a finite number');
  return value;
}

function checkOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) fail(name, value, `one of ${allowed.join(', ')}`);
  return value;
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) fail(name, value, `an integer >= ${min}`);
  return value;
}

function checkClip(clip: readonly number[]): void {
  if (!Array.isArray(clip) || clip.length !== 2) fail('fill.clip', clip, 'a pair [low, high]');
  const low = checkFinite('fill.clip[0]', clip[0]);
  if (checkFinite('fill.clip[1]', clip[1]) < low) fail('fill.clip[1]', clip[1], `>= fill.clip[0] (${low})`);
}

/** Check a fill's values; errors name the option and the value. */
export function checkFill(fill: Fill): Fill {
  if (typeof fill !== 'object' || fill === null) fail('fill', fill, 'an object with a kind');
  switch (fill.kind) {
    case 'constant': {
      const values = typeof fill.value === 'number' ? [fill.value] : fill.value;
      if (!Array.isArray(values) || values.length === 0) fail('fill.value', fill.value, 'a number or a non-empty array');
      values.forEach((v, i) => checkFinite(`fill.value[${i}]`, v));
      if (fill.gray !== undefined) checkFinite('fill.gray', fill.gray);
      return fill;
    }
    case 'uniform': {
      const low = checkFinite('fill.low', fill.low ?? 0);
      if (fill.high !== undefined && checkFinite('fill.high', fill.high) <= low) {
        fail('fill.high', fill.high, `greater than fill.low (${low})`);
      }
      checkOneOf('fill.per', fill.per ?? 'pixel', ['pixel', 'channel']);
      return fill;
    }
    case 'normal': {
      checkFinite('fill.mean', fill.mean ?? 0);
      if (checkFinite('fill.std', fill.std ?? 1) < 0) fail('fill.std', fill.std, '>= 0');
      checkOneOf('fill.per', fill.per ?? 'pixel', ['pixel', 'channel']);
      if (fill.clip !== undefined) checkClip(fill.clip);
      return fill;
    }
    default:
      return fail('fill.kind', (fill as { kind: unknown }).kind, "'constant', 'uniform' or 'normal'");
  }
}

/** Apply defaults and check every option; errors name the option and the value. */
export function resolveOptions(options: RandomErasingOptions): ResolvedOptions {
  const p = checkFinite('p', options.p);
  if (p < 0 || p > 1) fail('p', p, 'in [0, 1]');
  const sizeSampling = checkOneOf('sizeSampling', options.sizeSampling ?? 'area-aspect', ['area-aspect', 'per-side']);
  const sl = checkFinite('sl', options.sl);
  if (sizeSampling === 'per-side' ? sl < 0 : sl <= 0) fail('sl', sl, sizeSampling === 'per-side' ? '>= 0' : '> 0');
  const sh = checkFinite('sh', options.sh);
  if (sh > 1) fail('sh', sh, '<= 1');
  if (sl > sh) fail('sl', sl, `<= sh (${sh})`);
  const r1 = checkFinite('r1', options.r1);
  if (r1 <= 0) fail('r1', r1, '> 0');
  const r2 = checkFinite('r2', options.r2 ?? 1 / r1);
  if (r2 < r1) fail('r2', r2, `>= r1 (${r1})`);
  const maxAttempts = checkInteger('maxAttempts', options.maxAttempts, 1);
  const minCount = checkInteger('minCount', options.minCount, 1);
  const maxCount = checkInteger('maxCount', options.maxCount ?? minCount, minCount);
  return {
    p,
    sl,
    sh,
    r1,
    r2,
    aspectSampling: checkOneOf('aspectSampling', options.aspectSampling, ['uniform', 'log-uniform']),
    sizeSampling,
    placement: checkOneOf('placement', options.placement, ['size-first', 'position-first', 'continuous']),
    fit: checkOneOf('fit', options.fit, ['strict', 'inclusive']),
    rounding: checkOneOf('rounding', options.rounding, ['half-even', 'half-up', 'floor']),
    maxAttempts,
    fill: checkFill(options.fill),
    minCount,
    maxCount,
  };
}
