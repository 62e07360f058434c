/**
 * Slice and SplitV for wasm without the stock kernels' detour (each slice copies the whole input
 * out of the wasm heap with `readSync`, then slices element by element in JS; SplitV does that once
 * per part, e.g. per group of a grouped convolution). Here each block is copied straight from heap
 * to heap in contiguous runs: the innermost dimensions the block covers entirely, plus the first
 * partially covered one, form one run; an odometer walks the outer dimensions.
 */
import { tf } from '../tf.js';
import { runStock, stockKernel, type WasmKernelArgs } from './kernel-scope.js';

type KernelArgs = WasmKernelArgs<{ begin: number | number[]; size: number | number[] }>;

const stock = stockKernel(tf.Slice);

type Buffer = Float32Array | Int32Array | Uint8Array;

/** Copies the `size` block at `begin` of a row-major `shape` array from `src` into `dst`. */
function copyBlock(src: Buffer, dst: Buffer, shape: number[], begin: number[], size: number[]): void {
  const strides = tf.util.computeStrides(shape);
  const rank = shape.length;
  // Dimensions from `inner` on are copied as one contiguous run.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const index = begin.slice(0, inner);
  const baseInner = begin[inner] * (strides[inner] ?? 1);
  const runs = size.slice(0, inner).reduce((a, b) => a * b, 1);
  for (let r = 0, out = 0; r < runs; r++, out += run) {
    let offset = baseInner;
    for (let d = 0; d < inner; d++) offset += index[d] * strides[d];
    dst.set(src.subarray(offset, offset + run), out);
    for (let d = inner - 1; d >= 0; d--) {
      if (++index[d] < begin[d] + size[d]) break;
      index[d] = begin[d];
    }
  }
}

function slice(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string' || x.shape.length === 0) {
    return runStock(stock, args);
  }
  const [begin, size] = tf.slice_util.parseSliceParams(x, args.attrs.begin, args.attrs.size);
  const out = args.backend.makeOutput(size, x.dtype);
  if (tf.util.sizeFromShape(size) > 0) {
    copyBlock(args.backend.typedArrayFromHeap(x) as Buffer, args.backend.typedArrayFromHeap(out) as Buffer, x.shape, begin, size);
  }
  return out;
}

const stockSplit = stockKernel(tf.SplitV);

function splitV(args: WasmKernelArgs<{ numOrSizeSplits: number | number[]; axis: number }>): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return stockSplit.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo[];
  const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs.numOrSizeSplits, axis);
  let start = 0;
  return sizes.map((part) => {
    const begin = x.shape.map((_, i) => (i === axis ? start : 0));
    start += part;
    return slice({ ...args, attrs: { begin, size: x.shape.map((d, i) => (i === axis ? part : d)) } });
  });
}

/** Kernel configs for Slice and SplitV on wasm. */
export const sliceConfigs: readonly tf.KernelConfig[] = [
  { ...stock, kernelFunc: slice as unknown as tf.KernelFunc },
  { ...stockSplit, kernelFunc: splitV as unknown as tf.KernelFunc },
];
