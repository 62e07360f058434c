/**
 * Identity and same-dtype Cast for wasm without a copy: the output shares the input's buffer
 * (reference counted, as the cpu backend and the wasm Reshape do; tensors are immutable). The stock
 * wasm kernels copy the whole tensor, which tfjs-core and tfjs-layers request hundreds of times
 * per training step.
 */
import { tf, type BackendWasm } from '../tf.js';
import { runStock, stockKernel, type WasmKernelArgs } from './kernel-scope.js';

type KernelArgs = WasmKernelArgs<{ dtype?: tf.DataType }>;

function share(x: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

const stockIdentity = stockKernel(tf.Identity);
const stockCast = stockKernel(tf.Cast);

function identity({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  return x.dtype === 'string' ? runStock(stockIdentity, { inputs, backend, attrs: {} }) : share(x, backend);
}

function cast(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === args.attrs.dtype && x.dtype !== 'string') return share(x, args.backend);
  return runStock(stockCast, args);
}

/** Kernel configs for Identity and Cast on wasm. */
export const sharedCopyConfigs: readonly tf.KernelConfig[] = [
  { ...stockIdentity, kernelFunc: identity as unknown as tf.KernelFunc },
  { ...stockCast, kernelFunc: cast as unknown as tf.KernelFunc },
];
