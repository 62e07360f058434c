/**
 * Composes stock wasm kernels (XNNPACK-backed convolution, transpose, pad, ...) on raw
 * `TensorInfo`s, without going through the engine: no tape, no tensor bookkeeping. Every
 * intermediate is freed when the scope ends; only the returned info survives.
 */
import { activeNative } from '../native-addon.js';
import { heapOutputs } from './heap-outputs.js';
import { tf, type BackendWasm } from '../tf.js';

type Info = tf.TensorInfo;

/** Arguments tfjs passes to a kernel function on the wasm backend. */
export interface WasmKernelArgs<Attrs = Record<string, unknown>> {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: Attrs;
}

/** The stock wasm kernel `kernelName` (captured before this module replaces it). */
export function stockKernel(kernelName: string): tf.KernelConfig {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock === undefined) throw new Error(`stock wasm kernel '${kernelName}' is not registered`);
  return stock;
}

/** Runs a stock kernel on the arguments a replacement received. */
export function runStock(stock: tf.KernelConfig, args: WasmKernelArgs<object>): tf.TensorInfo {
  return stock.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** Padding of the two spatial dimensions: [top, bottom, left, right]; negative values crop. */
export type Pads = [number, number, number, number];

/** A set of kernel calls whose intermediates are freed together. */
export class KernelScope {
  private readonly created: Info[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs `body` and frees everything it created except the returned info. */
  static run(backend: BackendWasm, body: (scope: KernelScope) => Info): Info {
    const scope = new KernelScope(backend);
    let result: Info | undefined;
    try {
      result = body(scope);
    } finally {
      for (const info of scope.created) {
        if (info !== result) backend.disposeData(info.dataId);
      }
    }
    return result as Info;
  }

  private call(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel '${kernelName}' is not registered`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend }) as Info;
    this.created.push(out);
    return out;
  }

  /** A new float32 tensor holding `values`. */
  fromValues(shape: number[], values: Float32Array): Info {
    const out = this.backend.makeOutput(shape, 'float32', undefined, values);
    this.created.push(out);
    return out;
  }

  /** The float32 contents of `x` as a view of the wasm heap (valid until the next allocation). */
  values(x: Info): Float32Array {
    return this.backend.typedArrayFromHeap(x) as Float32Array;
  }

  transpose(x: Info, perm: number[]): Info {
    return this.call(tf.Transpose, { x }, { perm });
  }

  reshape(x: Info, shape: number[]): Info {
    return this.call(tf.Reshape, { x }, { shape });
  }

  slice(x: Info, begin: number[], size: number[]): Info {
    return this.call(tf.Slice, { x }, { begin, size });
  }

  /** Average over whole [h, w] windows of an NHWC tensor whose spatial size is [h, w]. */
  avgPool(x: Info, window: [number, number]): Info {
    return this.call(tf.AvgPool, { x }, { filterSize: window, strides: 1, pad: 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap);
  }

  /**
   * `x[..., c] · scale[c] + shift[c]` over the last axis: one pass of the native kernels when
   * active, else a 1x1 depthwise convolution with bias (XNNPACK), about 2-5x faster than a
   * broadcasting Multiply/Add or the stock FusedBatchNorm.
   */
  channelAffine(x: Info, scale: Float32Array, shift?: Float32Array): Info {
    const channels = scale.length;
    const native = activeNative();
    if (native !== null) {
      const { outs, inputs, outputs } = heapOutputs(this.backend, [x], [x.shape]);
      this.created.push(outs[0]);
      native.channelAffine(tf.util.sizeFromShape(x.shape) / channels, channels, inputs[0], scale, shift ?? new Float32Array(channels), outputs[0]);
      return outs[0];
    }
    const view = this.reshape(x, [1, 1, tf.util.sizeFromShape(x.shape) / channels, channels]);
    const inputs: tf.NamedTensorInfoMap = { x: view, filter: this.fromValues([1, 1, channels, 1], scale) };
    if (shift !== undefined) inputs.bias = this.fromValues([channels], shift);
    const attrs = { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC', activation: 'linear' };
    const out = this.call(tf.FusedDepthwiseConv2D, inputs, attrs as unknown as tf.NamedAttrMap);
    return this.reshape(out, x.shape);
  }

  /** `x · factor` for a float32 tensor. */
  scale(x: Info, factor: number): Info {
    const f = this.fromValues([], Float32Array.of(factor));
    return this.call(tf.Multiply, { a: x, b: f }, {});
  }

  /** NHWC convolution with explicit spatial padding (negative padding crops the input first). */
  conv2d(x: Info, filter: Info, pads: Pads, strides: [number, number], dilations: [number, number]): Info {
    const [top, bottom, left, right] = pads;
    let input = x;
    if (Math.min(top, bottom, left, right) < 0) {
      const [n, h, w, c] = x.shape;
      const cropTop = Math.max(0, -top);
      const cropLeft = Math.max(0, -left);
      input = this.slice(
        x,
        [0, cropTop, cropLeft, 0],
        [n, h - cropTop - Math.max(0, -bottom), w - cropLeft - Math.max(0, -right), c],
      );
    }
    const pad = [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ];
    return this.call(
      tf.Conv2D,
      { x: input, filter },
      { strides, dilations, pad, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap,
    );
  }
}
