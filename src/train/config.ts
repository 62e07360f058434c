/**
 * The run configuration of the paper's training scripts (cifar.py / fashionmnist.py), with the same
 * names and defaults, and its validation. Every field maps to a `random-erasing train` flag; error
 * messages name the flag.
 */
import type { Fill } from '../core/erasing-options.js';
import { resolveSpec, type ModelSpec } from '../models/spec.js';

/** Architectures the model registry builds. */
export const ARCHS = ['resnet', 'preresnet18', 'wrn', 'resnext'] as const;
export type Arch = (typeof ARCHS)[number];

/** Random Erasing presets of the core transform. */
export const PRESETS = ['reference', 'paper', 'torchvision', 'timm'] as const;
export type Preset = (typeof PRESETS)[number];

/** Compute backends accepted by `setupBackend`. */
export const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Everything that defines a training run. Serialisable; saved with every checkpoint. */
export interface TrainConfig {
  /** `fashionmnist`, `cifar10`, `cifar100` or the path of a folder dataset. */
  dataset: string;
  /** Where named datasets are looked up (default: the data module's default). */
  dataDir?: string;
  arch: Arch;
  /** Network depth; unset = the architecture's default (resnet 20, wrn 28, resnext 29). */
  depth?: number;
  widenFactor: number;
  cardinality: number;
  /** Dropout rate before the classifier. */
  drop: number;
  /** Dropout rate after every convolution (paper Table 4); 0 = none. */
  convDropout: number;
  /** Random Erasing probability; 0 = baseline without erasing. */
  p: number;
  sl: number;
  sh: number;
  r1: number;
  /** Core Random Erasing preset; the explicit p/sl/sh/r1 above override its values. */
  preset?: Preset;
  /** Fill of erased pixels (e.g. `random`, `mean`, `zero`), passed to the erasing transform. */
  fill?: string;
  flip: boolean;
  crop: boolean;
  /** Fraction of pixels replaced by random values (paper Table 5 noise); 0 or unset = none. */
  noise?: number;
  epochs: number;
  /** First epoch to run (0-based), as the seed's `--start-epoch`; resume sets it from the checkpoint. */
  startEpoch: number;
  /** 0-based epochs at which the LR is multiplied by gamma. */
  schedule: number[];
  gamma: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  labelSmoothing: number;
  trainBatch: number;
  /**
   * Split each training batch into consecutive micro-batches of at most this many images, accumulate
   * their gradients and take one SGD step (BatchNorm then uses per-micro-batch statistics); unset = the
   * whole batch in one pass. Lowers the peak memory of a step.
   */
  microBatch?: number;
  /**
   * Data-parallel replicas: each training batch is split as `microBatch = ceil(trainBatch / replicas)`
   * would split it and the slices' gradients are computed concurrently, one on the main thread and
   * the others in worker threads with their own backend; the same step as that micro-batch run. With
   * `microBatch` too, each slice is itself computed in micro-batches of that size (less memory per
   * replica). Dropout draws the masks of that micro-batch run. Unset or 1 = one thread.
   */
  replicas?: number;
  testBatch: number;
  /** Data worker threads (0 = augment on the main thread). */
  workers: number;
  /** Output folder: checkpoints, logs, plots. */
  checkpoint: string;
  /** Checkpoint file to resume from. */
  resume?: string;
  /** Seed of every random draw (model init, shuffling, augmentation). */
  seed: number;
  backend?: Backend;
  /** Train on a seeded random subset of this many training images (default: all). */
  trainSubset?: number;
  /** Evaluate on a seeded random subset of this many test images (default: all). */
  testSubset?: number;
}

/** The seed scripts' defaults (seed drawn at random when not given, as `--manualSeed`). */
export const DEFAULTS: Omit<TrainConfig, 'seed'> = {
  dataset: 'fashionmnist',
  arch: 'resnet',
  widenFactor: 10,
  cardinality: 8,
  drop: 0,
  convDropout: 0,
  p: 0,
  sl: 0.02,
  sh: 0.4,
  r1: 0.3,
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
  testBatch: 100,
  workers: 2,
  checkpoint: 'checkpoint',
};

