/**
 * A training step whose micro-batches are spread over threads: the main thread and the replica
 * workers each take a block of consecutive micro-batches (the main thread the first), computed from
 * the same weights and with the dropout masks the one-thread step would draw. The main thread then
 * sums every micro-batch's gradients and applies every micro-batch's BatchNorm statistics in
 * micro-batch order, with the same operations as the one-thread step ({@link batchGradients}), and
 * takes one SGD step. So the weights after a step do not depend on the number of threads, bit for bit.
 */
import { Rng, type RngState } from '../core/rng.js';
import type { Batch } from '../data/batch.js';
import { TorchBatchNorm } from '../models/index.js';
import { tf, type tfl } from '../tf/tf.js';
import { readDropoutRng, writeDropoutRng } from './model-state.js';
import type { ReplicaPool } from './replica-pool.js';
import type { MicroBatchResult, RecordedStatistics, ReplicaResult } from './replica-protocol.js';
import type { Sgd } from './sgd.js';
import { addPart, batchGradients, sliceBatch, trainStep, type BatchResult } from './step.js';

/** What a replica step needs besides the batch. */
export interface ReplicaStepContext {
  readonly model: tfl.LayersModel;
  readonly sgd: Sgd;
  readonly pool: ReplicaPool;
  readonly lr: number;
  readonly labelSmoothing: number;
  /** Samples per micro-batch. */
  readonly microBatch: number;
}

/** The model's weights copied into one SharedArrayBuffer (sent to every worker). */
async function sharedWeights(model: tfl.LayersModel): Promise<Float32Array> {
  const values = (await Promise.all(model.weights.map((w) => w.read().data()))) as Float32Array[];
  const all = new Float32Array(new SharedArrayBuffer(4 * values.reduce((n, v) => n + v.length, 0)));
  let offset = 0;
  for (const v of values) {
    all.set(v, offset);
    offset += v.length;
  }
  return all;
}

/** Sizes of the micro-batches of a batch of `count` samples. */
export function microBatchSizes(count: number, microBatch: number): number[] {
  return Array.from({ length: Math.ceil(count / microBatch) }, (_, k) => Math.min(microBatch, count - k * microBatch));
}

/** `micro` micro-batches split into at most `threads` contiguous non-empty blocks, as even as possible, larger ones first: [first, end) indices. */
export function blocksOf(micro: number, threads: number): Array<[number, number]> {
  const used = Math.min(micro, threads);
  const blocks: Array<[number, number]> = [];
  for (let t = 0, first = 0; t < used; t++) {
    const size = Math.floor(micro / used) + (t < micro % used ? 1 : 0);
    blocks.push([first, first + size]);
    first += size;
  }
  return blocks;
}

/** Dropout generator states `calls` mask draws further on. */
function advanceDropout(states: readonly RngState[], calls: number): RngState[] {
  return states.map((state) => {
    const rng = Rng.fromState(state);
    for (let i = 0; i < calls; i++) rng.nextUint32();
    return rng.state();
  });
}

/** Start the blocks after the first on the workers (block k on worker k-1), each from its micro-batch's dropout positions. */
async function startRemote(ctx: ReplicaStepContext, batch: Batch, sizes: readonly number[], blocks: ReadonlyArray<[number, number]>, dropout: readonly RngState[]): Promise<Array<Promise<ReplicaResult>>> {
  const weights = await sharedWeights(ctx.model);
  return blocks.slice(1).map(([first, end], k) => {
    const start = sizes.slice(0, first).reduce((a, b) => a + b, 0);
    const part = sliceBatch(batch, start, start + sizes.slice(first, end).reduce((a, b) => a + b, 0));
    return ctx.pool.run(k, { ...part, x: part.x.slice(), y: part.y.slice(), weights, dropout: advanceDropout(dropout, first), sizes: sizes.slice(first, end) });
  });
}

/** Await every block, rejecting with the first failure only once none is left running. */
async function settleAll(remote: Array<Promise<ReplicaResult>>): Promise<ReplicaResult[]> {
  const settled = await Promise.allSettled(remote);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<ReplicaResult>).value);
}

/** Apply a remote micro-batch's BatchNorm statistics to the model's running averages, in call order. */
function applyStatistics(layers: ReadonlyMap<string, TorchBatchNorm>, statistics: readonly RecordedStatistics[]): void {
  for (const s of statistics) {
    const layer = layers.get(s.layer);
    if (!layer) throw new Error(`replica step: the model has no BatchNorm layer '${s.layer}'`);
    tf.tidy(() => layer.updateRunning(tf.tensor1d(s.mean), tf.tensor1d(s.variance), s.count));
  }
}

/** A remote micro-batch's gradients as tensors of the variables' shapes. */
function partTensors(part: MicroBatchResult, variables: readonly tf.Variable[]): BatchResult & { grads: tf.Tensor[] } {
  return { ...part, grads: part.grads.map((g, i) => tf.tensor(g, variables[i].shape, 'float32')) };
}

/**
 * One step of {@link trainStep} with micro-batches of `ctx.microBatch`, its micro-batches computed on
 * the main thread and `ctx.pool`'s workers. Every layer that normalises must be a {@link TorchBatchNorm}.
 */
export async function replicaStep(ctx: ReplicaStepContext, batch: Batch): Promise<BatchResult> {
  const { model } = ctx;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const sizes = microBatchSizes(batch.count, ctx.microBatch);
  const blocks = blocksOf(sizes.length, ctx.pool.size + 1);
  if (blocks.length === 1) return trainStep(model, ctx.sgd, batch, ctx.lr, ctx.labelSmoothing, ctx.microBatch);
  const dropout = readDropoutRng(model);
  const remote = await startRemote(ctx, batch, sizes, blocks, dropout);
  // A block failing while the main thread computes is reported by settleAll below, not as unhandled.
  for (const block of remote) block.catch(() => undefined);
  let local: Awaited<ReturnType<typeof batchGradients>>;
  try {
    local = await batchGradients(model, variables, batch, ctx.labelSmoothing, ctx.microBatch, sizes.slice(0, blocks[0][1]).reduce((a, b) => a + b, 0));
  } catch (error) {
    await Promise.allSettled(remote);
    throw error;
  }
  const total = { count: batch.count, loss: local.loss, correct1: local.correct1, correct5: local.correct5 };
  let sum = local.grads;
  try {
    const layers = new Map(model.layers.filter((l): l is TorchBatchNorm => l instanceof TorchBatchNorm).map((l) => [l.name, l]));
    for (const result of await settleAll(remote)) {
      for (const part of result.parts) {
        sum = addPart(sum, total, partTensors(part, variables), batch.count);
        applyStatistics(layers, part.statistics);
      }
    }
    writeDropoutRng(model, advanceDropout(dropout, sizes.length), 'replica step');
    if (Number.isFinite(total.loss)) ctx.sgd.step(sum, ctx.lr);
    return total;
  } finally {
    tf.dispose(sum);
  }
}
