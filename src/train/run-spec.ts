/**
 * What defines a training run's computation: the dataset, the model, the augmentation, the optimiser,
 * the schedule, the BatchNorm micro-batches and the seed. The same complete spec gives the same
 * weights bit for bit, whatever the machine runs it with (threads, data workers, paths: see
 * run-runtime.ts). Its hash is the run's id: resume and grid reuse compare it.
 *
 * A {@link RunSpec} holds what the caller chose; unset fields take the defaults of the reference
 * scripts (cifar.py / fashionmnist.py), or the preset's values for the erasing options.
 * {@link completeSpec} makes every value explicit and validates it; errors name the field.
 */
import path from 'node:path';
import type { Fill } from '../core/erasing-options.js';
import { PRESET_NAMES, PRESETS, type PresetName } from '../core/presets.js';
import { Validator } from '../core/validate.js';
import { builtinName } from '../data/load.js';
import { ARCHITECTURES, resolveSpec, type Arch, type ModelSpec } from '../models/spec.js';
import { completeEraserGeometry, completeScheduleList, completeSgd, differingFields, hashOfSpec, orderedFields, rejectUnknownFields, resumeSpec, type SgdFields, type SpecSchema } from './spec-schema.js';

/** The caller's choices for a run; unset = default. The model options are the registry's (`ModelSpec`; each applies to its architecture only). */
export interface RunSpec extends Pick<ModelSpec, 'depth' | 'widenFactor' | 'cardinality' | 'baseWidth' | 'drop' | 'convDropout'>, SgdFields {
  /** `fashion-mnist`, `cifar10`, `cifar100` (any spelling `builtinName` accepts) or an image folder. */
  dataset?: string;
  arch?: Arch;
  /** Random Erasing preset: its p, sl, sh, r1 and fill unless given. Default `reference`. */
  preset?: PresetName;
  /** Erasing probability. Default: the preset's when a preset is named, else 0 (no erasing), as the reference scripts. */
  p?: number;
  sl?: number;
  sh?: number;
  r1?: number;
  /** Fill of erased pixels: `zero`, `uniform`, `normal` (per pixel) or a number; default: the preset's. */
  fill?: string;
  /** Random horizontal flip (default true). */
  flip?: boolean;
  /** Random crop with 4 pixels of padding (default true). */
  crop?: boolean;
  /** Fraction of pixels replaced by random values (paper Table 4 noise); default 0 = none. */
  noise?: number;
  /** Epochs of the run (default 300). */
  epochs?: number;
  /** First epoch (0-based) of a new run, as the reference's `--start-epoch` (default 0). */
  startEpoch?: number;
  /** 0-based epochs at which the LR is multiplied by `gamma` (default 150, 225). */
  schedule?: number[];
  gamma?: number;
  labelSmoothing?: number;
  trainBatch?: number;
  /**
   * BatchNorm micro-batch: each training batch is split into consecutive micro-batches of at most this
   * many images, each normalised with its own statistics; their gradients are summed in order and one
   * SGD step is taken (default {@link DEFAULT_MICRO_BATCH}, capped at the batch). The unit of work
   * spread over threads: it, not the thread count, defines the computation.
   */
  microBatch?: number;
  /** Train on a seeded random subset of this many training images (default: all). */
  trainSubset?: number;
  /** Evaluate on a seeded random subset of this many test images (default: all). */
  testSubset?: number;
  /** Seed of every random draw: model initialisation, subsets, shuffling, augmentation, dropout. */
  seed?: number;
}

/** A spec with every value explicit (options that do not apply are absent). */
export interface CompleteSpec extends RunSpec {
  dataset: string;
  arch: Arch;
  depth: number;
  convDropout: number;
  p: number;
  flip: boolean;
  crop: boolean;
  epochs: number;
  startEpoch: number;
  schedule: number[];
  gamma: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  labelSmoothing: number;
  trainBatch: number;
  microBatch: number;
  seed: number;
}

/** Images per BatchNorm micro-batch by default: two per batch of 128, as the reference run on two GPUs. */
export const DEFAULT_MICRO_BATCH = 64;

/** The reference scripts' defaults, besides the model's and the erasing preset's. */
export const SPEC_DEFAULTS = {
  dataset: 'fashion-mnist',
  arch: 'resnet',
  convDropout: 0,
  flip: true,
  crop: true,
  epochs: 300,
  startEpoch: 0,
  schedule: [150, 225],
  gamma: 0.1,
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
  nesterov: false,
  labelSmoothing: 0,
  trainBatch: 128,
} as const satisfies RunSpec;