/** Fields a resumed run takes from the caller rather than from the checkpoint. */
export const RUNTIME_FIELDS = ['epochs', 'workers', 'backend', 'checkpoint', 'dataDir', 'resume'] as const;

/** Fields a resumed run takes from the caller when given, else from the checkpoint (a run that ran out of memory resumes with `--micro-batch`; `--replicas` changes only the speed). */
export const OVERRIDABLE_FIELDS = ['microBatch', 'replicas'] as const;

/** An invalid configuration value; `flag` is the CLI flag that sets it. */
export class ConfigError extends Error {
  constructor(
    readonly flag: string,
    problem: string,
  ) {
    super(`${flag}: ${problem}`);
    this.name = 'ConfigError';
  }
}

function check(ok: boolean, flag: string, problem: string): void {
  if (!ok) throw new ConfigError(flag, problem);
}

const isInt = (v: number, min: number) => Number.isInteger(v) && v >= min;
const inRange = (v: number, lo: number, hi: number) => Number.isFinite(v) && v >= lo && v <= hi;

/** Names accepted by `--fill`, besides a number (a constant fill). */
export const FILL_NAMES = ['zero', 'uniform', 'normal'] as const;

/** The erasing fill named by `--fill`: `zero`, `uniform` or `normal` per pixel, or a constant number. */
export function parseFill(text: string): Fill {
  if (text === 'zero') return { kind: 'constant', value: 0 };
  if (text === 'uniform') return { kind: 'uniform', per: 'pixel' };
  if (text === 'normal') return { kind: 'normal', per: 'pixel' };
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new ConfigError('--fill', `expected ${FILL_NAMES.join(', ')} or a number, got '${text}'`);
  }
  return { kind: 'constant', value };
}

/** The model spec of a config: only the options that apply to its architecture. */
export function modelSpecOf(config: TrainConfig, numClasses: number, inputShape: [number, number, number]): ModelSpec {
  const spec: ModelSpec = { arch: config.arch, numClasses, inputShape, seed: config.seed, convDropout: config.convDropout };
  if (config.arch !== 'preresnet18' && config.depth !== undefined) spec.depth = config.depth;
  if (config.arch === 'wrn') spec.widenFactor = config.widenFactor;
  if (config.arch === 'resnext') spec.cardinality = config.cardinality;
  if (config.arch === 'wrn' || config.drop !== 0) spec.drop = config.drop;
  return spec;
}

const MODEL_FLAGS: ReadonlyArray<[string, string]> = [
  ['convDropout', '--conv-dropout'],
  ['depth', '--depth'],
  ['widenFactor', '--widen-factor'],
  ['cardinality', '--cardinality'],
  ['drop', '--drop'],
];

/** Check the model options against the architecture (before any data is loaded). */
function checkModel(c: TrainConfig): void {
  try {
    resolveSpec(modelSpecOf(c, 10, [32, 32, 3]));
  } catch (error) {
    const message = (error as Error).message;
    const flag = MODEL_FLAGS.find(([option]) => message.includes(option))?.[1] ?? '--arch';
    throw new ConfigError(flag, message.replace(/^model spec: /, ''));
  }
}

/** `--replicas`: a positive integer. */
function checkReplicas(c: TrainConfig): void {
  check(isInt(c.replicas ?? 1, 1), '--replicas', `expected a positive integer, got ${c.replicas}`);
}

