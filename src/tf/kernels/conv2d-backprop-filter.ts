/**
 * Conv2DBackpropFilter for wasm (stock tfjs-backend-wasm 4.22 has none). The filter gradient
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pad, ow·s+kw−pad, ci] · dy[n,oh,ow,co] is itself a
 * convolution: input x transposed to [Ci,H,W,N] (channels = batch), filter dy transposed to
 * [OH,OW,N,Co], dilation = the forward stride, stride 1; the [Ci,KH,KW,Co] result is transposed
 * back. All three steps run on XNNPACK-backed wasm kernels; the native oneDNN kernel replaces them
 * when it is active.
 */
import { tf } from '../tf.js';
import { convGeometry, type ConvGradAttrs } from './conv-geometry.js';
import { KernelScope, type WasmKernelArgs } from './kernel-scope.js';
import { nativeBackpropFilter } from './native-conv.js';

type Shape4 = [number, number, number, number];

function conv2DBackpropFilter(args: WasmKernelArgs<ConvGradAttrs & { filterShape: Shape4 }>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const info = convGeometry('Conv2DBackpropFilter', x.shape as Shape4, attrs.filterShape, attrs);
  const native = nativeBackpropFilter(backend, info, x, dy);
  if (native !== null) return native;
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // Bottom/right padding that makes the dilated-dy convolution output exactly KH x KW.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
  return KernelScope.run(backend, (s) => {
    const xT = s.transpose(x, [3, 1, 2, 0]);
    const dyT = s.transpose(dy, [1, 2, 0, 3]);
    const grad = s.conv2d(xT, dyT, [top, bottom, left, right], [1, 1], [strideHeight, strideWidth]);
    return s.transpose(grad, [1, 2, 0, 3]);
  });
}

/** Kernel config registering the filter gradient on wasm. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
