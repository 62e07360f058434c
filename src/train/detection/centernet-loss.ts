/**
 * CenterNet's training loss on a batch: the penalty-reduced focal loss on the heatmaps (alpha 2,
 * beta 4), summed over cells and classes and divided by the positives (cells where the target is
 * 1), plus L1 on the box size (weight 0.1) and on the centre offset (weight 1) at the centre cells,
 * each divided by the number of masked values (CenterNet's `RegL1Loss`). Scores are the sigmoid of
 * the logits clipped to +-log((1 - 1e-4) / 1e-4), as CenterNet clamps them to [1e-4, 1 - 1e-4].
 */
import { centerNetLayout } from '../../models/centernet.js';
import { tf } from '../../tf/tf.js';
import type { CenterNetTargets } from './centernet-targets.js';

/** Weights of the three terms (CenterNet's defaults). */
export const LOSS_WEIGHTS = { heatmap: 1, size: 0.1, offset: 1 } as const;

const FOCAL_ALPHA = 2;
const FOCAL_BETA = 4;
const LOGIT_LIMIT = Math.log((1 - 1e-4) / 1e-4);
/** Added to the L1 denominators, as CenterNet. */
const L1_EPSILON = 1e-4;

/** The loss terms of a batch, scalars; `total` is their weighted sum. */
export interface CenterNetLoss {
  readonly total: tf.Scalar;
  readonly heatmap: tf.Scalar;
  readonly size: tf.Scalar;
  readonly offset: tf.Scalar;
}

/** Targets of a batch as tensors. */
export interface TargetTensors {
  readonly heatmap: tf.Tensor4D;
  readonly regression: tf.Tensor4D;
  readonly mask: tf.Tensor4D;
  readonly positives: number;
  readonly centres: number;
}

/** The targets as tensors (the caller disposes them). */
export function targetTensors(t: CenterNetTargets): TargetTensors {
  return {
    heatmap: tf.tensor4d(t.heatmap, [t.count, t.height, t.width, t.classes]),
    regression: tf.tensor4d(t.regression, [t.count, t.height, t.width, 4]),
    mask: tf.tensor4d(t.mask, [t.count, t.height, t.width, 1]),
    positives: t.positives,
    centres: t.centres,
  };
}

function focalLoss(logits: tf.Tensor, target: tf.Tensor, positives: number): tf.Scalar {
  const x = tf.clipByValue(logits, -LOGIT_LIMIT, LOGIT_LIMIT);
  const p = tf.sigmoid(x);
  const logP = tf.neg(tf.softplus(tf.neg(x)));
  const logNotP = tf.neg(tf.softplus(x));
  const positive = tf.cast(tf.equal(target, 1), 'float32');
  const negative = tf.sub(1, positive);
  const posTerm = tf.mul(tf.mul(logP, tf.pow(tf.sub(1, p), FOCAL_ALPHA)), positive);
  const negTerm = tf.mul(tf.mul(tf.mul(logNotP, tf.pow(p, FOCAL_ALPHA)), tf.pow(tf.sub(1, target), FOCAL_BETA)), negative);
  return tf.div(tf.neg(tf.sum(tf.add(posTerm, negTerm))), Math.max(positives, 1)) as tf.Scalar;
}

function maskedL1(prediction: tf.Tensor, target: tf.Tensor, mask: tf.Tensor, centres: number): tf.Scalar {
  const values = prediction.shape[3] as number;
  return tf.div(tf.sum(tf.mul(tf.abs(tf.sub(prediction, target)), mask)), centres * values + L1_EPSILON) as tf.Scalar;
}

/** The loss of the model's `output` ([batch, h, w, classes + 4]) against the targets. */
export function centerNetLoss(output: tf.Tensor4D, targets: TargetTensors): CenterNetLoss {
  const classes = targets.heatmap.shape[3];
  const layout = centerNetLayout(classes);
  const [n, h, w] = output.shape;
  const logits = tf.slice(output, [0, 0, 0, 0], [n, h, w, classes]);
  const size = tf.slice(output, [0, 0, 0, layout.size], [n, h, w, 2]);
  const offset = tf.slice(output, [0, 0, 0, layout.offset], [n, h, w, 2]);
  const sizeTarget = tf.slice(targets.regression, [0, 0, 0, 0], [n, h, w, 2]);
  const offsetTarget = tf.slice(targets.regression, [0, 0, 0, 2], [n, h, w, 2]);
  const heatmap = focalLoss(logits, targets.heatmap, targets.positives);
  const sizeLoss = maskedL1(size, sizeTarget, targets.mask, targets.centres);
  const offsetLoss = maskedL1(offset, offsetTarget, targets.mask, targets.centres);
  const total = tf.addN([tf.mul(heatmap, LOSS_WEIGHTS.heatmap), tf.mul(sizeLoss, LOSS_WEIGHTS.size), tf.mul(offsetLoss, LOSS_WEIGHTS.offset)]) as tf.Scalar;
  return { total, heatmap, size: sizeLoss, offset: offsetLoss };
}
