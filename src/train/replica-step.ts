/**
 * A training step on data-parallel replicas: the batch is split as {@link trainStep} splits it into
 * micro-batches; the main thread computes slice 0 while the replica workers compute the others from
 * the same weights (each slice in micro-batches of its own if the run has them) and with the dropout
 * masks the sequential path would draw; gradients are summed weighted by each slice's share in slice
 * order, BatchNorm running statistics merged as if updated slice after slice, and one SGD step taken
 * here.
 */
import { Rng, type RngState } from '../core/rng.js';
import type { Batch } from '../data/batch.js';
import { tf, type tfl } from '../tf/tf.js';
import { readDropoutRng, writeDropoutRng } from './model-state.js';
import type { ReplicaPool } from './replica-pool.js';
import type { ReplicaResult } from './replica-protocol.js';
import { mergeRunningStatistics, runningStatistics } from './running-stats.js';
import type { Sgd } from './sgd.js';
import { accumulate, batchGradients, sliceBatch, type BatchResult } from './step.js';

/** What a replica step needs besides the batch. */
export interface ReplicaStepContext {
  readonly model: tfl.LayersModel;
  readonly sgd: Sgd;
  readonly pool: ReplicaPool;
  readonly lr: number;
  readonly labelSmoothing: number;
  /** Samples per slice: ceil(batch size / replicas). */
  readonly sliceSize: number;
  /** Micro-batch size within each slice (the workers have it from their start); unset = whole slices. */
  readonly microBatch?: number;
}

/** The model's weights copied into one SharedArrayBuffer (sent to every worker) with a view per weight. */
function sharedWeights(model: tfl.LayersModel): { all: Float32Array; views: Float32Array[] } {
  const values = model.weights.map((w) => w.read().dataSync() as Float32Array);
  const all = new Float32Array(new SharedArrayBuffer(4 * values.reduce((n, v) => n + v.length, 0)));
  let offset = 0;
  const views = values.map((v) => {
    all.set(v, offset);
    offset += v.length;
    return all.subarray(offset - v.length, offset);
  });
  return { all, views };
}

/** Sample counts of the slices of a batch. */
function sliceCounts(count: number, sliceSize: number): number[] {
  return Array.from({ length: Math.ceil(count / sliceSize) }, (_, k) => Math.min(sliceSize, count - k * sliceSize));
}

/** Dropout generator states `calls` mask draws further on. */
function advanceDropout(states: readonly RngState[], calls: number): RngState[] {
  return states.map((state) => {
    const rng = Rng.fromState(state);
    for (let i = 0; i < calls; i++) rng.nextUint32();
    return rng.state();
  });
}

/**
 * Start slices 1.. on the workers (slice k on worker k-1), each with a copy of its samples and the
 * dropout generators where the sequential micro-batch path would have them: past the earlier slices'
 * `passes` (one mask per layer per micro-batch).
 */
function startRemote(pool: ReplicaPool, batch: Batch, sliceSize: number, weights: Float32Array, dropout: readonly RngState[], passes: readonly number[]): Array<Promise<ReplicaResult>> {
  const remote: Array<Promise<ReplicaResult>> = [];
  let calls = passes[0];
  for (let start = sliceSize, k = 0; start < batch.count; start += sliceSize, k++) {
    const part = sliceBatch(batch, start, Math.min(start + sliceSize, batch.count));
    remote.push(pool.run(k, { ...part, x: part.x.slice(), y: part.y.slice(), weights, dropout: advanceDropout(dropout, calls) }));
    calls += passes[k + 1];
  }
  return remote;
}

/** Await every slice, rejecting with the first failure only once none is left running. */
async function settleAll(remote: Array<Promise<ReplicaResult>>): Promise<ReplicaResult[]> {
  const settled = await Promise.allSettled(remote);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<ReplicaResult>).value);
}

/**
 * One step of {@link trainStep} with micro-batch `ctx.sliceSize` (each slice itself in micro-batches of
 * `ctx.microBatch` when set), its slices computed concurrently. The pool needs at least
 * ceil(batch / sliceSize) - 1 workers.
 */
export async function replicaStep(ctx: ReplicaStepContext, batch: Batch): Promise<BatchResult> {
  const { model, sliceSize } = ctx;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const before = sharedWeights(model);
  const passes = sliceCounts(batch.count, sliceSize).map((count) => Math.ceil(count / (ctx.microBatch ?? count)));
  const dropout = readDropoutRng(model);
  const remote = startRemote(ctx.pool, batch, sliceSize, before.all, dropout, passes);
  let local: ReturnType<typeof batchGradients>;
  try {
    local = batchGradients(model, variables, sliceBatch(batch, 0, Math.min(sliceSize, batch.count)), ctx.labelSmoothing, ctx.microBatch);
  } catch (error) {
    await Promise.allSettled(remote);
    throw error;
  }
  let sum = accumulate(null, local.grads, local.count / batch.count);
  try {
    const results = await settleAll(remote);
    const total = { count: batch.count, loss: local.loss * (local.count / batch.count), correct1: local.correct1, correct5: local.correct5 };
    for (const part of results) {
      const weight = part.count / batch.count;
      sum = accumulate(sum, part.grads.map((g, i) => tf.tensor(g, variables[i].shape, 'float32')), weight);
      total.loss += part.loss * weight;
      total.correct1 += part.correct1;
      total.correct5 += part.correct5;
    }
    const afterLocal = model.weights.map((w) => w.read().dataSync() as Float32Array);
    mergeRunningStatistics(model, runningStatistics(model), before.views, [afterLocal, ...results.map((r) => r.weights)], passes);
    writeDropoutRng(model, advanceDropout(dropout, passes.reduce((a, b) => a + b, 0)), 'replica step');
    if (Number.isFinite(total.loss)) ctx.sgd.step(sum, ctx.lr);
    return total;
  } finally {
    tf.dispose(sum);
  }
}
