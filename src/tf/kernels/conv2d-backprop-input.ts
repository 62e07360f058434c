/**
 * Conv2DBackpropInput for wasm, replacing the stock scalar loop with one XNNPACK convolution.
 *
 * Along one spatial axis, with forward stride s, kernel size K and top padding p, the input
 * gradient at i = s·a + r − p is dx[s·a + r − p] = Σ_m dy[a − m] · w[r + s·m]: for each phase
 * r ∈ [0, s) a stride-1 correlation of dy with the taps r, r+s, r+2s, … of the flipped filter.
 * All s² phases (both axes) run as a single stride-1 convolution of dy whose output channels are
 * (phase, Ci), with a [M, M, Co, s²·Ci] filter (M = ⌈K/s⌉); a depth-to-space interleave and a
 * crop give dx. No multiplication by inserted zeros, unlike a zero-dilated dy; for stride 1 it is
 * the usual convolution with the flipped, in/out-swapped filter. The native oneDNN kernel replaces
 * it when active.
 */
import { tf } from '../tf.js';
import { convGeometry, type ConvGradAttrs } from './conv-geometry.js';
import { KernelScope, type WasmKernelArgs } from './kernel-scope.js';
import { nativeBackpropInput } from './native-conv.js';

type Shape4 = [number, number, number, number];

/** Geometry of the phase decomposition along one spatial axis. */
interface AxisPlan {
  stride: number;
  /** Taps per phase, ⌈K/s⌉. */
  taps: number;
  /** Rows of the phase grid computed (each expands to `stride` rows of dx). */
  rows: number;
  /** Convolution padding before / after dy. */
  padBefore: number;
  padAfter: number;
  /** Rows of the interleaved result to drop before dx row 0. */
  offset: number;
}

function planAxis(kernel: number, stride: number, padBefore: number, size: number, outSize: number): AxisPlan {
  const taps = Math.ceil(kernel / stride);
  const first = Math.floor(padBefore / stride);
  const rows = Math.floor((size + padBefore - 1) / stride) - first + 1;
  const convBefore = taps - 1 - first;
  return {
    stride,
    taps,
    rows,
    padBefore: convBefore,
    padAfter: rows + taps - 1 - outSize - convBefore,
    offset: padBefore - stride * first,
  };
}

/** The [Mh, Mw, Co, sh·sw·Ci] phase filter built from w [KH, KW, Ci, Co]. */
function phaseFilter(w: Float32Array, shape: Shape4, ph: AxisPlan, pw: AxisPlan): Float32Array {
  const [kh, kw, ci, co] = shape;
  const phases = ph.stride * pw.stride;
  const out = new Float32Array(ph.taps * pw.taps * co * phases * ci);
  for (let mh = 0; mh < ph.taps; mh++) {
    for (let mw = 0; mw < pw.taps; mw++) {
      for (let rh = 0; rh < ph.stride; rh++) {
        const y = rh + ph.stride * (ph.taps - 1 - mh);
        if (y >= kh) continue;
        for (let rw = 0; rw < pw.stride; rw++) {
          const x = rw + pw.stride * (pw.taps - 1 - mw);
          if (x >= kw) continue;
          const phase = rh * pw.stride + rw;
          for (let c = 0; c < ci; c++) {
            const src = ((y * kw + x) * ci + c) * co;
            const dst = ((mh * pw.taps + mw) * co * phases + phase) * ci + c;
            for (let o = 0; o < co; o++) out[dst + o * phases * ci] = w[src + o];
          }
        }
      }
    }
  }
  return out;
}

function conv2DBackpropInput(args: WasmKernelArgs<ConvGradAttrs & { inputShape: Shape4 }>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const filterShape = filter.shape as Shape4;
  const info = convGeometry('Conv2DBackpropInput', attrs.inputShape, filterShape, attrs);
  const native = nativeBackpropInput(backend, info, dy, filter);
  if (native !== null) return native;
  const [n, height, width, ci] = attrs.inputShape;
  const ph = planAxis(info.filterHeight, info.strideHeight, info.padInfo.top, height, info.outHeight);
  const pw = planAxis(info.filterWidth, info.strideWidth, info.padInfo.left, width, info.outWidth);
  const phases = ph.stride * pw.stride;
  return KernelScope.run(backend, (s) => {
    const weights = s.fromValues(
      [ph.taps, pw.taps, filterShape[3], phases * ci],
      phaseFilter(s.values(filter), filterShape, ph, pw),
    );
    const z = s.conv2d(dy, weights, [ph.padBefore, ph.padAfter, pw.padBefore, pw.padAfter], [1, 1], [1, 1]);
    if (phases === 1) return z;
    const split = s.reshape(z, [n, ph.rows, pw.rows, ph.stride, pw.stride, ci]);
    const interleaved = s.reshape(s.transpose(split, [0, 1, 3, 2, 4, 5]), [
      n,
      ph.rows * ph.stride,
      pw.rows * pw.stride,
      ci,
    ]);
    const exact = ph.offset === 0 && pw.offset === 0 && ph.rows * ph.stride === height && pw.rows * pw.stride === width;
    return exact ? interleaved : s.slice(interleaved, [0, ph.offset, pw.offset, 0], [n, height, width, ci]);
  });
}

/** Kernel config replacing the stock wasm input gradient. */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
