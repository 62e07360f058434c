/**
 * Conv2DBackpropInput for wasm, replacing the stock scalar loop. The input gradient is a stride-1
 * convolution of dy, zero-dilated by the forward stride, with the spatially flipped filter whose
 * in/out channels are swapped ([KH,KW,Co,Ci]); padding KH−1−padTop (top) and whatever makes the
 * output exactly H x W (bottom). Runs on the XNNPACK-backed wasm Conv2D.
 */
import { tf, type BackendWasm } from '../tf.js';
import { convGeometry, type ConvGradAttrs } from './conv-geometry.js';
import { KernelScope } from './kernel-scope.js';

type Shape4 = [number, number, number, number];

/** dy [N,OH,OW,C] → [N,OH·sh,OW·sw,C] with each value followed by sh−1 / sw−1 zeros. */
function zeroDilate(s: KernelScope, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const spread = s.reshape(dy, [n, oh, 1, ow, 1, c]);
  const padded = s.pad(spread, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return s.reshape(padded, [n, oh * sh, ow * sw, c]);
}

function conv2DBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: ConvGradAttrs & { inputShape: Shape4 };
}): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const info = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape as Shape4, attrs);
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const pads: [number, number, number, number] = [
    filterHeight - 1 - top,
    inHeight + top - outHeight * strideHeight,
    filterWidth - 1 - left,
    inWidth + left - outWidth * strideWidth,
  ];
  return KernelScope.run(backend, (s) => {
    const dilated = zeroDilate(s, dy, strideHeight, strideWidth);
    const flipped = s.transpose(s.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return s.conv2d(dilated, flipped, pads, [1, 1], [1, 1]);
  });
}

/** Kernel config replacing the stock wasm input gradient. */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
