/**
 * A queue worker: pulls training jobs from a grid's BullMQ queue, checks each before anything runs,
 * trains it in a thread of its own in `<results>/runs/<runId>/` (resuming the checkpoint a dead or
 * stopped worker left there), reports every epoch as the job's progress and returns the run's
 * figures as the job's result. Stopping (Ctrl-C) checkpoints the running jobs and hands them back
 * to the queue. A worker killed outright loses its lock; BullMQ's stalled-job check then gives the
 * job to another worker, which resumes it from the last checkpoint.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Worker as Thread } from 'node:worker_threads';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { startWorker } from '../../data/worker-pool.js';
import { writeFileAtomic } from '../../train/atomic-write.js';
import { runPaths } from '../../train/run-folder.js';
import { coreCount, type RunRuntime } from '../../train/run-runtime.js';
import { exists } from '../../data/files.js';
import { STOP, type JobThreadInit, type JobThreadMessage } from './job-protocol.js';
import { connectionOf, type QueueAddress } from './queue-url.js';
import { parseRunJob, QUEUE_NAME, runFolder, type RunJob, type RunJobResult } from './run-job.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  readonly address: QueueAddress;
  /** The results folder every machine mounts: runs are trained in `<results>/runs/<runId>/`. */
  readonly results: string;
  /** Jobs trained at once, each in its own thread (default 1). */
  readonly concurrency?: number;
  /** How each job runs; `threads` defaults to the cores divided among the concurrent jobs. */
  readonly runtime?: Omit<RunRuntime, 'checkpoint'>;
  /** The folder under which folder datasets of jobs may lie; without it only built-in datasets are taken. */
  readonly dataRoot?: string;
  /** How long a job's lock lives without renewal, in ms (default 30,000): a dead worker's jobs return after it. */
  readonly lockDuration?: number;
  /** How often stalled jobs are looked for, in ms (default 30,000). */
  readonly stalledInterval?: number;
  readonly log?: (line: string) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** Checkpoint the running jobs, hand them back to the queue and stop. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped. */
  readonly closed: Promise<void>;
}

/** Times a job may stall (its worker lost) before it is marked failed. */
export const MAX_STALLS = 3;

/** The threads each job trains with when none are given: the cores shared among the concurrent jobs. */
function threadsPerJob(options: QueueWorkerOptions): number {
  return options.runtime?.threads ?? Math.max(1, Math.floor(coreCount() / (options.concurrency ?? 1)));
}

type ThreadOutcome = Extract<JobThreadMessage, { type: 'done' | 'interrupted' }>;

/** Train a job in a thread; `onEpoch` sees each epoch; `stopping` asks it to checkpoint and stop. */
function trainInThread(init: JobThreadInit, onEpoch: (message: Extract<JobThreadMessage, { type: 'epoch' }>) => void, stopping: AbortSignal): Promise<ThreadOutcome> {
  const thread: Thread = startWorker(import.meta.url, 'job-thread', init);
  const stop = () => thread.postMessage(STOP);
  stopping.addEventListener('abort', stop, { once: true });
  if (stopping.aborted) stop();
  return new Promise<ThreadOutcome>((resolve, reject) => {
    thread.on('message', (message: JobThreadMessage) => {
      if (message.type === 'epoch') onEpoch(message);
      else if (message.type === 'error') reject(Object.assign(new Error(message.message), { stack: message.stack }));
      else resolve(message);
    });
    thread.on('error', reject);
    thread.on('exit', (code) => reject(new Error(`the training thread exited with code ${code}`)));
  }).finally(() => {
    stopping.removeEventListener('abort', stop);
    void thread.terminate();
  });
}

function describeJob(job: RunJob): string {
  return `${job.runId} (${job.label.experiment} ${job.label.id} seed ${job.label.seed})`;
}

/** The job's result: the run's figures and its checkpoint relative to the results folder; also kept as result.json in the run folder. */
async function finish(job: RunJob, dir: string, outcome: Extract<JobThreadMessage, { type: 'done' }>, started: number, results: string): Promise<RunJobResult> {
  const result: RunJobResult = {
    runId: job.runId,
    finalError: outcome.finalError,
    bestError: outcome.bestError,
    epochs: outcome.epochs,
    seconds: (Date.now() - started) / 1000,
    checkpoint: path.relative(results, runPaths(dir).checkpoint),
  };
  await writeFileAtomic(path.join(dir, 'result.json'), `${JSON.stringify({ ...result, spec: job.spec, label: job.label }, null, 2)}\n`);
  return result;
}

/** Start a worker on the queue at `options.address`. */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const log = options.log ?? (() => undefined);
  const stopping = new AbortController();
  const runtime = { ...options.runtime, threads: threadsPerJob(options) };
  const processor = async (job: Job, token?: string): Promise<RunJobResult> => {
    let parsed: RunJob;
    try {
      parsed = await parseRunJob(job.name, job.id, job.data, options.dataRoot);
    } catch (error) {
      log(`job ${job.id}: refused: ${(error as Error).message}`);
      throw new UnrecoverableError((error as Error).message);
    }
    const dir = runFolder(options.results, parsed.runId);
    await mkdir(dir, { recursive: true });
    const checkpoint = runPaths(dir).checkpoint;
    const resume = (await exists(checkpoint)) ? checkpoint : undefined;
    log(`job ${describeJob(parsed)}: ${resume ? 'resuming from its checkpoint' : 'training'} (attempt ${job.attemptsStarted})`);
    const started = Date.now();
    const onEpoch = ({ record, epochs }: { record: { epoch: number; trainLoss: number; trainTop1: number; testTop1: number; bestAcc: number }; epochs: number }) =>
      void job.updateProgress({ epoch: record.epoch, epochs, trainLoss: record.trainLoss, trainTop1: record.trainTop1, testTop1: record.testTop1, bestAcc: record.bestAcc });
    const outcome = await trainInThread({ spec: parsed.spec, runtime: { ...runtime, checkpoint: dir }, resume }, onEpoch, stopping.signal);
    if (outcome.type === 'interrupted') {
      log(`job ${describeJob(parsed)}: checkpointed and handed back to the queue`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const result = await finish(parsed, dir, outcome, started, options.results);
    log(`job ${describeJob(parsed)}: done, test error ${result.finalError.toFixed(2)}% (best ${result.bestError.toFixed(2)}%)`);
    return result;
  };
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: connectionOf(options.address),
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: MAX_STALLS,
  });
  worker.on('failed', (job, error) => {
    if (job && !(error instanceof WaitingError)) log(`job ${job.id}: failed (attempt ${job.attemptsMade}): ${error.message}`);
  });
  worker.on('error', (error) => log(`queue: ${error.message}`));
  let closing: Promise<void> | null = null;
  const closed = new Promise<void>((resolve) => worker.on('closed', () => resolve()));
  return {
    closed,
    stop() {
      stopping.abort();
      closing ??= worker.close();
      return closing;
    },
  };
}
