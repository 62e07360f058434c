/**
 * Runs a grid of training runs, one per (configuration, seed), resumably. Each run trains in its own
 * directory `<out>/runs/<id>/seed-<seed>`; when it finishes, `result.json` is written atomically
 * there. On a rerun, finished runs are skipped (after checking they computed the same spec: its hash
 * is the run's id; how they ran, threads or backend, does not matter) and an interrupted run is
 * resumed by the executor from its checkpoint. Typed by the kind of run (a classifier's by default,
 * a detector's for the detection experiment): the grid's runs, their specs and their outcomes.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '../core/validate.js';
import { writeFileAtomic } from '../train/atomic-write.js';
import { specDifferences, specHash, type CompleteSpec } from '../train/run-spec.js';
import type { GridRun } from './grids.js';

/** What a finished run reports. Errors are percentages on the test set. */
export interface RunOutcome {
  /** Test error after the last epoch. */
  readonly finalError: number;
  /** Lowest test error over the epochs. */
  readonly bestError: number;
  readonly epochs: number;
  /** Path of the final weights, for evaluations after training (e.g. occlusion). */
  readonly checkpoint: string;
}

/** The record kept in `result.json` of a finished run. */
export interface RunRecord<S = CompleteSpec, O = RunOutcome> {
  readonly id: string;
  readonly seed: number;
  /** Hash of the complete spec (compared on rerun). */
  readonly runId: string;
  /** What the run computed. */
  readonly spec: S;
  readonly outcome: O;
  readonly seconds: number;
  readonly finishedAt: string;
}

/** A run of some grid: what the runner needs of it. */
export interface GridEntry {
  /** Unique, filesystem-safe id. */
  readonly id: string;
}

/** Trains one run; the runner owns bookkeeping, the executor owns training. */
export interface GridExecutor<R extends GridEntry = GridRun, S = CompleteSpec, O = RunOutcome> {
  /** The complete spec of a run; a finished run is reused only if its spec is the same. */
  describe(run: R, seed: number): S;
  /** Train (or resume, if `dir` holds a checkpoint) and report the outcome. */
  execute(run: R, seed: number, dir: string): Promise<O>;
}

/** A field in which two specs differ, with its value in each. */
export interface SpecDifference {
  readonly field: string;
  readonly then: unknown;
  readonly now: unknown;
}

/** How specs are told apart: the hash that is a run's id, and the fields two specs differ in. */
export interface SpecIdentity<S> {
  hash(spec: S): string;
  differences(then: S, now: S): readonly SpecDifference[];
}

/** The classifier run spec's identity (the default of {@link runGrid}). */
export const RUN_SPEC_IDENTITY: SpecIdentity<CompleteSpec> = {
  hash: specHash,
  differences: (then, now) => specDifferences(then, now).map((field) => ({ field, then: then[field], now: now[field] })),
};

/** Progress of a grid, reported before and after each run. */
export type GridEvent<R extends GridEntry = GridRun, S = CompleteSpec, O = RunOutcome> =
  | { readonly type: 'skip'; readonly index: number; readonly total: number; readonly record: RunRecord<S, O> }
  | { readonly type: 'start'; readonly index: number; readonly total: number; readonly run: R; readonly seed: number; readonly etaSeconds: number | null }
  | { readonly type: 'done'; readonly index: number; readonly total: number; readonly record: RunRecord<S, O> };

/** Options of {@link runGrid}. */
export interface RunGridOptions<R extends GridEntry = GridRun, S = CompleteSpec, O = RunOutcome> {
  readonly runs: readonly R[];
  readonly seeds: readonly number[];
  /** Results directory. */
  readonly outDir: string;
  readonly executor: GridExecutor<R, S, O>;
  /** How the specs are hashed and compared (default {@link RUN_SPEC_IDENTITY}; required for other specs). */
  readonly identity?: SpecIdentity<S>;
  readonly onEvent?: (event: GridEvent<R, S, O>) => void;
}

/** Directory of one run of the grid. */
export function runDirectory(outDir: string, runId: string, seed: number): string {
  return path.join(outDir, 'runs', runId, `seed-${seed}`);
}

/** Read a finished run's record, or null when the run has not finished. */
export async function readRecord<S = CompleteSpec, O = RunOutcome>(dir: string): Promise<RunRecord<S, O> | null> {
  const file = path.join(dir, 'result.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return JSON.parse(text) as RunRecord<S, O>;
  } catch {
    throw new Error(`${file} is not valid JSON; delete it to retrain that run`);
  }
}

function checkSameSpec<S, O>(record: RunRecord<S, O>, spec: S, dir: string, identity: SpecIdentity<S>): void {
  if (record.spec === undefined || record.runId === undefined) {
    throw new Error(`${dir} holds a finished run recorded by an earlier version (no run spec); delete that run folder to retrain it`);
  }
  if (record.runId !== identity.hash(spec)) {
    const fields = identity.differences(record.spec, spec).map((d) => `${d.field}: ${JSON.stringify(d.then)} then, ${JSON.stringify(d.now)} now`);
    throw new Error(
      `${dir} holds a finished run of another spec (${fields.join('; ')}); use another results folder or delete that run to retrain it`,
    );
  }
}

const v = new Validator('experiment option');

/** Seeds of a grid: at least one, each a valid seed, none repeated. */
export function checkSeeds(seeds: readonly number[]): void {
  if (seeds.length === 0) v.reject('seeds', 'give at least one seed');
  for (const seed of seeds) v.seed(seed, 'seeds');
  if (new Set(seeds).size !== seeds.length) v.reject('seeds', `seeds repeat (${seeds.join(', ')})`);
}

/** Run every (run, seed) of the grid in order, skipping finished ones. Returns all records. */
export async function runGrid<R extends GridEntry = GridRun, S = CompleteSpec, O = RunOutcome>(options: RunGridOptions<R, S, O>): Promise<RunRecord<S, O>[]> {
  checkSeeds(options.seeds);
  const identity = options.identity ?? (RUN_SPEC_IDENTITY as unknown as SpecIdentity<S>);
  const jobs = options.runs.flatMap((run) => options.seeds.map((seed) => ({ run, seed })));
  const records: RunRecord<S, O>[] = [];
  const trainedSeconds: number[] = [];
  for (const [index, { run, seed }] of jobs.entries()) {
    const dir = runDirectory(options.outDir, run.id, seed);
    const spec = options.executor.describe(run, seed);
    const existing = await readRecord<S, O>(dir);
    if (existing) {
      checkSameSpec(existing, spec, dir, identity);
      records.push(existing);
      options.onEvent?.({ type: 'skip', index, total: jobs.length, record: existing });
      continue;
    }
    const meanSeconds = trainedSeconds.length ? trainedSeconds.reduce((a, b) => a + b, 0) / trainedSeconds.length : null;
    const remaining = jobs.length - index;
    options.onEvent?.({ type: 'start', index, total: jobs.length, run, seed, etaSeconds: meanSeconds && meanSeconds * remaining });
    await mkdir(dir, { recursive: true });
    const started = Date.now();
    const outcome = await options.executor.execute(run, seed, dir);
    const seconds = (Date.now() - started) / 1000;
    trainedSeconds.push(seconds);
    const record: RunRecord<S, O> = { id: run.id, seed, runId: identity.hash(spec), spec, outcome, seconds, finishedAt: new Date().toISOString() };
    await writeFileAtomic(path.join(dir, 'result.json'), `${JSON.stringify(record, null, 2)}\n`);
    records.push(record);
    options.onEvent?.({ type: 'done', index, total: jobs.length, record });
  }
  return records;
}
