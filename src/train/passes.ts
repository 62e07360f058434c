/**
 * Passes over a data source: a training epoch (resumable part-way, interruptible after any batch) and
 * an evaluation pass. Both report to a progress reporter with the seed's figures (average data and
 * batch time, running loss, top-1 and top-5).
 */
import type { Batch } from '../data/batch.js';
import { performance } from 'node:perf_hooks';
import { tf, type tfl } from '../tf/tf.js';
import type { PartialEpoch } from './checkpoint.js';
import { RunningMetrics } from './metrics.js';
import { isOutOfMemory, OutOfMemoryError } from './out-of-memory.js';
import type { PassStatus, ProgressReporter } from './progress.js';
import type { ReplicaPool } from './replica-pool.js';
import { replicaStep } from './replica-step.js';
import type { Sgd } from './sgd.js';
import { evalStep, trainStep, type BatchResult } from './step.js';

/** Batches of one epoch at a time (the data loader's shape). */
export interface BatchSource {
  readonly batchesPerEpoch: number;
  epoch(epoch: number): AsyncIterable<Batch>;
}

/** Loss and accuracy (percent) of a pass. */
export interface PassMetrics {
  readonly loss: number;
  readonly top1: number;
  readonly top5: number;
  readonly count: number;
}

/** The training loss became NaN or infinite. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly loss: number,
  ) {
    super(`training loss became ${loss} at epoch ${epoch}, batch ${batch}; stopping (try a lower \`lr\`)`);
    this.name = 'NonFiniteLossError';
  }
}

/** Outcome of a training epoch: complete, or stopped by the signal with its partial state. */
export type EpochOutcome =
  | { readonly complete: true; readonly metrics: PassMetrics; readonly seconds: number }
  | { readonly complete: false; readonly partial: PartialEpoch };

/** Lets signal handlers and timers run between batches, even when the loader never waits on I/O. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

class PassTimer {
  private last = performance.now();
  private dataSum = 0;
  private batchSum = 0;
  private batches = 0;

  /** Mark the batch's data as ready. */
  dataReady(): void {
    this.dataSum += (performance.now() - this.last) / 1000;
  }

  /** Mark the batch as done. */
  batchDone(): void {
    const now = performance.now();
    this.batchSum += (now - this.last) / 1000;
    this.batches++;
    this.last = now;
  }

  /** Restart the clock without counting the time (skipped batches). */
  skip(): void {
    this.last = performance.now();
  }

  status(meter: RunningMetrics, done: number, total: number): PassStatus {
    const n = Math.max(this.batches, 1);
    return { done, total, loss: meter.loss, top1: meter.top1, top5: meter.top5, dataTime: this.dataSum / n, batchTime: this.batchSum / n };
  }
}

const metricsOf = (m: RunningMetrics): PassMetrics => ({ loss: m.loss, top1: m.top1, top5: m.top5, count: m.count });

/** What a training epoch needs. */
export interface TrainEpochContext {
  readonly model: tfl.LayersModel;
  readonly sgd: Sgd;
  readonly source: BatchSource;
  readonly lr: number;
  readonly labelSmoothing: number;
  /** BatchNorm micro-batch size of each step (see {@link trainStep}). */
  readonly microBatch: number;
  /** Replica workers sharing each step's micro-batches (see {@link replicaStep}); unset = on this thread only. */
  readonly pool?: ReplicaPool;
  readonly reporter: ProgressReporter;
  readonly signal?: AbortSignal;
}

/** {@link trainStep} on `batch`, turning a backend allocation failure into an {@link OutOfMemoryError}. */
async function guardedStep(ctx: TrainEpochContext, batch: Batch): Promise<BatchResult> {
  try {
    if (ctx.pool) return await replicaStep({ ...ctx, pool: ctx.pool }, batch);
    return await trainStep(ctx.model, ctx.sgd, batch, ctx.lr, ctx.labelSmoothing, ctx.microBatch);
  } catch (error) {
    if (isOutOfMemory(error)) throw new OutOfMemoryError(batch.count, tf.getBackend(), ctx.microBatch, { cause: error });
    throw error;
  }
}

/**
 * Train one epoch (0-based `epoch`). With `resumeFrom`, its first `batches` batches are read but not
 * trained and its totals continue. When `signal` aborts, stops after the current batch.
 */
export async function trainEpoch(ctx: TrainEpochContext, epoch: number, resumeFrom: PartialEpoch | null): Promise<EpochOutcome> {
  const start = performance.now() - (resumeFrom?.seconds ?? 0) * 1000;
  const meter = resumeFrom ? RunningMetrics.from(resumeFrom) : new RunningMetrics();
  const skip = resumeFrom?.batches ?? 0;
  const total = ctx.source.batchesPerEpoch;
  const timer = new PassTimer();
  ctx.reporter.passStart('train', total, skip);
  let index = 0;
  for await (const batch of ctx.source.epoch(epoch)) {
    if (index < skip) {
      index++;
      timer.skip();
      continue;
    }
    timer.dataReady();
    const result = await guardedStep(ctx, batch);
    if (!Number.isFinite(result.loss)) throw new NonFiniteLossError(epoch + 1, index + 1, result.loss);
    meter.add(result.count, result.loss, result.correct1, result.correct5);
    index++;
    timer.batchDone();
    ctx.reporter.passUpdate(timer.status(meter, index, total));
    await yieldToEventLoop();
    if (ctx.signal?.aborted && index < total) {
      ctx.reporter.passEnd(timer.status(meter, index, total));
      return { complete: false, partial: { batches: index, ...meter.snapshot(), seconds: (performance.now() - start) / 1000 } };
    }
  }
  ctx.reporter.passEnd(timer.status(meter, index, total));
  return { complete: true, metrics: metricsOf(meter), seconds: (performance.now() - start) / 1000 };
}

/** {@link evalStep} on `batch`, turning a backend allocation failure into an {@link OutOfMemoryError}. */
async function guardedEval(model: tfl.LayersModel, batch: Batch): Promise<BatchResult> {
  try {
    return await evalStep(model, batch);
  } catch (error) {
    if (isOutOfMemory(error)) throw new OutOfMemoryError(batch.count, tf.getBackend(), batch.count, { cause: error, pass: 'test' });
    throw error;
  }
}

/** Test loss, top-1 and top-5 of `model` over one pass of `source` (inference mode). */
export async function evaluate(model: tfl.LayersModel, source: BatchSource, reporter: ProgressReporter): Promise<PassMetrics> {
  const meter = new RunningMetrics();
  const timer = new PassTimer();
  const total = source.batchesPerEpoch;
  reporter.passStart('test', total);
  let index = 0;
  for await (const batch of source.epoch(0)) {
    timer.dataReady();
    const result = await guardedEval(model, batch);
    meter.add(result.count, result.loss, result.correct1, result.correct5);
    index++;
    timer.batchDone();
    reporter.passUpdate(timer.status(meter, index, total));
    await yieldToEventLoop();
  }
  reporter.passEnd(timer.status(meter, index, total));
  return metricsOf(meter);
}
