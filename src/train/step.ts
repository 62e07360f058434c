/** One optimisation step and one evaluation batch on a layers model. */
import type { Batch } from '../data/batch.js';
import { leanVariableGrads } from '../tf/lean-gradients.js';
import { tf, tfl } from '../tf/tf.js';
import { correctTopK, crossEntropy } from './metrics.js';
import type { Sgd } from './sgd.js';

/** Mean loss and correct counts of one batch. */
export interface BatchResult {
  readonly count: number;
  readonly loss: number;
  readonly correct1: number;
  readonly correct5: number;
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

/**
 * Mean loss, correct counts and weight gradients (in `variables` order) of one training-mode pass.
 * The gradients are those of `tf.variableGrads`, computed with a lower memory peak
 * ({@link leanVariableGrads}).
 */
export function gradientsOf(model: tfl.LayersModel, variables: tf.Variable[], batch: Batch, labelSmoothing: number): BatchResult & { grads: tf.Tensor[] } {
  const { x, y } = toTensors(batch);
  let logits: tf.Tensor2D | null = null;
  try {
    const { value, grads } = leanVariableGrads(() => {
      logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor2D);
      return crossEntropy(logits, y, labelSmoothing);
    }, variables);
    const loss = value.dataSync()[0];
    value.dispose();
    const [correct1, correct5] = correctTopK(logits as unknown as tf.Tensor2D, y, [1, 5]);
    return { count: batch.count, loss, correct1, correct5, grads: variables.map((v) => grads[v.name]) };
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

/**
 * Gradients of a batch's mean loss with micro-batches: the batch is split into consecutive
 * micro-batches of at most `microBatch` samples, each forwarded in training mode and differentiated on
 * its own (its tape freed before the next), and their gradients summed weighted by their share of the
 * batch: the gradient of the batch-mean loss when no layer mixes samples. BatchNorm normalises each
 * micro-batch with its own statistics and updates its moving averages once per micro-batch. Returns
 * the batch's aggregates (mean loss over all samples, total correct counts).
 */
export function batchGradients(
  model: tfl.LayersModel,
  variables: tf.Variable[],
  batch: Batch,
  labelSmoothing: number,
  microBatch = batch.count,
): BatchResult & { grads: tf.Tensor[] } {
  const total = { count: batch.count, loss: 0, correct1: 0, correct5: 0 };
  let sum: tf.Tensor[] | null = null;
  try {
    for (let start = 0; start < batch.count; start += microBatch) {
      const part = gradientsOf(model, variables, sliceBatch(batch, start, Math.min(start + microBatch, batch.count)), labelSmoothing);
      const weight = part.count / batch.count;
      sum = accumulate(sum, part.grads, weight);
      total.loss += part.loss * weight;
      total.correct1 += part.correct1;
      total.correct5 += part.correct5;
    }
  } catch (error) {
    if (sum) tf.dispose(sum);
    throw error;
  }
  return { ...total, grads: sum ?? [] };
}

/**
 * Forward in training mode (BatchNorm batch statistics and moving averages, dropout on), cross-entropy
 * with label smoothing, gradients of the trainable weights, one SGD update at `lr`; with `microBatch`
 * below the batch size, in micro-batches (see {@link batchGradients}). The model must output logits.
 */
export function trainStep(model: tfl.LayersModel, sgd: Sgd, batch: Batch, lr: number, labelSmoothing: number, microBatch = batch.count): BatchResult {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads, count, loss, correct1, correct5 } = batchGradients(model, variables, batch, labelSmoothing, microBatch);
  try {
    if (grads.length > 0 && Number.isFinite(loss)) sgd.step(grads, lr);
    return { count, loss, correct1, correct5 };
  } finally {
    tf.dispose(grads);
  }
}

/** Loss and correct counts of one batch in inference mode (no weight or statistics change). */
export function evalStep(model: tfl.LayersModel, batch: Batch): BatchResult {
  const { x, y } = toTensors(batch);
  try {
    const logits = model.apply(x, { training: false }) as tf.Tensor2D;
    const lossTensor = crossEntropy(logits, y);
    const loss = lossTensor.dataSync()[0];
    const [correct1, correct5] = correctTopK(logits, y, [1, 5]);
    tf.dispose([logits, lossTensor]);
    return { count: batch.count, loss, correct1, correct5 };
  } finally {
    tf.dispose([x, y]);
  }
}
