/**
 * What defines a detector's training run: the scenes, the model, the erasing arm, the optimiser, the
 * schedule and the seed. As for a classifier's run (run-spec.ts), the complete spec's hash is the
 * run's id and a resumed run keeps it (only `epochs` may change); how the run executes (folder,
 * backend, data location, test batch) is its runtime and changes no weight.
 */
import type { ObjectAwareMode } from '../../core/object-aware.js';
import { PRESETS } from '../../core/presets.js';
import { Validator } from '../../core/validate.js';
import { completeRuntime, type RunRuntime } from '../run-runtime.js';
import { completeEraserGeometry, completeScheduleList, completeSgd, differingFields, hashOfSpec, orderedFields, rejectUnknownFields, resumeSpec, type SgdFields, type SpecSchema } from '../spec-schema.js';

/** No erasing, or the paper's three object-aware schemes: IRE (`image`), ORE (`object`), I+ORE (`image+object`). */
export const ERASING_ARMS = ['none', 'image', 'object', 'image+object'] as const;
export type ErasingArm = 'none' | ObjectAwareMode;

/** The caller's choices for a detector run; unset = default. */
export interface DetectorSpec extends SgdFields {
  /** Training scenes, generated from the Fashion-MNIST train split (default 2000). */
  trainScenes?: number;
  /** Test scenes, from the test split (default 500). */
  testScenes?: number;
  /** Seed of the scenes (default 0): runs of every seed and arm see the same scenes. */
  sceneSeed?: number;
  /** Channels of the backbone's first stage (default 16; doubled at each stride). */
  width?: number;
  /** Basic blocks per backbone stage (default 1). */
  blocks?: number;
  /** Erasing arm (default `none`). */
  erasing?: ErasingArm;
  /** Probability of each erasing (of the image, and of each box), with erasing on; default 0.5. */
  p?: number;
  /** Area fraction range and smallest aspect ratio of a region (of the image or of the box); default the `paper` preset's. */
  sl?: number;
  sh?: number;
  r1?: number;
  /** Random horizontal flip, boxes mirrored (default true). */
  flip?: boolean;
  epochs?: number;
  /** 0-based epochs at which the LR is multiplied by `gamma` (default: at 2/3 and 5/6 of the epochs). */
  schedule?: number[];
  gamma?: number;
  trainBatch?: number;
  /** Seed of every random draw of the run: weights, order, flips, erasing. */
  seed?: number;
}

/** A detector spec with every value explicit (erasing options only with erasing on). */
export interface CompleteDetectorSpec extends DetectorSpec {
  trainScenes: number;
  testScenes: number;
  sceneSeed: number;
  width: number;
  blocks: number;
  erasing: ErasingArm;
  flip: boolean;
  epochs: number;
  schedule: number[];
  gamma: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  trainBatch: number;
  seed: number;
}

/** Defaults of a detector run (the erasing ones are the `paper` preset's). */
export const DETECTOR_DEFAULTS = {
  trainScenes: 2000,
  testScenes: 500,
  sceneSeed: 0,
  width: 16,
  blocks: 1,
  erasing: 'none',
  p: 0.5,
  sl: PRESETS.paper.sl,
  sh: PRESETS.paper.sh,
  r1: PRESETS.paper.r1,
  flip: true,
  epochs: 30,
  gamma: 0.1,
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  nesterov: false,
  trainBatch: 32,
} as const satisfies DetectorSpec;

/** Every field, in the order config files list them. */
export const DETECTOR_FIELDS = [
  'trainScenes', 'testScenes', 'sceneSeed', 'width', 'blocks', 'erasing', 'p', 'sl', 'sh', 'r1', 'flip',
  'epochs', 'schedule', 'gamma', 'lr', 'momentum', 'weightDecay', 'nesterov', 'trainBatch', 'seed',
] as const satisfies ReadonlyArray<keyof DetectorSpec>;
export type DetectorField = (typeof DETECTOR_FIELDS)[number];

const ERASING_OPTIONS = ['p', 'sl', 'sh', 'r1'] as const;
/** Most scenes of a set (one contiguous buffer of 64x64 bytes each). */
const MAX_SCENES = 1_000_000;

const v = new Validator('detector option');

/** The default schedule of `epochs`: LR drops at 2/3 and 5/6 of training. */
export function defaultDetectorSchedule(epochs: number): number[] {
  return [...new Set([Math.round((epochs * 2) / 3), Math.round((epochs * 5) / 6)].filter((e) => e > 0 && e < epochs))];
}

function completeErasing(spec: DetectorSpec, erasing: ErasingArm): Pick<CompleteDetectorSpec, 'p' | 'sl' | 'sh' | 'r1'> {
  if (erasing === 'none') {
    const stray = ERASING_OPTIONS.find((f) => spec[f] !== undefined);
    if (stray) v.reject(stray, "has no effect without erasing (erasing is 'none'); choose an erasing arm or leave it out");
    return {};
  }
  const d = DETECTOR_DEFAULTS;
  return { p: v.number(spec.p ?? d.p, 'p', { min: 0, max: 1, minExclusive: true }), ...completeEraserGeometry(v, spec, d) };
}

