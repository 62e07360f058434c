/**
 * ReLU on the native kernels when they are active: the forward `Relu` kernel (stock XNNPACK
 * otherwise) and the gradient as one `ReluGrad` kernel, dx = dy · step(x), instead of a Step, a
 * Cast and a Multiply. The gradient override applies to every backend: elsewhere it is TF.js's own
 * formula, so results are the same on every path.
 */
import { activeNative } from '../native-addon.js';
import { tf } from '../tf.js';
import { heapOutputs } from './heap-outputs.js';
import { runStock, stockKernel, type WasmKernelArgs } from './kernel-scope.js';

export const RELU_GRAD = 'ReluGrad';

const stockRelu = stockKernel(tf.Relu);

/** The named inputs' heap views and one output shaped like the first, allocated. */
function elementwise(args: WasmKernelArgs, names: string[]) {
  const inputs = names.map((name) => (args.inputs as Record<string, tf.TensorInfo>)[name]);
  return heapOutputs(args.backend, inputs, [inputs[0].shape]);
}

function relu(args: WasmKernelArgs): tf.TensorInfo {
  const native = activeNative();
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (native === null || x.dtype !== 'float32') return runStock(stockRelu, args);
  const { outs, inputs, outputs } = elementwise(args, ['x']);
  native.reluForward(inputs[0], outputs[0]);
  return outs[0];
}

function reluGrad(args: WasmKernelArgs): tf.TensorInfo {
  const native = activeNative();
  if (native === null) throw new Error(`${RELU_GRAD} needs the native kernels (setupBackend reports native.active false)`);
  const { outs, inputs, outputs } = elementwise(args, ['dy', 'x']);
  native.reluBackward(inputs[0], inputs[1], outputs[0]);
  return outs[0];
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
