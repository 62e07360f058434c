/**
 * The detection experiment's grid (the paper's section on object detection): four arms, no erasing,
 * IRE, ORE and I+ORE, each trained per seed with `trainDetector` on the same scenes, then its final
 * model scored on the clean test scenes and on occluded copies of them (one random rectangle per
 * image at each occlusion level, the same images for every model). A run's spec is the detector spec
 * with the scoring settings, so a finished run is reused only when both are the same.
 */
import { createHash } from 'node:crypto';
import { Validator } from '../core/validate.js';
import type { DetectionDataset } from '../data/detection/dataset.js';
import { occludeDetection } from '../data/detection/occluded.js';
import { setupBackend } from '../tf/backend.js';
import { detectAll, scoreDetections, type DetectionScores } from '../train/detection/detector-eval.js';
import {
  completeDetectorSpec,
  detectorSpecDifferences,
  ERASING_ARMS,
  type CompleteDetectorSpec,
  type DetectorRuntime,
  type DetectorSpec,
  type ErasingArm,
} from '../train/detection/detector-spec.js';
import { loadDetectorScenes, trainDetector, type DetectorData } from '../train/detection/detector-trainer.js';
import type { ProgressMode } from '../train/progress.js';
import { runPaths } from '../train/run-folder.js';
import { canonicalJson } from '../train/spec-schema.js';
import type { GridExecutor, SpecIdentity } from './runner.js';
import { exists, GridInterrupted } from './train-executor.js';

/** One arm of the grid. */
export interface DetectionArm {
  /** Filesystem-safe id, e.g. `detection_i-ore`. */
  readonly id: string;
  readonly erasing: ErasingArm;
  /** The paper's name: Baseline, IRE, ORE, I+ORE. */
  readonly label: string;
}

/** The four arms in the paper's order. */
export const DETECTION_ARMS: readonly DetectionArm[] = ERASING_ARMS.map((erasing) => {
  const label = { none: 'Baseline', image: 'IRE', object: 'ORE', 'image+object': 'I+ORE' }[erasing];
  return { id: `detection_${label.toLowerCase().replace('+', '-')}`, erasing, label };
});

/** How every run's final model is scored. */
export interface DetectionScoring {
  /** Occlusion levels (fractions of the image area) of the test scenes; 0 is the clean set. */
  readonly levels: readonly number[];
  /** Seed of the occluding rectangles. */
  readonly occlusionSeed: number;
}

/** Default occlusion levels. */
export const DETECTION_LEVELS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5];

/** The spec a grid run computes: the detector's and how it is scored. */
export interface DetectionRunSpec {
  readonly detector: CompleteDetectorSpec;
  readonly scoring: DetectionScoring;
}

/** The scores of one run at one occlusion level. */
export interface LevelScores extends DetectionScores {
  readonly level: number;
}

/** What a finished run reports. */
export interface DetectionOutcome {
  readonly epochs: number;
  /** Its final checkpoint. */
  readonly checkpoint: string;
  /** One entry per level, in the scoring's order. */
  readonly scores: readonly LevelScores[];
}

/** Fields every run of the grid shares: the detector spec but the arm and the seed. */
export type DetectionBudget = Omit<DetectorSpec, 'erasing' | 'seed'>;

/** Budget fields that only arms with erasing take. */
const ERASING_FIELDS = ['p', 'sl', 'sh', 'r1'] as const;

const v = new Validator('experiment option');

/** Check occlusion levels: at least one, each in [0, 1), none repeated. */
export function checkDetectionLevels(levels: readonly number[]): void {
  if (levels.length === 0) v.reject('levels', 'give at least one occlusion level');
  levels.forEach((level, i) => v.number(level, `levels[${i}]`, { min: 0, max: 1, maxExclusive: true }));
  if (new Set(levels).size !== levels.length) v.reject('levels', `levels repeat (${levels.join(', ')})`);
}

