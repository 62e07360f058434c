/**
 * `TorchBatchNorm`: batch normalisation over the channel axis (NHWC) with PyTorch's `BatchNorm2d`
 * semantics, replacing tfjs-layers' `BatchNormalization` for two reasons:
 * - memory: tfjs-layers normalises through `tf.moments` and a fused kernel, leaving about ten
 *   activation-sized tensors per layer on the gradient tape; here training mode is one custom-gradient
 *   op with the closed-form backward, so a layer costs its output and its input gradient;
 * - semantics: the running variance is updated with the unbiased batch variance (x n/(n-1)) as
 *   PyTorch does; tfjs-layers uses the biased one.
 * Training mode normalises with the batch mean and biased variance; inference with the running ones.
 * With `relu` the layer is batch normalisation then a ReLU: on the native kernels one kernel each way
 * (bit for bit what the two separate layers give, with one activation-sized tensor less per layer),
 * elsewhere `tf.relu` after the normalisation.
 * Weights, in this order: gamma (1), beta (0), moving_mean (0), moving_variance (1) — the same names
 * and order as tfjs-layers' layer.
 */
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, batchNormTrainingKernelsActive } from '../tf/kernels/native-batch-norm.js';
import { tf, tfl } from '../tf/tf.js';

/** Configuration of a {@link TorchBatchNorm} layer. */
export interface TorchBatchNormArgs {
  /** PyTorch momentum: running = (1 - momentum) * running + momentum * batch. Default 0.1. */
  momentum?: number;
  /** Added to the variance. Default 1e-5. */
  epsilon?: number;
  /** Apply a ReLU to the output. Default false. */
  relu?: boolean;
  name?: string;
}

const AXES = [0, 1, 2];

/** Receives the batch mean and biased variance of a training-mode call over `count` values per channel. */
export type StatisticsSink = (mean: tf.Tensor, variance: tf.Tensor, count: number) => void;

/**
 * y = gamma (x - mean) / sqrt(variance + eps) + beta with batch statistics and its exact gradient.
 * The forward runs with the gradient tape off, so its intermediates are not kept for the backward
 * pass; the statistics are handed to `sink` from there for the running averages. With the native
 * kernels active each direction is one kernel; otherwise it is composed from tf ops.
 */
function normaliseTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, settings: Settings, sink: StatisticsSink): tf.Tensor4D {
  const count = x.size / x.shape[3];
  const fused = batchNormTrainingKernelsActive();
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, scale, offset, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const call = { input, scale, offset, ...settings, save, sink, count };
    return fused ? fusedTraining(call) : composedTraining(call);
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return settings.relu && !fused ? tf.relu(y) : y;
}

type CustomGradResult = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** What a layer computes besides its weights. */
interface Settings {
  epsilon: number;
  /** A ReLU after the normalisation: fused into the native kernels, else applied by the caller. */
  relu: boolean;
}

/** One training-mode call: the custom gradient's inputs, its save function, and the layer's settings. */
interface TrainingCall extends Settings {
  input: tf.Tensor;
  scale: tf.Tensor;
  offset: tf.Tensor;
  save: tf.GradSaveFunc;
  sink: StatisticsSink;
  count: number;
}

function fusedTraining({ input, scale, offset, epsilon, relu, save, sink, count }: TrainingCall): CustomGradResult {
  const attrs = { epsilon, relu };
  const [value, mean, variance, used] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x: input, gamma: scale, beta: offset }, attrs) as tf.Tensor[];
  sink(mean, variance, count);
  save([input, scale, mean, variance, ...(relu ? [offset, used] : [])]);
  if (!relu) used.dispose();
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [xs, g, m, v, beta, forwardScale] = saved;
    const inputs = { dy, x: xs, gamma: g, mean: m, variance: v, ...(relu ? { beta, scale: forwardScale } : {}) };
    return tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, inputs, attrs) as tf.Tensor[];
  };
  return { value, gradFunc };
}

function composedTraining({ input, scale, offset, epsilon, save, sink, count }: TrainingCall): CustomGradResult {
  const { mean, variance } = tf.moments(input, AXES);
  sink(mean, variance, count);
  const invStd = tf.rsqrt(tf.add(variance, epsilon));
  save([input, scale, mean, invStd]);
  const value = tf.add(tf.mul(tf.mul(tf.sub(input, mean), invStd), scale), offset);
  // The engine runs a custom gradient outside any per-gradient scope: without this tidy every
  // temporary would live until the whole backward pass ends.
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
    tf.tidy(() => {
      const [xs, g, m, inv] = saved;
      const xhat = tf.mul(tf.sub(xs, m), inv);
      const dBeta = tf.sum(dy, AXES);
      const dGamma = tf.sum(tf.mul(dy, xhat), AXES);
      // dx = gamma invStd / n (n dy - sum(dy) - xhat sum(dy xhat))
      const inner = tf.sub(tf.sub(tf.mul(dy, count), dBeta), tf.mul(xhat, dGamma));
      return [tf.mul(inner, tf.div(tf.mul(g, inv), count)), dGamma, dBeta];
    });
  return { value, gradFunc };
}

/** Batch normalisation with PyTorch `BatchNorm2d` semantics (see the module comment). */
export class TorchBatchNorm extends tfl.layers.Layer {
  static readonly className = 'TorchBatchNorm';
  private readonly momentum: number;
  private readonly epsilon: number;
  private readonly relu: boolean;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  private movingMean!: tfl.LayerVariable;
  private movingVariance!: tfl.LayerVariable;
  private recorder: StatisticsSink | null = null;

  constructor(args: TorchBatchNormArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-5;
    this.relu = args.relu ?? false;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null || shape.length !== 4) {
      throw new RangeError(`TorchBatchNorm '${this.name}': expected NHWC input with known channels, got ${JSON.stringify(shape)}`);
    }
    const ones = tfl.initializers.ones();
    const zeros = tfl.initializers.zeros();
    this.gamma = this.addWeight('gamma', [channels], 'float32', ones);
    this.beta = this.addWeight('beta', [channels], 'float32', zeros);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', zeros, undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', ones, undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const gamma = this.gamma.read() as tf.Tensor1D;
    const beta = this.beta.read() as tf.Tensor1D;
    if (kwargs.training !== true) {
      const y = tf.batchNorm(x, this.movingMean.read() as tf.Tensor1D, this.movingVariance.read() as tf.Tensor1D, beta, gamma, this.epsilon);
      return this.relu ? tf.relu(y) : y;
    }
    const sink = this.recorder ?? ((mean, variance, count) => this.updateRunning(mean, variance, count));
    return normaliseTraining(x, gamma, beta, { epsilon: this.epsilon, relu: this.relu }, sink);
  }

  /**
   * Send the batch statistics of training-mode calls to `sink` instead of updating the running
   * averages (`null`: update them again). Replica workers record them so that the main thread can
   * apply every micro-batch's update in order with {@link TorchBatchNorm.updateRunning}.
   */
  recordStatistics(sink: StatisticsSink | null): void {
    this.recorder = sink;
  }

  /** running = (1 - momentum) running + momentum batch, with the unbiased batch variance. */
  updateRunning(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    tf.tidy(() => {
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      const blend = (v: tfl.LayerVariable, batch: tf.Tensor) =>
        v.write(tf.add(tf.mul(v.read(), 1 - this.momentum), tf.mul(batch, this.momentum)));
      blend(this.movingMean, mean);
      blend(this.movingVariance, unbiased);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, relu: this.relu };
  }
}

tf.serialization.registerClass(TorchBatchNorm);
