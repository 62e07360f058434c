/**
 * The convolutions on the native oneDNN kernels when they are active (see `native-addon.ts`):
 * forward `Conv2D` and `FusedConv2D` (bias and ReLU fused), and the two gradients used by
 * `conv2d-backprop-filter.ts` / `conv2d-backprop-input.ts`. Inputs and outputs stay on the wasm
 * heap; the addon reads and writes them in place. Shapes the addon does not take (NCHW, non-float,
 * other activations, empty tensors) go to the wasm kernels.
 */
import { activeNative, type NativeAddon } from '../native-addon.js';
import { tf, type BackendWasm } from '../tf.js';
import { heapOutputs } from './heap-outputs.js';
import { runStock, stockKernel, type WasmKernelArgs } from './kernel-scope.js';

type Info = tf.TensorInfo;
type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** oneDNN's output size for one axis (floor division, dilation counted from 1 as in TF.js). */
function outputSize(size: number, before: number, after: number, filter: number, stride: number, dilation: number): number {
  return Math.floor((size + before + after - ((filter - 1) * dilation + 1)) / stride) + 1;
}

/** The geometry the addon takes, or null when TF.js's output size is not oneDNN's (a rounding mode). */
export function nativeGeometry(info: Conv2DInfo): Int32Array | null {
  const { top, bottom, left, right } = info.padInfo;
  const fits =
    Math.min(top, bottom, left, right) >= 0 &&
    outputSize(info.inHeight, top, bottom, info.filterHeight, info.strideHeight, info.dilationHeight) === info.outHeight &&
    outputSize(info.inWidth, left, right, info.filterWidth, info.strideWidth, info.dilationWidth) === info.outWidth;
  if (!fits || info.batchSize === 0 || info.outHeight <= 0 || info.outWidth <= 0) return null;
  return Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    top,
    left,
    bottom,
    right,
  );
}

const isFloat = (...infos: Info[]) => infos.every((x) => x.dtype === 'float32');

/** Allocates the output and runs `run` on heap views of it and of the inputs. */
function withOutput(backend: BackendWasm, shape: number[], inputs: Info[], run: (out: Float32Array, views: Float32Array[]) => void): Info {
  const { outs, inputs: views, outputs } = heapOutputs(backend, inputs, [shape]);
  run(outputs[0], views);
  return outs[0];
}

interface ForwardAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

/** Forward convolution on the addon, or null when it does not take these inputs. */
function nativeForward(native: NativeAddon, args: WasmKernelArgs<ForwardAttrs>): Info | null {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, Info | undefined>;
  const activation = attrs.activation ?? 'linear';
  if (x === undefined || filter === undefined || preluActivationWeights !== undefined) return null;
  if (attrs.dataFormat !== 'NHWC' || (activation !== 'linear' && activation !== 'relu')) return null;
  if (!isFloat(x, filter, ...(bias ? [bias] : []))) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const geometry = nativeGeometry(info);
  if (geometry === null || (bias !== undefined && tf.util.sizeFromShape(bias.shape) !== info.outChannels)) return null;
  const operands = bias ? [x, filter, bias] : [x, filter];
  return withOutput(backend, info.outShape, operands, (y, [xs, w, b]) =>
    native.convForward(geometry, xs, w, b ?? null, activation === 'relu', y),
  );
}

function forwardConfig(kernelName: string): tf.KernelConfig {
  const stock = stockKernel(kernelName);
  const kernelFunc = (args: WasmKernelArgs<ForwardAttrs>): Info => {
    const native = activeNative();
    return (native && nativeForward(native, args)) ?? runStock(stock, args);
  };
  // The stock setup (binding the wasm function) must still run when the backend starts.
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc: stock.setupFunc };
}

/** Conv2D and FusedConv2D: native when active and applicable, the stock XNNPACK kernels otherwise. */
export const nativeForwardConfigs: tf.KernelConfig[] = [forwardConfig(tf.Conv2D), forwardConfig(tf.FusedConv2D)];

/** The filter gradient on the addon, or null when it does not take these inputs. */
export function nativeBackpropFilter(backend: BackendWasm, info: Conv2DInfo, x: Info, dy: Info): Info | null {
  const native = activeNative();
  const geometry = native && isFloat(x, dy) ? nativeGeometry(info) : null;
  if (native === null || geometry === null) return null;
  const shape = [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels];
  return withOutput(backend, shape, [x, dy], (dw, [xs, dys]) => native.convBackwardWeights(geometry, xs, dys, dw));
}

/** The input gradient on the addon, or null when it does not take these inputs. */
export function nativeBackpropInput(backend: BackendWasm, info: Conv2DInfo, dy: Info, filter: Info): Info | null {
  const native = activeNative();
  const geometry = native && isFloat(dy, filter) ? nativeGeometry(info) : null;
  if (native === null || geometry === null) return null;
  return withOutput(backend, info.inShape, [dy, filter], (dx, [dys, w]) => native.convBackwardData(geometry, dys, w, dx));
}
