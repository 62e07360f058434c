/** One optimisation step and one evaluation batch on a layers model. */
import type { Batch } from '../data/batch.js';
import { tf, tfl } from '../tf/tf.js';
import { correctTopK, crossEntropy } from './metrics.js';
import type { Sgd } from './sgd.js';

/** A batch as produced by the data loader: NHWC float pixels and integer labels. */
export type BatchLike = Batch;

/** Mean loss and correct counts of one batch. */
export interface BatchResult {
  readonly count: number;
  readonly loss: number;
  readonly correct1: number;
  readonly correct5: number;
}

function toTensors(batch: BatchLike): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return {
    x: tf.tensor4d(batch.x, [batch.count, batch.height, batch.width, batch.channels], 'float32'),
    y: tf.tensor1d(batch.y, 'int32'),
  };
}

/**
 * Forward in training mode (BatchNorm batch statistics and moving averages, dropout on), cross-entropy
 * with label smoothing, gradients of the trainable weights, one SGD update at `lr`.
 * The model must output logits.
 */
export function trainStep(model: tfl.LayersModel, sgd: Sgd, batch: BatchLike, lr: number, labelSmoothing: number): BatchResult {
  const { x, y } = toTensors(batch);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let logits: tf.Tensor2D | null = null;
  try {
    const { value, grads } = tf.variableGrads(() => {
      logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor2D);
      return crossEntropy(logits, y, labelSmoothing);
    }, variables);
    const loss = value.dataSync()[0];
    value.dispose();
    if (Number.isFinite(loss)) sgd.step(variables.map((v) => grads[v.name]), lr);
    tf.dispose(Object.values(grads));
    const [correct1, correct5] = correctTopK(logits as unknown as tf.Tensor2D, y, [1, 5]);
    return { count: batch.count, loss, correct1, correct5 };
  } finally {
    tf.dispose([x, y]);
    if (logits) tf.dispose(logits);
  }
}

/** Loss and correct counts of one batch in inference mode (no weight or statistics change). */
export function evalStep(model: tfl.LayersModel, batch: BatchLike): BatchResult {
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
