/**
 * One optimisation step and one evaluation batch on a layers model. Values are read from the backend
 * asynchronously and once per step (every micro-batch's loss and ranks together), as a GPU backend
 * needs: webgpu cannot read synchronously in Node, and a read waits for the queued work.
 */
import type { Batch } from '../data/batch.js';
import { leanVariableGrads } from '../tf/lean-gradients.js';
import { tf, tfl } from '../tf/tf.js';
import { countCorrect, crossEntropy } from './metrics.js';
import type { Sgd } from './sgd.js';

/** Mean loss and correct counts of one batch. */
export interface BatchResult {
  readonly count: number;
  readonly loss: number;
  readonly correct1: number;
  readonly correct5: number;
}

/** The k of the correct counts (top-1, top-5). */
const TOP_KS = [1, 5] as const;

/** A micro-batch's mean loss and top-5 class ranks still on the backend, with its labels: read with {@link readFigures}. */
export interface PendingFigures {
  readonly count: number;
  readonly loss: tf.Scalar;
  readonly ranks: tf.Tensor2D;
  readonly labels: Int32Array;
}

function toTensors(batch: Batch): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return {
    x: tf.tensor4d(batch.x, [batch.count, batch.height, batch.width, batch.channels], 'float32'),
    y: tf.tensor1d(batch.y, 'int32'),
  };
}

/** Samples `start` to `end` (exclusive) of a batch, sharing its memory. */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  const size = batch.height * batch.width * batch.channels;
  return { ...batch, x: batch.x.subarray(start * size, end * size), y: batch.y.subarray(start, end), count: end - start };
}

/** The figures of a batch from its logits and mean loss (the loss is kept, the logits are not). */
function figuresOf(logits: tf.Tensor2D, loss: tf.Scalar, batch: Batch): PendingFigures {
  const { values, indices } = tf.topk(logits, Math.min(Math.max(...TOP_KS), logits.shape[1]));
  values.dispose();
  return { count: batch.count, loss, ranks: indices as tf.Tensor2D, labels: batch.y };
}

function disposeFigures(pending: readonly PendingFigures[]): void {
  tf.dispose(pending.flatMap((p) => [p.loss, p.ranks]));
}

/** Read the figures of micro-batches (one wait on the backend for all) and free their tensors. */
export async function readFigures(pending: readonly PendingFigures[]): Promise<BatchResult[]> {
  try {
    const values = await Promise.all(pending.flatMap((p) => [p.loss.data(), p.ranks.data()]));
    return pending.map((p, i) => {
      const [correct1, correct5] = countCorrect(values[2 * i + 1], p.ranks.shape[1], p.labels, TOP_KS);
      return { count: p.count, loss: values[2 * i][0], correct1, correct5 };
    });
  } finally {
    disposeFigures(pending);
  }
}

/**
 * Pending figures and weight gradients (in `variables` order) of one training-mode pass; nothing is
 * read from the backend. The gradients are those of `tf.variableGrads`, computed with a lower memory
 * peak ({@link leanVariableGrads}).
 */
export function gradientsOf(model: tfl.LayersModel, variables: tf.Variable[], batch: Batch, labelSmoothing: number): { figures: PendingFigures; grads: tf.Tensor[] } {
  const { x, y } = toTensors(batch);
  let logits: tf.Tensor2D | null = null;
  try {
    const { value, grads } = leanVariableGrads(() => {
      logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor2D);
      return crossEntropy(logits, y, labelSmoothing);
    }, variables);
    return { figures: figuresOf(logits as unknown as tf.Tensor2D, value, batch), grads: variables.map((v) => grads[v.name]) };
  } finally {
    tf.dispose([x, y]);
    if (logits) tf.dispose(logits);
  }
}

/** `sum + weight * grads` (each input disposed); a weight of 1 with no sum passes `grads` through unchanged. */
export function accumulate(sum: tf.Tensor[] | null, grads: tf.Tensor[], weight: number): tf.Tensor[] {
  if (sum === null && weight === 1) return grads;
  const next = tf.tidy(() => grads.map((g, i) => (sum ? tf.add(sum[i], tf.mul(g, weight)) : tf.mul(g, weight))));
  tf.dispose([...(sum ?? []), ...grads]);
  return next;
}

