/**
 * The demonstration of the paper's claim that `npm start` runs: ResNet-20 on real Fashion-MNIST,
 * trained without and with Random Erasing on the same budget (the fig3 grid, one seed), then both
 * models tested under growing occlusion; it says which model is more robust. Also writes a preview of
 * the erased training images and exports the Random Erasing model in TF.js layers format.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../train/checkpoint.js';
import { loadSplit, trainPipelineOf } from '../train/data-source.js';
import { exportLayersModel, modelFromCheckpoint, type ExportedFiles } from '../train/export.js';
import { DEFAULT_LEVELS, type OcclusionPoint } from '../train/occlusion.js';
import type { ProgressMode } from '../train/progress.js';
import { runPaths } from '../train/run-folder.js';
import type { RunRuntime } from '../train/run-runtime.js';
import { completeSpec } from '../train/run-spec.js';
import { runExperiment, type ExperimentResult } from './experiment.js';
import { buildGrid } from './grids.js';
import { parseModel } from './models.js';
import { runDirectory } from './runner.js';
import { runSpec, type GridBudget } from './train-executor.js';
import { writeTrainingPreview } from './training-preview.js';

/** The demo's budget: seeded subsets of Fashion-MNIST and a short step schedule (LR drops at 1/2 and 3/4). */
export const DEMO_BUDGET = { epochs: 4, trainSubset: 6400, testSubset: 2000 } as const;

const DATASET = 'fashion-mnist';
const MODEL = parseModel('resnet-20');

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly outDir: string;
  readonly budget?: Pick<GridBudget, 'epochs' | 'trainSubset' | 'testSubset'>;
  readonly seed: number;
  readonly runtime?: Omit<RunRuntime, 'checkpoint'>;
  readonly progress?: ProgressMode;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** What the demo produced. */
export interface DemoResult {
  readonly experiment: ExperimentResult;
  readonly preview: string;
  readonly exported: ExportedFiles;
  /** One sentence: which model resists occlusion better, with the figures. */
  readonly verdict: string;
}

const BASELINE = 'Baseline';
const ERASING = 'Random Erasing';

/**
 * Which model is more robust: the one with the lower error at most occlusion levels above 0 (and the
 * lower mean error over them); a tie or a split says so.
 */
export function robustnessVerdict(points: readonly OcclusionPoint[]): string {
  const errorAt = (model: string, level: number) => points.find((p) => p.model === model && p.level === level)?.error ?? Number.NaN;
  const levels = [...new Set(points.map((p) => p.level))].filter((l) => l > 0).sort((a, b) => a - b);
  if (levels.length === 0) return 'No occlusion level above 0 was evaluated.';
  const gaps = levels.map((l) => errorAt(BASELINE, l) - errorAt(ERASING, l));
  const wins = gaps.filter((g) => g > 0).length;
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const range = `occlusion ${levels[0]} to ${levels.at(-1)}`;
  // The occlusion images are their own seeded subset, so level 0 need not equal the runs' test error.
  const clean = `without occlusion on the same images ${errorAt(BASELINE, 0).toFixed(2)} % (baseline) vs ${errorAt(ERASING, 0).toFixed(2)} % (Random Erasing)`;
  if (wins > levels.length / 2 && mean > 0) {
    return `Random Erasing is more robust to occlusion: lower test error at ${wins} of ${levels.length} levels (${range}), by ${mean.toFixed(2)} points on average; ${clean}.`;
  }
  if (wins < levels.length / 2 && mean < 0) {
    return `The baseline is more robust to occlusion at this budget: lower test error at ${levels.length - wins} of ${levels.length} levels (${range}), by ${(-mean).toFixed(2)} points on average; ${clean}.`;
  }
  return `Neither model is consistently more robust at this budget: Random Erasing is better at ${wins} of ${levels.length} levels (${range}), mean difference ${mean.toFixed(2)} points; ${clean}.`;
}

/** Train the baseline and the Random Erasing model, evaluate them under occlusion and export the RE model. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  const budget = { ...DEMO_BUDGET, ...options.budget };
  const grid = buildGrid('fig3', { datasets: [DATASET], models: [MODEL] });
  const erasingRun = grid.runs.find((run) => run.settings.erasing);
  if (!erasingRun) throw new Error('the fig3 grid has no Random Erasing run');
  await mkdir(options.outDir, { recursive: true });
  const spec = completeSpec(runSpec(erasingRun, options.seed, budget));
  const preview = path.join(options.outDir, 'preview.png');
  await writeTrainingPreview(preview, await loadSplit(spec, options.runtime?.dataDir, 'train'), trainPipelineOf(spec), spec.seed);
  log(`Preview of erased training samples: ${preview}`);
  const experiment = await runExperiment({
    name: 'fig3',
    datasets: [DATASET],
    models: [MODEL],
    seeds: [options.seed],
    outDir: options.outDir,
    budget,
    runtime: options.runtime,
    occlusion: { levels: DEFAULT_LEVELS, seed: 0, testSubset: budget.testSubset, backend: options.runtime?.backend, dataDir: options.runtime?.dataDir },
    progress: options.progress,
    signal: options.signal,
    log,
  });
  const best = runPaths(runDirectory(options.outDir, erasingRun.id, options.seed)).best;
  const model = modelFromCheckpoint(await loadCheckpoint(best), best);
  const exported = await exportLayersModel(model, path.join(options.outDir, 'model')).finally(() => model.dispose());
  return { experiment, preview, exported, verdict: robustnessVerdict(experiment.occlusion ?? []) };
}