/** Preset used when erasing is on and none is named. */
export const DEFAULT_PRESET: PresetName = 'reference';

/** Every field of a spec, in the order config files list them. */
export const SPEC_FIELDS = [
  'dataset', 'arch', 'depth', 'widenFactor', 'cardinality', 'baseWidth', 'drop', 'convDropout',
  'preset', 'p', 'sl', 'sh', 'r1', 'fill', 'flip', 'crop', 'noise',
  'epochs', 'startEpoch', 'schedule', 'gamma', 'lr', 'momentum', 'weightDecay', 'nesterov', 'labelSmoothing',
  'trainBatch', 'microBatch', 'trainSubset', 'testSubset', 'seed',
] as const satisfies ReadonlyArray<keyof RunSpec>;
export type SpecField = (typeof SPEC_FIELDS)[number];

const ERASING_FIELDS = ['preset', 'sl', 'sh', 'r1', 'fill'] as const;
const MODEL_FIELDS = ['depth', 'widenFactor', 'cardinality', 'baseWidth', 'drop'] as const;

const v = new Validator('run option');

/** Names accepted by `fill`, besides a number (a constant fill). */
export const FILL_NAMES = ['zero', 'uniform', 'normal'] as const;

/** The erasing fill a `fill` text names: `zero`, `uniform` or `normal` per pixel, or a constant number. */
export function parseFill(text: string): Fill {
  if (text === 'zero') return { kind: 'constant', value: 0 };
  if (text === 'uniform') return { kind: 'uniform', per: 'pixel' };
  if (text === 'normal') return { kind: 'normal', per: 'pixel' };
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) v.fail('fill', `${FILL_NAMES.join(', ')} or a number`, text);
  return { kind: 'constant', value };
}

/** The dataset's canonical name: a built-in name, or the folder as an absolute path. */
export function canonicalDataset(dataset: string): string {
  v.text(dataset, 'dataset', 'a dataset name or folder');
  return builtinName(dataset) ?? path.resolve(dataset);
}

/** The model options of a spec: those it sets, validated by the model registry (which rejects options the architecture has not). */
function completeModel(spec: RunSpec, arch: Arch): Pick<CompleteSpec, 'depth' | 'widenFactor' | 'cardinality' | 'baseWidth' | 'drop'> {
  const given = Object.fromEntries(MODEL_FIELDS.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]]));
  const resolved = resolveSpec({ arch, ...given, convDropout: spec.convDropout, numClasses: 10, inputShape: [32, 32, 3] } as ModelSpec);
  if (arch === 'wrn') return { depth: resolved.depth, widenFactor: resolved.widenFactor, drop: resolved.drop };
  if (arch === 'resnext') return { depth: resolved.depth, cardinality: resolved.cardinality, baseWidth: resolved.baseWidth };
  return { depth: resolved.depth };
}

/** The erasing fields: the preset's values unless given; none when erasing is off (where giving one is an error). */
function completeErasing(spec: RunSpec): Pick<CompleteSpec, 'p' | 'preset' | 'sl' | 'sh' | 'r1' | 'fill'> {
  const preset = spec.preset === undefined ? undefined : v.oneOf(spec.preset, 'preset', PRESET_NAMES);
  const p = v.number(spec.p ?? (preset ? PRESETS[preset].p : 0), 'p', { min: 0, max: 1 });
  if (p === 0) {
    const stray = ERASING_FIELDS.find((f) => spec[f] !== undefined);
    if (stray) v.reject(stray, 'has no effect without erasing (p is 0); set p > 0 or leave it out');
    return { p };
  }
  const name = preset ?? DEFAULT_PRESET;
  const { sl, sh, r1 } = completeEraserGeometry(v, spec, PRESETS[name], name);
  if (spec.fill !== undefined) parseFill(spec.fill);
  return { p, preset: name, sl, sh, ...(r1 !== undefined ? { r1 } : {}), ...(spec.fill !== undefined ? { fill: spec.fill } : {}) };
}

function completeOptimiser(spec: RunSpec): Pick<CompleteSpec, 'lr' | 'momentum' | 'weightDecay' | 'nesterov' | 'labelSmoothing' | 'gamma'> {
  const d = SPEC_DEFAULTS;
  return {
    ...completeSgd(v, spec, d),
    labelSmoothing: v.number(spec.labelSmoothing ?? d.labelSmoothing, 'labelSmoothing', { min: 0, max: 1, maxExclusive: true }),
    gamma: v.number(spec.gamma ?? d.gamma, 'gamma', { min: 0, minExclusive: true }),
  };
}