/** Add one micro-batch's figures to the batch's totals, its loss weighted by its share of `batchCount`. */
export function addFigures(total: { loss: number; correct1: number; correct5: number }, part: BatchResult, batchCount: number): void {
  total.loss += part.loss * (part.count / batchCount);
  total.correct1 += part.correct1;
  total.correct5 += part.correct5;
}

/**
 * Gradients of a batch's mean loss with micro-batches: the batch is split into consecutive
 * micro-batches of at most `microBatch` samples, each forwarded in training mode and differentiated on
 * its own (its tape freed before the next), and their gradients summed in order, weighted by their
 * share of the batch: the gradient of the batch-mean loss when no layer mixes samples. BatchNorm
 * normalises each micro-batch with its own statistics and updates its moving averages once per
 * micro-batch. Returns the batch's aggregates (mean loss over all samples, total correct counts), read
 * once after every micro-batch is queued.
 * With `end`, only the micro-batches of samples 0..end-1 are computed (still weighted by their share
 * of the whole batch): the first block of a step that replicas share.
 */
export async function batchGradients(
  model: tfl.LayersModel,
  variables: tf.Variable[],
  batch: Batch,
  labelSmoothing: number,
  microBatch = batch.count,
  end = batch.count,
): Promise<BatchResult & { grads: tf.Tensor[] }> {
  const pending: PendingFigures[] = [];
  let sum: tf.Tensor[] | null = null;
  try {
    for (let start = 0; start < end; start += microBatch) {
      const part = gradientsOf(model, variables, sliceBatch(batch, start, Math.min(start + microBatch, batch.count)), labelSmoothing);
      pending.push(part.figures);
      sum = accumulate(sum, part.grads, part.figures.count / batch.count);
    }
  } catch (error) {
    disposeFigures(pending);
    if (sum) tf.dispose(sum);
    throw error;
  }
  const total = { count: batch.count, loss: 0, correct1: 0, correct5: 0 };
  try {
    for (const part of await readFigures(pending)) addFigures(total, part, batch.count);
  } catch (error) {
    if (sum) tf.dispose(sum);
    throw error;
  }
  return { ...total, grads: sum ?? [] };
}

/** Add one micro-batch's gradients (disposed) and figures, weighted by its share of `batchCount`; returns the new gradient sum. */
export function addPart(sum: tf.Tensor[] | null, total: { loss: number; correct1: number; correct5: number }, part: BatchResult & { grads: tf.Tensor[] }, batchCount: number): tf.Tensor[] {
  addFigures(total, part, batchCount);
  return accumulate(sum, part.grads, part.count / batchCount);
}

/**
 * Forward in training mode (BatchNorm batch statistics and moving averages, dropout on), cross-entropy
 * with label smoothing, gradients of the trainable weights, one SGD update at `lr` (skipped when the
 * loss is not finite); with `microBatch` below the batch size, in micro-batches (see
 * {@link batchGradients}). The model must output logits.
 */
export async function trainStep(model: tfl.LayersModel, sgd: Sgd, batch: Batch, lr: number, labelSmoothing: number, microBatch = batch.count): Promise<BatchResult> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads, count, loss, correct1, correct5 } = await batchGradients(model, variables, batch, labelSmoothing, microBatch);
  try {
    if (grads.length > 0 && Number.isFinite(loss)) sgd.step(grads, lr);
    return { count, loss, correct1, correct5 };
  } finally {
    tf.dispose(grads);
  }
}

/** Loss and correct counts of one batch in inference mode (no weight or statistics change). */
export async function evalStep(model: tfl.LayersModel, batch: Batch): Promise<BatchResult> {
  const { x, y } = toTensors(batch);
  let figures: PendingFigures;
  try {
    const logits = model.apply(x, { training: false }) as tf.Tensor2D;
    figures = figuresOf(logits, crossEntropy(logits, y), batch);
    logits.dispose();
  } finally {
    tf.dispose([x, y]);
  }
  const [result] = await readFigures([figures]);
  return result;
}
