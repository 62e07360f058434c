/**
 * Identity and same-dtype Cast for wasm without a copy: the output shares the input's buffer
 * (reference counted, as the cpu backend and the wasm Reshape do; tensors are immutable). The stock
 * wasm kernels copy the whole tensor, which tfjs-core and tfjs-layers request hundreds of times
 * per training step.
 */
import { tf, type BackendWasm } from '../tf.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: { dtype?: tf.DataType } };

function share(x: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function stockKernel(kernelName: string): tf.KernelConfig {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock === undefined) throw new Error(`stock wasm kernel '${kernelName}' is not registered`);
  return stock;
}

const stockIdentity = stockKernel(tf.Identity);
const stockCast = stockKernel(tf.Cast);

function identity({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  return x.dtype === 'string' ? (stockIdentity.kernelFunc({ inputs, backend, attrs: {} }) as tf.TensorInfo) : share(x, backend);
}

function cast(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === args.attrs.dtype && x.dtype !== 'string') return share(x, args.backend);
  return stockCast.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** Kernel configs for Identity and Cast on wasm. */
export const sharedCopyConfigs: readonly tf.KernelConfig[] = [
  { ...stockIdentity, kernelFunc: identity as unknown as tf.KernelFunc },
  { ...stockCast, kernelFunc: cast as unknown as tf.KernelFunc },
];
