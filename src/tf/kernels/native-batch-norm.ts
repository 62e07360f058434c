/**
 * Training-mode batch normalisation over the last axis as two native kernels (see
 * `native-addon.ts`), each one pass of the addon over the wasm heap instead of the ~10 element-wise
 * kernels and reductions of the composed form:
 *
 * - `BatchNormTraining`: inputs x, gamma, beta; attrs epsilon, relu; outputs y (through a ReLU when
 *   `relu`), the batch mean, the biased batch variance and the float scale gamma / sqrt(variance +
 *   epsilon) that y was computed with;
 * - `BatchNormTrainingGrad`: inputs dy, x, gamma, mean, variance, and with attr `relu` also beta and
 *   the forward's scale; attr epsilon; outputs dx, dgamma, dbeta. With `relu` the ReLU's gradient is
 *   applied on the fly, bit for bit as a separate ReluGrad would give.
 *
 * Registered for wasm; they run only while the native kernels are active
 * ({@link batchNormTrainingKernelsActive}), callers compose the tf-op form otherwise.
 */
import { activeNative, type NativeAddon } from '../native-addon.js';
import { tf, type BackendWasm } from '../tf.js';
import { heapOutputs } from './heap-outputs.js';
import type { WasmKernelArgs } from './kernel-scope.js';

export const BATCH_NORM_TRAINING = 'BatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'BatchNormTrainingGrad';

type Info = tf.TensorInfo;

/** True when the batch-norm kernels can run now: backend wasm with the native kernels active. */
export function batchNormTrainingKernelsActive(): boolean {
  return activeNative() !== null && tf.getBackend() === 'wasm';
}

function requireNative(kernelName: string): NativeAddon {
  const native = activeNative();
  if (native === null) throw new Error(`${kernelName} needs the native kernels (setupBackend reports native.active false)`);
  return native;
}

/** Allocates `shapes` as float32 outputs, then runs `body` on heap views of inputs and outputs. */
function run(backend: BackendWasm, inputs: Info[], shapes: number[][], body: (views: Float32Array[], outs: Float32Array[]) => void): Info[] {
  for (const x of inputs) {
    if (x.dtype !== 'float32') throw new Error(`batch-norm kernels take float32 tensors, got ${x.dtype}`);
  }
  const heap = heapOutputs(backend, inputs, shapes);
  body(heap.inputs, heap.outputs);
  return heap.outs;
}

function rowsAndChannels(x: Info): [number, number] {
  const channels = x.shape[x.shape.length - 1];
  return [tf.util.sizeFromShape(x.shape) / channels, channels];
}

/** Attributes of both kernels. */
interface BatchNormAttrs {
  epsilon: number;
  relu: boolean;
}

function batchNormTraining(args: WasmKernelArgs<BatchNormAttrs>): Info[] {
  const native = requireNative(BATCH_NORM_TRAINING);
  const { x, gamma, beta } = args.inputs as Record<string, Info>;
  const { epsilon, relu } = args.attrs;
  const [rows, channels] = rowsAndChannels(x);
  return run(args.backend, [x, gamma, beta], [x.shape, [channels], [channels], [channels]], ([xs, g, b], [y, mean, variance, scale]) =>
    native.batchNormForward(rows, channels, xs, g, b, epsilon, relu, y, mean, variance, scale),
  );
}

function batchNormTrainingGrad(args: WasmKernelArgs<BatchNormAttrs>): Info[] {
  const native = requireNative(BATCH_NORM_TRAINING_GRAD);
  const { dy, x, gamma, mean, variance } = args.inputs as Record<string, Info>;
  const { beta, scale } = args.inputs as { beta?: Info; scale?: Info };
  const { epsilon, relu } = args.attrs;
  if (relu && (beta === undefined || scale === undefined)) throw new Error(`${BATCH_NORM_TRAINING_GRAD} with relu needs inputs beta and scale`);
  const [rows, channels] = rowsAndChannels(x);
  return run(
    args.backend,
    [dy, x, gamma, mean, variance, ...(relu ? [scale as Info, beta as Info] : [])],
    [x.shape, [channels], [channels]],
    ([dys, xs, g, m, v, reluScale = null, reluBeta = null], [dx, dgamma, dbeta]) =>
      native.batchNormBackward(rows, channels, dys, xs, g, m, v, epsilon, reluScale, reluBeta, dx, dgamma, dbeta),
  );
}

/** Kernel configs of the two batch-norm kernels on wasm. */
export const batchNormTrainingConfigs: tf.KernelConfig[] = [
  { kernelName: BATCH_NORM_TRAINING, backendName: 'wasm', kernelFunc: batchNormTraining as unknown as tf.KernelFunc },
  { kernelName: BATCH_NORM_TRAINING_GRAD, backendName: 'wasm', kernelFunc: batchNormTrainingGrad as unknown as tf.KernelFunc },
];
