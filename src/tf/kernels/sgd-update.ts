/**
 * `SgdUpdate`: PyTorch's SGD step for one parameter tensor as one wasm kernel (a JS loop over the
 * heap), instead of the four to six element-wise kernels of the composed form, each a separate
 * engine call with its own output. Inputs param, grad, buffer (all float32, same shape); attrs lr,
 * momentum, weightDecay, nesterov; outputs the new param and the new momentum buffer:
 *
 *     d = g + weightDecay * p;  buf = momentum * buf + d;  d = nesterov ? d + momentum * buf : buf;
 *     p = p - lr * d
 *
 * Every intermediate is rounded to float32 (`Math.fround`) in the order above, so the result is
 * bit for bit that of the composed float32 kernels.
 */
import { tf } from '../tf.js';
import { heapOutputs } from './heap-outputs.js';
import type { WasmKernelArgs } from './kernel-scope.js';

export const SGD_UPDATE = 'SgdUpdate';

/** Attributes of {@link SGD_UPDATE}. */
export interface SgdUpdateAttrs {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

const f = Math.fround;

function update(p: Float32Array, g: Float32Array, buf: Float32Array, outP: Float32Array, outBuf: Float32Array, attrs: SgdUpdateAttrs): void {
  const lr = f(attrs.lr);
  const momentum = f(attrs.momentum);
  const decay = f(attrs.weightDecay);
  for (let i = 0; i < p.length; i++) {
    let d = decay !== 0 ? f(g[i] + f(p[i] * decay)) : g[i];
    if (momentum !== 0) {
      const b = f(f(buf[i] * momentum) + d);
      outBuf[i] = b;
      d = attrs.nesterov ? f(d + f(b * momentum)) : b;
    }
    outP[i] = f(p[i] - f(d * lr));
  }
}

function sgdUpdate(args: WasmKernelArgs<SgdUpdateAttrs>): tf.TensorInfo[] {
  const { backend, attrs } = args;
  const { param, grad, buffer } = args.inputs as Record<string, tf.TensorInfo>;
  for (const [name, x] of Object.entries({ param, grad, buffer })) {
    if (x.dtype !== 'float32' || !tf.util.arraysEqual(x.shape, param.shape)) {
      throw new Error(`${SGD_UPDATE}: ${name} must be float32 of shape [${param.shape}], got ${x.dtype} [${x.shape}]`);
    }
  }
  const { outs, inputs, outputs } = heapOutputs(backend, [param, grad, buffer], [param.shape, param.shape]);
  const [outP, outBuf] = outputs;
  update(inputs[0], inputs[1], inputs[2], outP, outBuf, attrs);
  if (attrs.momentum === 0) outBuf.set(inputs[2]);
  return outs;
}

/** Kernel config of the fused SGD step on wasm. */
export const sgdUpdateConfig: tf.KernelConfig = {
  kernelName: SGD_UPDATE,
  backendName: 'wasm',
  kernelFunc: sgdUpdate as unknown as tf.KernelFunc,
};
