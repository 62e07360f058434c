/**
 * Outputs of kernels that compute in place on the wasm heap (native kernels, JS loops): float32
 * outputs are allocated first and every view taken afterwards, since an allocation that grows the
 * heap detaches the views taken before it.
 */
import { tf, type BackendWasm } from '../tf.js';

type Info = tf.TensorInfo;

/** Heap views of a kernel's inputs and of its newly allocated outputs. */
export interface HeapOutputs {
  outs: Info[];
  inputs: Float32Array[];
  outputs: Float32Array[];
}

/** A float32 output of `shape`; a heap that cannot hold it throws a RangeError saying out of memory. */
export function allocateOutput(backend: BackendWasm, shape: number[]): Info {
  try {
    return backend.makeOutput(shape, 'float32');
  } catch (err) {
    // A failed wasm malloc surfaces as a trap in tfjs's tensor registration, not as an error that says why.
    if (!(err instanceof WebAssembly.RuntimeError)) throw err;
    const mib = (tf.util.sizeFromShape(shape) * 4) / 2 ** 20;
    throw new RangeError(`wasm heap allocation failed (out of memory) for a [${shape}] float32 tensor (${mib.toFixed(1)} MiB)`, { cause: err });
  }
}

/** Allocates outputs of `shapes`, then views the inputs and outputs on the heap. */
export function heapOutputs(backend: BackendWasm, inputs: Info[], shapes: number[][]): HeapOutputs {
  const outs = shapes.map((shape) => allocateOutput(backend, shape));
  const view = (x: Info) => backend.typedArrayFromHeap(x) as Float32Array;
  return { outs, inputs: inputs.map(view), outputs: outs.map(view) };
}
