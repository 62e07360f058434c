/**
 * `runExperiment`: one of the paper's experiments end to end. Builds the grid, trains every run for
 * every seed (resumably), aggregates, writes the results directory (runs.csv, summary.csv,
 * results.md, results.svg/png; for fig3 also occlusion.csv/md/svg/png) and returns the summaries.
 */
import type { OcclusionPoint } from '../train/occlusion.js';
import type { ProgressMode } from '../train/progress.js';
import type { RunRuntime } from '../train/run-runtime.js';
import { Validator } from '../core/validate.js';
import { formatSummary } from './aggregate.js';
import { describeBudget, withSchedule } from './budget.js';
import { writeOcclusionFigure, type OcclusionSettings } from './fig3.js';
import { buildGrid, type ExperimentGrid, type ExperimentName } from './grids.js';
import type { ModelChoice } from './models.js';
import { summarizeGrid, writeGridReport, type GridReportFiles, type RunSummary } from './report.js';
import { runGrid, type GridEntry, type GridEvent, type RunOutcome, type RunRecord } from './runner.js';
import { trainExecutor, type GridBudget } from './train-executor.js';

/** Options of {@link runExperiment}. */
export interface ExperimentOptions {
  readonly name: ExperimentName;
  readonly datasets: readonly string[];
  readonly models: readonly ModelChoice[];
  readonly seeds: readonly number[];
  readonly outDir: string;
  readonly budget: GridBudget;
  /** How every run executes (threads, data workers, backend, data location, test batch). */
  readonly runtime?: Omit<RunRuntime, 'checkpoint'>;
  /** fig3 only: the occlusion evaluation. */
  readonly occlusion?: OcclusionSettings;
  /** Progress of each training run (default `silent`). */
  readonly progress?: ProgressMode;
  readonly signal?: AbortSignal;
  /** Receives one line per grid event (default: nothing). */
  readonly log?: (line: string) => void;
}

/** What an experiment produced. */
export interface ExperimentResult {
  readonly budget: string;
  readonly summaries: readonly RunSummary[];
  /** fig3: the seed-averaged error of each variant at each occlusion level. */
  readonly occlusion?: readonly OcclusionPoint[];
  readonly files: GridReportFiles & { occlusion?: { csv: string; markdown: string; chart: { svg: string; png: string } } };
}

function minutes(seconds: number): string {
  return seconds < 90 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`;
}

/** What a finished classifier run scored. */
const errorText = (o: RunOutcome) => `test error ${o.finalError.toFixed(2)}% (best ${o.bestError.toFixed(2)}%)`;

/** A console line for a grid event; `outcome` says what a finished run scored (default: a classifier's test error). */
export function describeEvent<R extends GridEntry, S, O>(event: GridEvent<R, S, O>, outcome: (o: O) => string = errorText as unknown as (o: O) => string): string {
  const at = `[${event.index + 1}/${event.total}]`;
  if (event.type === 'skip') return `${at} ${event.record.id} seed ${event.record.seed}: finished earlier, skipped`;
  if (event.type === 'start') {
    const eta = event.etaSeconds === null ? '' : ` (grid ETA ${minutes(event.etaSeconds)})`;
    return `${at} ${event.run.id} seed ${event.seed}: training${eta}`;
  }
  return `${at} ${event.record.id} seed ${event.record.seed}: ${outcome(event.record.outcome)} in ${minutes(event.record.seconds)}`;
}

/** An experiment's grid and budget, checked, ready to train or submit. */
export interface PreparedExperiment {
  readonly grid: ExperimentGrid;
  readonly budget: GridBudget;
  readonly budgetText: string;
}

/** Build the grid and the budget of an experiment (the schedule scaled to the epochs) and log them. */
export function prepareExperiment(options: ExperimentOptions): PreparedExperiment {
  const grid = buildGrid(options.name, { datasets: options.datasets, models: options.models });
  if (options.name === 'fig3' && !options.occlusion) new Validator('experiment option').reject('occlusion', 'fig3 needs occlusion settings');
  const budget = withSchedule(options.budget);
  const budgetText = describeBudget(budget, options.seeds);
  options.log?.(`${grid.title}\nBudget: ${budgetText}\nResults: ${options.outDir}`);
  return { grid, budget, budgetText };
}

/** Evaluate occlusion (fig3), write the results folder and log the summaries of a grid's records. */
export async function reportExperiment(options: ExperimentOptions, prepared: PreparedExperiment, records: readonly RunRecord[]): Promise<ExperimentResult> {
  const log = options.log ?? (() => undefined);
  const { grid, budgetText } = prepared;
  const occlusion = options.occlusion ? await writeOcclusionFigure(options.outDir, grid, records, options.occlusion, log) : undefined;
  const extra = occlusion ? '## Test error under occlusion\n\nSee [occlusion.md](occlusion.md).\n\n![occlusion](occlusion.png)\n' : '';
  const files = await writeGridReport(options.outDir, grid, records, budgetText, extra);
  const summaries = summarizeGrid(grid, records);
  for (const s of summaries) {
    const paper = s.run.paper ? ` (paper ${s.run.paper.mean.toFixed(2)})` : '';
    log(`${s.run.datasetLabel} ${s.run.model.label} ${s.run.variant}: ${formatSummary(s.final)}%${paper}`);
  }
  return { budget: budgetText, summaries, occlusion: occlusion?.points, files: { ...files, ...(occlusion ? { occlusion: occlusion.files } : {}) } };
}

/** Run an experiment of the paper on this machine and write its results directory. */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const prepared = prepareExperiment(options);
  const executor = trainExecutor({ budget: prepared.budget, runtime: options.runtime, progress: options.progress, signal: options.signal });
  const records = await runGrid({
    runs: prepared.grid.runs,
    seeds: options.seeds,
    outDir: options.outDir,
    executor,
    onEvent: (event) => options.log?.(describeEvent(event)),
  });
  return reportExperiment(options, prepared, records);
}