function completeSchedule(spec: RunSpec): Pick<CompleteSpec, 'epochs' | 'startEpoch' | 'schedule'> {
  const epochs = v.integer(spec.epochs ?? SPEC_DEFAULTS.epochs, 'epochs', { min: 1 });
  const startEpoch = v.integer(spec.startEpoch ?? SPEC_DEFAULTS.startEpoch, 'startEpoch', { min: 0, max: epochs, maxExclusive: true });
  return { epochs, startEpoch, schedule: completeScheduleList(v, spec.schedule ?? SPEC_DEFAULTS.schedule) };
}

function completeBatches(spec: RunSpec): Pick<CompleteSpec, 'trainBatch' | 'microBatch' | 'trainSubset' | 'testSubset'> {
  const trainBatch = v.integer(spec.trainBatch ?? SPEC_DEFAULTS.trainBatch, 'trainBatch', { min: 1 });
  const microBatch = v.integer(spec.microBatch ?? Math.min(DEFAULT_MICRO_BATCH, trainBatch), 'microBatch', { min: 1, max: trainBatch });
  const subsets: Pick<CompleteSpec, 'trainSubset' | 'testSubset'> = {};
  if (spec.trainSubset !== undefined) subsets.trainSubset = v.integer(spec.trainSubset, 'trainSubset', { min: 1 });
  if (spec.testSubset !== undefined) subsets.testSubset = v.integer(spec.testSubset, 'testSubset', { min: 1 });
  return { trainBatch, microBatch, ...subsets };
}

/**
 * Every value of `spec` explicit and valid; throws an {@link OptionError} naming the first invalid
 * field. Idempotent: completing a complete spec returns an equal one.
 */
export function completeSpec(spec: RunSpec): CompleteSpec {
  rejectUnknownFields(RUN_SCHEMA, spec);
  if (spec.seed === undefined) v.reject('seed', 'is required: every random draw of the run flows from it');
  const arch = v.oneOf(spec.arch ?? SPEC_DEFAULTS.arch, 'arch', ARCHITECTURES);
  const noise = spec.noise === undefined ? 0 : v.number(spec.noise, 'noise', { min: 0, max: 1 });
  const complete: CompleteSpec = {
    dataset: canonicalDataset(spec.dataset ?? SPEC_DEFAULTS.dataset),
    arch,
    ...completeModel(spec, arch),
    convDropout: v.number(spec.convDropout ?? SPEC_DEFAULTS.convDropout, 'convDropout', { min: 0, max: 1, maxExclusive: true }),
    ...completeErasing(spec),
    flip: v.boolean(spec.flip ?? SPEC_DEFAULTS.flip, 'flip'),
    crop: v.boolean(spec.crop ?? SPEC_DEFAULTS.crop, 'crop'),
    ...(noise > 0 ? { noise } : {}),
    ...completeSchedule(spec),
    ...completeOptimiser(spec),
    ...completeBatches(spec),
    seed: v.seed(spec.seed),
  };
  return orderedFields(RUN_SCHEMA, complete);
}

/** A given value in the form a complete spec stores it. */
function normalisedGiven(field: SpecField, value: unknown): unknown {
  return field === 'dataset' && typeof value === 'string' ? canonicalDataset(value) : value;
}

/** The classification run spec as a {@link SpecSchema}: its fields, completion and normalisation. */
export const RUN_SCHEMA: SpecSchema<RunSpec, CompleteSpec> = { scope: 'run option', fields: SPEC_FIELDS, complete: completeSpec, normalise: normalisedGiven };

/** The run's id: 16 hex digits of the SHA-256 of its complete spec. */
export function specHash(spec: CompleteSpec): string {
  return hashOfSpec(RUN_SCHEMA, spec);
}

/** Fields in which two complete specs differ. */
export function specDifferences(a: CompleteSpec, b: CompleteSpec): SpecField[] {
  return differingFields(RUN_SCHEMA, a, b);
}

/** The one resume rule (see {@link resumeSpec}) for classification runs. */
export function resumedSpec(saved: CompleteSpec, given: RunSpec, completedEpochs: number): CompleteSpec {
  return resumeSpec(RUN_SCHEMA, saved, given, completedEpochs);
}

/** The model spec of a run for the data's classes and input shape. */
export function modelSpecOf(spec: CompleteSpec, numClasses: number, inputShape: [number, number, number]): ModelSpec {
  const model: ModelSpec = { arch: spec.arch, numClasses, inputShape, seed: spec.seed, convDropout: spec.convDropout, depth: spec.depth };
  for (const field of ['widenFactor', 'cardinality', 'baseWidth', 'drop'] as const) {
    if (spec[field] !== undefined) model[field] = spec[field];
  }
  return model;
}
