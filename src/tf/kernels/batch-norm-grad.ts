/**
 * Gradient of FusedBatchNorm that broadcasts the per-channel factors instead of tiling
 * rsqrt(variance) to the activation shape (the tfjs-core version), and shares the two reductions
 * Σdy and Σdy·(x−mean) between the mean, variance, scale and offset gradients. Backend-agnostic.
 */
import { tf } from '../tf.js';

/** Sums over the axes along which `shape` was broadcast to `fullShape`, then reshapes to `shape`. */
function reduceTo(t: tf.Tensor, shape: number[], fullShape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, fullShape);
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
}

/** Gradient config for `FusedBatchNorm` (inputs x, mean, variance, scale?, offset?). */
export const fusedBatchNormGradConfig: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved as Array<tf.Tensor | undefined> as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor | undefined,
    ];
    const g = dy as tf.Tensor;
    // Shared by several gradients; computed here because the engine runs each gradient thunk in
    // its own tidy (a value cached by one thunk would be disposed before the next).
    const invStd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const gain = scale == null ? invStd : tf.mul(invStd, scale);
    const sumDy = reduceTo(g, mean.shape, x.shape);
    const sumDyCentred = reduceTo(tf.mul(g, tf.sub(x, mean)), mean.shape, x.shape);
    return {
      x: () => tf.mul(g, gain),
      mean: () => tf.neg(tf.mul(gain, sumDy)),
      variance: () => tf.mul(tf.mul(tf.mul(gain, tf.square(invStd)), sumDyCentred), tf.scalar(-0.5)),
      scale: () => tf.mul(invStd, sumDyCentred),
      offset: () => tf.clone(sumDy),
    };
  },
};
