/**
 * `runDetectionExperiment`: the paper's detection comparison end to end on generated scenes. Trains
 * the four arms (no erasing, IRE, ORE, I+ORE) for every seed (resumably: finished runs are reused,
 * an interrupted one resumes from its checkpoint), scores each final model on the clean and occluded
 * test scenes, aggregates over seeds and writes the results folder.
 */
import { describeEvent } from './experiment.js';
import {
  checkDetectionLevels,
  DETECTION_ARMS,
  DETECTION_IDENTITY,
  detectionExecutor,
  detectionRunSpec,
  type DetectionBudget,
  type DetectionOutcome,
  type DetectionScoring,
} from './detection-grid.js';
import { summarizeDetection, writeDetectionReport, type DetectionReportFiles, type DetectionSummary } from './detection-report.js';
import { checkSeeds, runGrid } from './runner.js';
import { Validator } from '../core/validate.js';
import { completeDetectorSpec, type DetectorRuntime } from '../train/detection/detector-spec.js';
import type { DetectorData } from '../train/detection/detector-trainer.js';
import type { ProgressMode } from '../train/progress.js';

/** Options of {@link runDetectionExperiment}. */
export interface DetectionExperimentOptions {
  readonly seeds: readonly number[];
  readonly outDir: string;
  /** The detector spec every run shares (not its arm or seed). */
  readonly budget: DetectionBudget;
  readonly scoring: DetectionScoring;
  /** The occluded level results.md shows beside the clean scenes (default 0.3 when scored, else the highest level). */
  readonly occludedLevel?: number;
  readonly runtime?: Omit<DetectorRuntime, 'checkpoint'>;
  readonly progress?: ProgressMode;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** Scenes to use instead of the budget's (tests). */
  readonly data?: DetectorData;
}

/** What the experiment produced. */
export interface DetectionExperimentResult {
  readonly budget: string;
  readonly summaries: readonly DetectionSummary[];
  readonly files: DetectionReportFiles;
}

/** The experiment's title. */
export const DETECTION_TITLE = 'Object detection: no erasing, IRE, ORE and I+ORE (CenterNet on Fashion-MNIST scenes)';

const v = new Validator('experiment option');

/** Check every option before any work: seeds, levels, and each arm's complete spec. */
export function checkDetectionExperiment(options: Pick<DetectionExperimentOptions, 'seeds' | 'budget' | 'scoring' | 'occludedLevel'>): void {
  checkSeeds(options.seeds);
  checkDetectionLevels(options.scoring.levels);
  v.seed(options.scoring.occlusionSeed, 'occlusionSeed');
  if (options.occludedLevel !== undefined && !options.scoring.levels.includes(options.occludedLevel)) {
    v.reject('occludedLevel', `must be one of the levels (${options.scoring.levels.join(', ')})`);
  }
  for (const arm of DETECTION_ARMS) completeDetectorSpec(detectionRunSpec(arm, options.seeds[0], options.budget));
}

/** One line saying exactly what each run trains and is scored with. */
export function describeDetectionBudget(budget: DetectionBudget, seeds: readonly number[], scoring: DetectionScoring): string {
  const spec = completeDetectorSpec(detectionRunSpec(DETECTION_ARMS[3], seeds[0], budget));
  const schedule = spec.schedule.length ? `×${spec.gamma} at epochs ${spec.schedule.join(', ')}` : 'constant';
  return [
    `${spec.trainScenes} train / ${spec.testScenes} test 64x64 scenes (scene seed ${spec.sceneSeed})`,
    `CenterNet w${spec.width} b${spec.blocks}, ${spec.epochs} epochs, batch ${spec.trainBatch}, SGD lr ${spec.lr} (${schedule}), momentum ${spec.momentum}, weight decay ${spec.weightDecay}, flip ${spec.flip ? 'on' : 'off'}`,
    `erasing arms: p ${spec.p}, area ${spec.sl}..${spec.sh}, aspect ${spec.r1}..${+(1 / (spec.r1 as number)).toFixed(2)}, uniform random fill (paper preset)`,
    `scored at occlusion ${scoring.levels.join(', ')} (occlusion seed ${scoring.occlusionSeed})`,
    `seeds ${seeds.join(', ')}`,
  ].join('; ');
}

function outcomeText(o: DetectionOutcome): string {
  const clean = o.scores.find((s) => s.level === 0) ?? o.scores[0];
  return `AP ${(clean.ap * 100).toFixed(2)}, AP50 ${(clean.ap50 * 100).toFixed(2)}, VOC07 AP50 ${(clean.voc07 * 100).toFixed(2)} (occlusion ${clean.level})`;
}

/** The default occluded level of results.md. */
function occludedLevelOf(options: DetectionExperimentOptions): number {
  if (options.occludedLevel !== undefined) return options.occludedLevel;
  const levels = options.scoring.levels;
  return levels.includes(0.3) ? 0.3 : Math.max(...levels);
}

/**
 * Run the detection experiment and write its results folder.
 *
 * @example
 * const result = await runDetectionExperiment({ seeds: [1, 2, 3], outDir: 'results/detection', budget: { epochs: 8 }, scoring: { levels: [0, 0.3], occlusionSeed: 0 } });
 */
export async function runDetectionExperiment(options: DetectionExperimentOptions): Promise<DetectionExperimentResult> {
  checkDetectionExperiment(options);
  const budget = describeDetectionBudget(options.budget, options.seeds, options.scoring);
  const log = options.log ?? (() => undefined);
  log(`${DETECTION_TITLE}\nBudget: ${budget}\nResults: ${options.outDir}`);
  const executor = detectionExecutor({ budget: options.budget, scoring: options.scoring, runtime: options.runtime, progress: options.progress, signal: options.signal, data: options.data });
  const records = await runGrid({
    runs: DETECTION_ARMS,
    seeds: options.seeds,
    outDir: options.outDir,
    executor,
    identity: DETECTION_IDENTITY,
    onEvent: (event) => log(describeEvent(event, outcomeText)),
  });
  const files = await writeDetectionReport(options.outDir, DETECTION_ARMS, options.scoring.levels, records, { title: DETECTION_TITLE, budget, occludedLevel: occludedLevelOf(options) });
  const summaries = summarizeDetection(DETECTION_ARMS, options.scoring.levels, records);
  for (const s of summaries.filter((x) => x.level === 0 || x.level === occludedLevelOf(options))) {
    log(`${s.arm.label} at occlusion ${s.level}: AP ${s.ap.mean.toFixed(2)}, AP50 ${s.ap50.mean.toFixed(2)}, VOC07 AP50 ${s.voc07.mean.toFixed(2)}`);
  }
  return { budget, summaries, files };
}
