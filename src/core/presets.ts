/**
 * Presets reproducing each reference implementation's semantics (distributions, rounding, fit test,
 * ranges, attempts and fill). Random draws come from this library's seeded generator, so the
 * numbers differ from Python's, but every draw has the same law.
 */
import type { RandomErasingOptions } from './erasing-options.js';

/** Names of the built-in presets. */
export type PresetName = 'reference' | 'paper' | 'torchvision' | 'timm' | 'keras';

/** The CIFAR channel means the reference code writes, after normalisation, into erased regions. */
export const REFERENCE_MEAN = [0.4914, 0.4822, 0.4465] as const;

/** What the three Python implementations share: size first, strict fit, Python's round(), one region. */
const PYTHON_GEOMETRY = { placement: 'size-first', fit: 'strict', rounding: 'half-even', minCount: 1 } as const;

/** Per-preset options; see docs/core.md for a side-by-side table. */
export const PRESETS: Readonly<Record<PresetName, RandomErasingOptions>> = {
  /** zhunzhong07/Random-Erasing transforms.py. */
  reference: {
    p: 0.5,
    sl: 0.02,
    sh: 0.4,
    r1: 0.3,
    aspectSampling: 'uniform',
    ...PYTHON_GEOMETRY,
    maxAttempts: 100,
    fill: { kind: 'constant', value: REFERENCE_MEAN, gray: REFERENCE_MEAN[0] },
  },
  /** Algorithm 1 of the paper: corner drawn with the size, retried until x + We <= W and y + He <= H. */
  paper: {
    p: 0.5,
    sl: 0.02,
    sh: 0.4,
    r1: 0.3,
    aspectSampling: 'uniform',
    placement: 'position-first',
    fit: 'inclusive',
    rounding: 'half-even',
    maxAttempts: 100,
    fill: { kind: 'uniform', per: 'pixel' },
    minCount: 1,
  },
  /** torchvision.transforms.RandomErasing defaults (value=0; use a normal per-pixel fill for value='random'). */
  torchvision: {
    p: 0.5,
    sl: 0.02,
    sh: 0.33,
    r1: 0.3,
    r2: 3.3,
    aspectSampling: 'log-uniform',
    ...PYTHON_GEOMETRY,
    maxAttempts: 10,
    fill: { kind: 'constant', value: 0 },
  },
  /** timm RandomErasing defaults (mode='const'; mode 'rand' = normal per channel, 'pixel' = normal per pixel). */
  timm: {
    p: 0.5,
    sl: 0.02,
    sh: 1 / 3,
    r1: 0.3,
    aspectSampling: 'log-uniform',
    ...PYTHON_GEOMETRY,
    maxAttempts: 10,
    fill: { kind: 'constant', value: 0 },
  },
  /**
   * keras.layers.RandomErasing (Keras 3) defaults, as its code samples (not as its docstring says):
   * `factor=1.0` draws each image's probability from U(0, 1), so p = 0.5; each side's fraction is
   * sqrt(U(0.02, 0.33)); real-valued sides and starts; N(0, 255^2) per value clipped to value_range
   * [0, 255]. See keras.ts for the mapping of its arguments.
   */
  keras: {
    p: 0.5,
    sl: 0.02,
    sh: 0.33,
    r1: 0.3,
    aspectSampling: 'uniform',
    sizeSampling: 'per-side',
    placement: 'continuous',
    fit: 'inclusive',
    rounding: 'half-even',
    maxAttempts: 1,
    fill: { kind: 'normal', mean: 0, std: 255, per: 'pixel', clip: [0, 255] },
    minCount: 1,
  },
};

/** Names of the built-in presets, in definition order. */
export const PRESET_NAMES = Object.keys(PRESETS) as readonly PresetName[];

/** Whether a string names a preset. */
export function isPresetName(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, name);
}
