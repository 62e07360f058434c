/**
 * Keras 3's `keras.layers.RandomErasing` arguments, mapped onto the `keras` preset so that the same
 * configuration samples with the same laws. What Keras 3 does with them (read from its code):
 * - `factor` f (or [lo, hi]): each image draws a probability from U(0, f) (or U(lo, hi)) and is erased
 *   when a second U(0, 1) draw falls below it, so it is erased with probability f / 2 ((lo + hi) / 2):
 *   the default 1.0 erases half of the images, not all of them as its docstring says.
 * - `scale` [lo, hi] (a number s means [0, s]): not an area range. Width and height fractions are
 *   sqrt(U(lo, hi)) each, drawn independently, so the area fraction is sqrt(u1 u2) and the aspect
 *   ratio is free; sides and starts are real numbers and no retry is needed.
 * - `fill_value` null: N(0, 1) * value_range[1] per pixel and channel, clipped to value_range (about
 *   half of the values clip to value_range[0]); a number or three numbers (one per channel): that
 *   constant, clipped to value_range.
 */
import type { Fill, RandomErasingOptions } from './erasing-options.js';
import { Validator } from './validate.js';
import { PRESETS } from './presets.js';

/** The arguments of Keras 3's RandomErasing, by their TF.js (camelCase) names. */
export interface KerasErasingArgs {
  /** Default 1.0. */
  readonly factor?: number | readonly number[];
  /** Default [0.02, 0.33]. */
  readonly scale?: number | readonly number[];
  /** Default null (clipped normal noise). */
  readonly fillValue?: number | readonly number[] | null;
  /** Default [0, 255]. */
  readonly valueRange?: readonly number[];
}

/** Keras arguments with defaults applied and ranges resolved, as Keras' `get_config` reports them. */
export interface KerasErasingConfig {
  readonly factor: [number, number];
  readonly scale: [number, number];
  readonly fillValue: number | number[] | null;
  readonly valueRange: [number, number];
}

const v = new Validator('keras RandomErasing argument');

function fail(name: string, value: unknown, expected: string): never {
  return v.fail(name, expected, value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A number f gives [0, f], a pair is sorted; every bound in [0, 1] (Keras' `_set_factor_by_name`). */
function unitRange(name: string, value: number | readonly number[]): [number, number] {
  const pair = typeof value === 'number' ? [0, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => isFiniteNumber(v) && v >= 0 && v <= 1)) {
    fail(name, value, 'a number or a pair of numbers in [0, 1]');
  }
  const [a, b] = pair as number[];
  return a <= b ? [a, b] : [b, a];
}

/** Apply Keras' defaults and check every argument; errors name the argument and the value. */
export function resolveKerasArgs(args: KerasErasingArgs = {}): KerasErasingConfig {
  const valueRange = args.valueRange ?? [0, 255];
  if (!Array.isArray(valueRange) || valueRange.length !== 2 || !valueRange.every(isFiniteNumber) || valueRange[0] > valueRange[1]) {
    fail('value_range', valueRange, 'a pair [low, high] with low <= high');
  }
  const fillValue = args.fillValue ?? null;
  const fillOk =
    fillValue === null || isFiniteNumber(fillValue) || (Array.isArray(fillValue) && fillValue.length === 3 && fillValue.every(isFiniteNumber));
  if (!fillOk) fail('fill_value', fillValue, 'null, a number or a list of three numbers');
  return {
    factor: unitRange('factor', args.factor ?? 1),
    scale: unitRange('scale', args.scale ?? [0.02, 0.33]),
    fillValue: Array.isArray(fillValue) ? [...fillValue] : (fillValue as number | null),
    valueRange: [valueRange[0], valueRange[1]],
  };
}

function kerasFill({ fillValue, valueRange: [low, high] }: KerasErasingConfig): Fill {
  if (fillValue === null) return { kind: 'normal', mean: 0, std: high, per: 'pixel', clip: [low, high] };
  const clip = (v: number) => Math.min(high, Math.max(low, v));
  return { kind: 'constant', value: typeof fillValue === 'number' ? clip(fillValue) : fillValue.map(clip) };
}

/**
 * Options reproducing Keras 3's RandomErasing with these arguments: the `keras` preset with p, the
 * side range and the fill they imply.
 *
 * @example
 * new RandomErasing(kerasErasingOptions({ factor: 0.5, scale: [0.05, 0.2], fillValue: 128 }));
 */
export function kerasErasingOptions(args: KerasErasingArgs = {}): RandomErasingOptions {
  const config = resolveKerasArgs(args);
  const [lo, hi] = config.factor;
  return { ...PRESETS.keras, p: (lo + hi) / 2, sl: config.scale[0], sh: config.scale[1], fill: kerasFill(config) };
}