/** Throw a {@link ConfigError} naming the flag of the first invalid field. */
export function validateConfig(c: TrainConfig): void {
  check(typeof c.dataset === 'string' && c.dataset.length > 0, '--dataset', 'expected a dataset name or folder');
  check((ARCHS as readonly string[]).includes(c.arch), '--arch', `expected one of ${ARCHS.join(', ')}, got '${c.arch}'`);
  check(c.depth === undefined || isInt(c.depth, 1), '--depth', `expected a positive integer, got ${c.depth}`);
  check(isInt(c.widenFactor, 1), '--widen-factor', `expected a positive integer, got ${c.widenFactor}`);
  check(isInt(c.cardinality, 1), '--cardinality', `expected a positive integer, got ${c.cardinality}`);
  check(inRange(c.drop, 0, 0.999), '--drop', `expected a rate in [0, 1), got ${c.drop}`);
  check(inRange(c.convDropout, 0, 0.999), '--conv-dropout', `expected a rate in [0, 1), got ${c.convDropout}`);
  check(inRange(c.p, 0, 1), '--p', `expected a probability in [0, 1], got ${c.p}`);
  check(inRange(c.sl, 0, 1) && c.sl > 0, '--sl', `expected an area fraction in (0, 1], got ${c.sl}`);
  check(inRange(c.sh, 0, 1) && c.sh >= c.sl, '--sh', `expected an area fraction in [--sl, 1], got ${c.sh}`);
  check(Number.isFinite(c.r1) && c.r1 > 0, '--r1', `expected a positive aspect ratio, got ${c.r1}`);
  check(c.preset === undefined || (PRESETS as readonly string[]).includes(c.preset), '--preset', `expected one of ${PRESETS.join(', ')}, got '${c.preset}'`);
  check(c.noise === undefined || inRange(c.noise, 0, 1), '--noise', `expected a fraction in [0, 1], got ${c.noise}`);
  if (c.fill !== undefined) parseFill(c.fill);
  check(isInt(c.epochs, 1), '--epochs', `expected a positive integer, got ${c.epochs}`);
  check(isInt(c.startEpoch, 0) && c.startEpoch < c.epochs, '--start-epoch', `expected an integer in [0, --epochs), got ${c.startEpoch}`);
  check(c.schedule.every((e) => isInt(e, 0)), '--schedule', `expected non-negative integer epochs, got ${c.schedule.join(' ')}`);
  check(Number.isFinite(c.gamma) && c.gamma > 0, '--gamma', `expected a positive number, got ${c.gamma}`);
  check(Number.isFinite(c.lr) && c.lr > 0, '--lr', `expected a positive number, got ${c.lr}`);
  check(inRange(c.momentum, 0, 1) && c.momentum < 1, '--momentum', `expected a value in [0, 1), got ${c.momentum}`);
  check(inRange(c.weightDecay, 0, 1), '--weight-decay', `expected a value in [0, 1], got ${c.weightDecay}`);
  check(!c.nesterov || c.momentum > 0, '--nesterov', 'requires --momentum > 0');
  check(inRange(c.labelSmoothing, 0, 0.999), '--label-smoothing', `expected a value in [0, 1), got ${c.labelSmoothing}`);
  check(isInt(c.trainBatch, 1), '--train-batch', `expected a positive integer, got ${c.trainBatch}`);
  check(c.microBatch === undefined || isInt(c.microBatch, 1), '--micro-batch', `expected a positive integer, got ${c.microBatch}`);
  checkReplicas(c);
  check(isInt(c.testBatch, 1), '--test-batch', `expected a positive integer, got ${c.testBatch}`);
  check(isInt(c.workers, 0), '--workers', `expected a non-negative integer, got ${c.workers}`);
  check(typeof c.checkpoint === 'string' && c.checkpoint.length > 0, '--checkpoint', 'expected a folder');
  check(isInt(c.seed, 0) && c.seed <= 0xffffffff, '--manual-seed', `expected an integer in [0, 2^32), got ${c.seed}`);
  check(c.backend === undefined || (BACKENDS as readonly string[]).includes(c.backend), '--backend', `expected one of ${BACKENDS.join(', ')}, got '${c.backend}'`);
  check(c.trainSubset === undefined || isInt(c.trainSubset, 1), '--train-subset', `expected a positive integer, got ${c.trainSubset}`);
  check(c.testSubset === undefined || isInt(c.testSubset, 1), '--test-subset', `expected a positive integer, got ${c.testSubset}`);
  checkModel(c);
}

/** A complete config: defaults, then `overrides`; the seed must be given. */
export function makeConfig(overrides: Partial<TrainConfig> & { seed: number }): TrainConfig {
  return { ...DEFAULTS, ...overrides, schedule: [...(overrides.schedule ?? DEFAULTS.schedule)] };
}