/** The detector spec of one arm and seed. */
export function detectionRunSpec(arm: DetectionArm, seed: number, budget: DetectionBudget): DetectorSpec {
  const shared: DetectorSpec = { ...budget };
  if (arm.erasing === 'none') for (const field of ERASING_FIELDS) delete shared[field];
  return { ...shared, erasing: arm.erasing, seed };
}

/** The grid specs' identity: the hash of the canonical JSON, the differing detector and scoring fields. */
export const DETECTION_IDENTITY: SpecIdentity<DetectionRunSpec> = {
  hash: (spec) => createHash('sha256').update(canonicalJson({ detector: completeDetectorSpec(spec.detector), scoring: spec.scoring })).digest('hex').slice(0, 16),
  differences: (then, now) => [
    ...detectorSpecDifferences(then.detector, now.detector).map((field) => ({ field, then: then.detector[field], now: now.detector[field] })),
    ...(['levels', 'occlusionSeed'] as const)
      .filter((f) => canonicalJson(then.scoring[f]) !== canonicalJson(now.scoring[f]))
      .map((field) => ({ field, then: then.scoring[field], now: now.scoring[field] })),
  ],
};

/** Score a model on the clean test set and each occluded copy. */
async function scoreLevels(model: Parameters<typeof detectAll>[0], test: DetectionDataset, scoring: DetectionScoring, batch: number): Promise<LevelScores[]> {
  const scores: LevelScores[] = [];
  for (const level of scoring.levels) {
    const dataset = level === 0 ? test : occludeDetection(test, level, scoring.occlusionSeed);
    scores.push({ level, ...scoreDetections(dataset, await detectAll(model, dataset, batch)) });
  }
  return scores;
}

/** Options of {@link detectionExecutor}. */
export interface DetectionExecutorOptions {
  readonly budget: DetectionBudget;
  readonly scoring: DetectionScoring;
  /** How every run executes; the folder is the run's. */
  readonly runtime?: Omit<DetectorRuntime, 'checkpoint'>;
  readonly progress?: ProgressMode;
  /** Abort to stop the current run at a safe point (it then throws {@link GridInterrupted}). */
  readonly signal?: AbortSignal;
  /** The scenes, instead of the budget's (loaded once for every run otherwise). */
  readonly data?: DetectorData;
}

/** A {@link GridExecutor} training each arm and seed with `trainDetector` (resuming its folder's checkpoint), then scoring it. */
export function detectionExecutor(options: DetectionExecutorOptions): GridExecutor<DetectionArm, DetectionRunSpec, DetectionOutcome> {
  let data: DetectorData | undefined = options.data;
  let backend: Promise<unknown> | undefined;
  const testBatch = options.runtime?.testBatch ?? 100;
  return {
    describe: (arm, seed) => ({ detector: completeDetectorSpec(detectionRunSpec(arm, seed, options.budget)), scoring: options.scoring }),
    async execute(arm, seed, dir) {
      const spec = completeDetectorSpec(detectionRunSpec(arm, seed, options.budget));
      await (backend ??= setupBackend({ backend: options.runtime?.backend }));
      data ??= await loadDetectorScenes(spec, options.runtime?.dataDir);
      const paths = runPaths(dir);
      const resume = (await exists(paths.checkpoint)) ? paths.checkpoint : undefined;
      const request = { spec: detectionRunSpec(arm, seed, options.budget), runtime: { ...options.runtime, checkpoint: dir }, resume };
      const result = await trainDetector(request, { progress: options.progress ?? 'silent', signal: options.signal, data, keepModel: true });
      const model = result.model;
      try {
        if (result.interrupted) throw new GridInterrupted(dir, await exists(paths.checkpoint));
        const scores = await scoreLevels(model as NonNullable<typeof model>, data.test, options.scoring, testBatch);
        return { epochs: result.epochs, checkpoint: paths.checkpoint, scores };
      } finally {
        model?.dispose();
      }
    },
  };
}
