/**
 * The augmentation pipeline as plain, JSON-serialisable data (it travels to loader workers and into
 * run records), and its construction from the core transforms. Train order: random crop, horizontal
 * flip, pixel noise, to-float, normalise, Random Erasing (after normalisation, as the reference code).
 */
import { compose, horizontalFlip, normalize, randomCrop, toFloat, type Transform } from '../core/transforms.js';
import { randomNoise } from '../core/noise.js';
import { RandomErasing } from '../core/random-erasing.js';
import type { PresetName } from '../core/presets.js';
import type { RandomErasingOptions } from '../core/erasing-options.js';
import type { Split } from './dataset.js';
import { builtinName } from './load.js';

/** Random Erasing settings: a preset, options over it, or both. */
export interface ErasingConfig {
  /** Default `reference` (the seed's transforms.py). */
  readonly preset?: PresetName;
  /** Options replacing the preset's, e.g. `{ p: 0.5, sh: 0.4, r1: 0.3 }`. */
  readonly options?: Partial<RandomErasingOptions>;
}

/** A serialisable augmentation pipeline; `null` switches a step off. */
export interface PipelineConfig {
  /** Random crop after zero padding by `padding` pixels per side. */
  readonly crop: { readonly padding: number } | null;
  /** Horizontal flip with probability `p`. */
  readonly flip: { readonly p: number } | null;
  /** Random pixel noise: each pixel replaced by random 0..255 values with probability `fraction`. */
  readonly noise: { readonly fraction: number } | null;
  /** Per-channel normalisation of the 0..1 pixels: (x - mean) / std. */
  readonly normalize: { readonly mean: readonly number[]; readonly std: readonly number[] } | null;
  readonly erasing: ErasingConfig | null;
}

/** Normalisation constants of the seed code (computed on the training sets). */
export const NORMALIZATION = {
  'fashion-mnist': { mean: [0.1307], std: [0.3081] },
  cifar: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
} as const;

function normalizationFor(datasetName: string): PipelineConfig['normalize'] {
  const name = builtinName(datasetName);
  if (name === 'fashion-mnist') return NORMALIZATION['fashion-mnist'];
  if (name === 'cifar10' || name === 'cifar100') return NORMALIZATION.cifar;
  return null;
}

/**
 * The seed's recipe for a dataset and split, with `overrides` replacing whole steps. Train: crop with
 * 4-pixel padding, flip p = 0.5, the dataset's normalisation, Random Erasing (`reference` preset);
 * test: normalisation only. Image folders get no normalisation unless given one.
 *
 * @example
 * defaultPipeline('cifar10', 'train', { erasing: { preset: 'paper', options: { p: 0.3 } } });
 * defaultPipeline('fashion-mnist', 'train', { erasing: null, flip: null }); // ablation
 */
export function defaultPipeline(datasetName: string, split: Split, overrides: Partial<PipelineConfig> = {}): PipelineConfig {
  const train = split === 'train';
  return {
    crop: train ? { padding: 4 } : null,
    flip: train ? { p: 0.5 } : null,
    noise: null,
    normalize: normalizationFor(datasetName),
    erasing: train ? { preset: 'reference' } : null,
    ...overrides,
  };
}

/** Random Erasing as a transform on the fresh float image the previous steps produced. */
function erasingStep(config: ErasingConfig): Transform {
  const eraser = new RandomErasing(config.preset ?? 'reference', config.options ?? {});
  return (image, rng) => eraser.apply(image, rng, { inPlace: true }).image;
}

/**
 * Build the per-image transform of a pipeline: uint8 HWC in, float32 HWC out. Throws a RangeError
 * naming the bad setting.
 */
export function buildTransform(config: PipelineConfig): Transform {
  const steps: Transform[] = [];
  if (config.crop) steps.push(randomCrop(config.crop.padding));
  if (config.flip) steps.push(horizontalFlip(config.flip.p));
  if (config.noise) steps.push(randomNoise(config.noise.fraction));
  steps.push(toFloat());
  if (config.normalize) steps.push(normalize(config.normalize.mean, config.normalize.std));
  if (config.erasing) steps.push(erasingStep(config.erasing));
  return compose(...steps);
}
