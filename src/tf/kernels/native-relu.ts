/**
 * ReLU on the native kernels when they are active: the forward `Relu` kernel (stock XNNPACK
 * otherwise) and the gradient as one `ReluGrad` kernel, dx = dy · step(x), instead of a Step, a
 * Cast and a Multiply. The gradient override applies to every backend: elsewhere it is TF.js's own
 * formula, so results are the same on every path.
 */
import { activeNative } from '../native-addon.js';
import { tf } from '../tf.js';
import { runStock, stockKernel, type WasmKernelArgs } from './kernel-scope.js';

export const RELU_GRAD = 'ReluGrad';

const stockRelu = stockKernel(tf.Relu);

function heapViews(args: WasmKernelArgs, names: string[]): { out: tf.TensorInfo; views: Float32Array[]; outView: Float32Array } {
  const inputs = names.map((name) => (args.inputs as Record<string, tf.TensorInfo>)[name]);
  const out = args.backend.makeOutput(inputs[0].shape, 'float32');
  const view = (x: tf.TensorInfo) => args.backend.typedArrayFromHeap(x) as Float32Array;
  return { out, views: inputs.map(view), outView: view(out) };
}

function relu(args: WasmKernelArgs): tf.TensorInfo {
  const native = activeNative();
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (native === null || x.dtype !== 'float32') return runStock(stockRelu, args);
  const { out, views, outView } = heapViews(args, ['x']);
  native.reluForward(views[0], outView);
  return out;
}

function reluGrad(args: WasmKernelArgs): tf.TensorInfo {
  const native = activeNative();
  if (native === null) throw new Error(`${RELU_GRAD} needs the native kernels (setupBackend reports native.active false)`);
  const { out, views, outView } = heapViews(args, ['dy', 'x']);
  native.reluBackward(views[0], views[1], outView);
  return out;
}

/** Relu (native or stock) and ReluGrad (native) on wasm. */
export const reluConfigs: tf.KernelConfig[] = [
  { kernelName: tf.Relu, backendName: 'wasm', kernelFunc: relu as unknown as tf.KernelFunc, setupFunc: stockRelu.setupFunc },
  { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGrad as unknown as tf.KernelFunc },
];

/** The Relu gradient: one native kernel on wasm when active, TF.js's dy · step(x) otherwise. */
export const reluGradConfig: tf.GradConfig = {
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    const d = dy as tf.Tensor;
    const fused = activeNative() !== null && tf.getBackend() === 'wasm' && x.dtype === 'float32' && d.dtype === 'float32';
    return {
      x: () => (fused ? (tf.engine().runKernel(RELU_GRAD, { dy: d, x }) as tf.Tensor) : tf.mul(d, tf.cast(tf.step(x), 'float32'))),
    };
  },
};