function completeSchedule(spec: DetectorSpec): Pick<CompleteDetectorSpec, 'epochs' | 'schedule' | 'gamma'> {
  const epochs = v.integer(spec.epochs ?? DETECTOR_DEFAULTS.epochs, 'epochs', { min: 1 });
  return { epochs, schedule: completeScheduleList(v, spec.schedule ?? defaultDetectorSchedule(epochs)), gamma: v.number(spec.gamma ?? DETECTOR_DEFAULTS.gamma, 'gamma', { min: 0, minExclusive: true }) };
}

function completeOptimiser(spec: DetectorSpec): Pick<CompleteDetectorSpec, 'lr' | 'momentum' | 'weightDecay' | 'nesterov' | 'trainBatch'> {
  const d = DETECTOR_DEFAULTS;
  return {
    ...completeSgd(v, spec, d),
    trainBatch: v.integer(spec.trainBatch ?? d.trainBatch, 'trainBatch', { min: 1 }),
  };
}

/**
 * Every value of `spec` explicit and valid; throws an {@link OptionError} naming the first invalid
 * field. Idempotent.
 */
export function completeDetectorSpec(spec: DetectorSpec): CompleteDetectorSpec {
  rejectUnknownFields(DETECTOR_SCHEMA, spec);
  if (spec.seed === undefined) v.reject('seed', 'is required: every random draw of the run flows from it');
  const d = DETECTOR_DEFAULTS;
  const erasing = v.oneOf(spec.erasing ?? d.erasing, 'erasing', ERASING_ARMS);
  const complete: CompleteDetectorSpec = {
    trainScenes: v.integer(spec.trainScenes ?? d.trainScenes, 'trainScenes', { min: 1, max: MAX_SCENES }),
    testScenes: v.integer(spec.testScenes ?? d.testScenes, 'testScenes', { min: 1, max: MAX_SCENES }),
    sceneSeed: v.seed(spec.sceneSeed ?? d.sceneSeed, 'sceneSeed'),
    width: v.integer(spec.width ?? d.width, 'width', { min: 1 }),
    blocks: v.integer(spec.blocks ?? d.blocks, 'blocks', { min: 1 }),
    erasing,
    ...completeErasing(spec, erasing),
    flip: v.boolean(spec.flip ?? d.flip, 'flip'),
    ...completeSchedule(spec),
    ...completeOptimiser(spec),
    seed: v.seed(spec.seed),
  };
  return orderedFields(DETECTOR_SCHEMA, complete);
}

/** The detector spec as a {@link SpecSchema}. */
export const DETECTOR_SCHEMA: SpecSchema<DetectorSpec, CompleteDetectorSpec> = { scope: 'detector option', fields: DETECTOR_FIELDS, complete: completeDetectorSpec };

/** The run's id: 16 hex digits of the SHA-256 of its complete spec. */
export function detectorSpecHash(spec: CompleteDetectorSpec): string {
  return hashOfSpec(DETECTOR_SCHEMA, spec);
}

/** Fields in which two complete detector specs differ. */
export function detectorSpecDifferences(a: CompleteDetectorSpec, b: CompleteDetectorSpec): DetectorField[] {
  return differingFields(DETECTOR_SCHEMA, a, b) as DetectorField[];
}

/** The one resume rule (see `resumeSpec`) for detector runs. */
export function resumedDetectorSpec(saved: CompleteDetectorSpec, given: DetectorSpec, completedEpochs: number): CompleteDetectorSpec {
  return resumeSpec(DETECTOR_SCHEMA, saved, given, completedEpochs);
}

/** How a detector run executes: the classifier runtime's folder, backend, data folder and test batch (one thread, augmentation on it). */
export type DetectorRuntime = Pick<RunRuntime, 'checkpoint' | 'backend' | 'dataDir' | 'testBatch'>;
/** A detector runtime with its defaults. */
export type CompleteDetectorRuntime = DetectorRuntime & { checkpoint: string; testBatch: number };

/** Fields of a detector runtime. */
export const DETECTOR_RUNTIME_FIELDS = ['checkpoint', 'backend', 'dataDir', 'testBatch'] as const satisfies ReadonlyArray<keyof DetectorRuntime>;

/** Validate a detector runtime and fill in its defaults; errors name the field. */
export function completeDetectorRuntime(runtime: DetectorRuntime): CompleteDetectorRuntime {
  const unknown = Object.keys(runtime).find((key) => !(DETECTOR_RUNTIME_FIELDS as readonly string[]).includes(key));
  if (unknown) v.reject(unknown, `is not a detector runtime option (known: ${DETECTOR_RUNTIME_FIELDS.join(', ')}; a detector trains on one thread)`);
  const { checkpoint, backend, dataDir, testBatch } = completeRuntime({ ...runtime, threads: 1 });
  return { checkpoint, testBatch, ...(backend !== undefined ? { backend } : {}), ...(dataDir !== undefined ? { dataDir } : {}) };
}
