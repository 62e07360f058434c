/**
 * An experiment whose runs train on queue workers (any number of machines): its grid is submitted as
 * jobs; with `wait`, their progress is shown until all have finished, and the same results folder as
 * a local grid is written from the jobs' results (the same specs train to the same weights, so the
 * numbers are a local grid's).
 */
import path from 'node:path';
import { Validator } from '../../core/validate.js';
import { completeSpec } from '../../train/run-spec.js';
import { prepareExperiment, reportExperiment, type ExperimentOptions, type ExperimentResult } from '../experiment.js';
import type { RunRecord } from '../runner.js';
import { runSpec } from '../train-executor.js';
import { openQueue, submitJobs, waitForJobs, type JobStatus, type Submission } from './grid-queue.js';
import type { QueueAddress } from './queue-url.js';
import { runJobOf, type RunJob } from './run-job.js';

/** Options of {@link runQueuedExperiment}. */
export interface QueuedExperimentOptions extends ExperimentOptions {
  readonly address: QueueAddress;
  /** Wait for every run, then write the results folder (default: submit and return). */
  readonly wait?: boolean;
  /** The workers' results folder, as mounted here: fig3 evaluates occlusion from the runs' checkpoints there. */
  readonly results?: string;
  /** Time between two looks at the queue while waiting (default 2,000 ms). */
  readonly intervalMs?: number;
}

/** What a queued experiment did: the submission, and with `wait` the results. */
export interface QueuedExperimentResult {
  readonly submission: Submission;
  readonly jobs: number;
  readonly result?: ExperimentResult;
}

/** A finished job as the grid record of one of its runs. */
function recordOf(job: RunJob, seed: number, status: JobStatus, results: string | undefined): RunRecord {
  const r = status.result!;
  const checkpoint = results === undefined ? r.checkpoint : path.join(results, r.checkpoint);
  return {
    id: job.label.id,
    seed,
    runId: job.runId,
    spec: job.spec,
    outcome: { finalError: r.finalError, bestError: r.bestError, epochs: r.epochs, checkpoint },
    seconds: r.seconds,
    finishedAt: new Date().toISOString(),
  };
}

/** The failures of a grid as one error naming each failed run and its error. */
function failureError(failed: readonly JobStatus[]): Error {
  return new Error(`${failed.length} run(s) failed: ${failed.map((s) => `${s.label}: ${s.error}`).join('; ')}; fix the cause and submit again to retry them`);
}

/** Submit an experiment's runs to the queue; with `wait`, wait for them and write the results folder. */
export async function runQueuedExperiment(options: QueuedExperimentOptions): Promise<QueuedExperimentResult> {
  if (options.name === 'fig3' && options.wait && options.results === undefined) {
    new Validator('experiment option').reject('results', 'fig3 over a queue evaluates occlusion from the runs\' checkpoints: give the workers\' results folder');
  }
  const log = options.log ?? (() => undefined);
  const prepared = prepareExperiment(options);
  const entries = prepared.grid.runs.flatMap((run) =>
    options.seeds.map((seed) => ({ seed, job: runJobOf(options.name, run, seed, completeSpec(runSpec(run, seed, prepared.budget))) })),
  );
  const queue = openQueue(options.address);
  try {
    const submission = await submitJobs(queue, entries.map((e) => e.job));
    log(`Queue ${options.address.display}: ${entries.length} runs, ${submission.added} added, ${submission.retried} failed ones retried, ${submission.present} already there`);
    if (!options.wait) return { submission, jobs: entries.length };
    const labels = new Map(entries.map((e) => [e.job.runId, `${e.job.label.id} seed ${e.seed}`]));
    const statuses = await waitForJobs(queue, labels, { intervalMs: options.intervalMs, signal: options.signal, onStatus: (lines) => log(lines.join('\n')) });
    const byId = new Map(statuses.map((s) => [s.runId, s]));
    const records = entries.filter((e) => byId.get(e.job.runId)?.state === 'completed').map((e) => recordOf(e.job, e.seed, byId.get(e.job.runId)!, options.results));
    const result = await reportExperiment(options, prepared, records);
    const failed = statuses.filter((s) => s.state === 'failed');
    if (failed.length > 0) throw failureError(failed);
    return { submission, jobs: entries.length, result };
  } finally {
    await queue.close();
  }
}

