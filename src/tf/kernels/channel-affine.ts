/**
 * Per-channel affine kernels for wasm, run as a 1x1 depthwise convolution with bias (XNNPACK):
 * the FusedBatchNorm forward pass (y = x·a + b with a = scale/√(var+ε), b = offset − mean·a), and
 * Multiply, Add and Sub of a tensor and a vector broadcast along its last axis (batch-norm
 * statistics and gradients). Shapes outside these patterns use the stock kernels.
 */
import { tf } from '../tf.js';
import { KernelScope, runStock, stockKernel, type WasmKernelArgs as KernelArgs } from './kernel-scope.js';

/** Whether `v` is a float32 vector over the last axis of `x` ([C] or [1, …, 1, C]). */
function isChannelVector(v: tf.TensorInfo | undefined, x: tf.TensorInfo): boolean {
  if (v === undefined || v.dtype !== 'float32' || x.dtype !== 'float32') return false;
  if (v.shape.length === 0 || x.shape.length === 0) return false;
  const channels = x.shape[x.shape.length - 1];
  const leading = v.shape.slice(0, -1);
  return v.shape.length <= x.shape.length && v.shape[v.shape.length - 1] === channels && leading.every((d) => d === 1);
}

const stockBatchNorm = stockKernel(tf.FusedBatchNorm);

function fusedBatchNorm(args: KernelArgs<{ varianceEpsilon: number }>): tf.TensorInfo {
  const { x, mean, variance, offset, scale } = args.inputs as Record<string, tf.TensorInfo | undefined> & { x: tf.TensorInfo };
  const vectors = [mean, variance, offset, scale].filter((v) => v !== undefined);
  if (x.shape.length === 0 || !vectors.every((v) => isChannelVector(v, x))) {
    return runStock(stockBatchNorm, args);
  }
  return KernelScope.run(args.backend, (s) => {
    const read = (v: tf.TensorInfo | undefined) => (v === undefined ? undefined : s.values(v).slice());
    const [m, v, o, g] = [mean, variance, offset, scale].map(read);
    const gain = new Float32Array(m!.length);
    const shift = new Float32Array(m!.length);
    for (let c = 0; c < gain.length; c++) {
      gain[c] = (g?.[c] ?? 1) / Math.sqrt(v![c] + args.attrs.varianceEpsilon);
      shift[c] = (o?.[c] ?? 0) - m![c] * gain[c];
    }
    return s.channelAffine(x, gain, shift);
  });
}

/** How a binary op applies a per-channel vector v to x: the scale and shift of x·scale + shift. */
type VectorOp = (v: Float32Array, vectorFirst: boolean) => [Float32Array | undefined, Float32Array | undefined];

const VECTOR_OPS: Record<string, VectorOp> = {
  [tf.Multiply]: (v) => [v, undefined],
  [tf.Add]: (v) => [undefined, v],
  [tf.Sub]: (v, vectorFirst) => (vectorFirst ? [v.map(() => -1), v] : [undefined, v.map((e) => -e)]),
};

function makeBinary(kernelName: string): tf.KernelConfig {
  const stock = stockKernel(kernelName);
  const op = VECTOR_OPS[kernelName];
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const vectorFirst = !isChannelVector(b, a) && isChannelVector(a, b);
    const [big, small] = vectorFirst ? [b, a] : [a, b];
    const channels = small.shape[small.shape.length - 1];
    // Only worth it (and only needed) when the vector is broadcast over many rows.
    if ((!vectorFirst && !isChannelVector(b, a)) || tf.util.sizeFromShape(big.shape) < 4 * channels) {
      return runStock(stock, args);
    }
    return KernelScope.run(args.backend, (s) => {
      const [scale, shift] = op(s.values(small).slice(), vectorFirst);
      return s.channelAffine(big, scale ?? new Float32Array(channels).fill(1), shift);
    });
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** Kernel configs for FusedBatchNorm, Multiply, Add and Sub on wasm. */
export const channelAffineConfigs: readonly tf.KernelConfig[] = [
  { ...stockBatchNorm, kernelFunc: fusedBatchNorm as unknown as tf.KernelFunc },
  ...Object.keys(VECTOR_OPS).map(makeBinary),
];
