/** Shared helpers for the engine tests: seeded data and running one kernel on a chosen backend. */
import { Rng } from '../../src/core/rng.js';
import { tf } from '../../src/tf/tf.js';

/** Seeded uniform values in [-1, 1). */
export function seededValues(size: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

/** A kernel input of `shape` with seeded values in [-1, 1). */
export function seededInput(shape: number[], seed: number): { values: Float32Array; shape: number[] } {
  return { values: seededValues(shape.reduce((a, b) => a * b, 1), seed), shape };
}

/** Largest absolute difference divided by the largest magnitude of the reference. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

export interface KernelResult {
  shape: number[];
  values: Float32Array;
}

/** Runs kernel `name` on `backend` with inputs given as plain data; returns its output. */
export async function runKernelOn(
  backend: 'cpu' | 'wasm',
  name: string,
  inputs: Record<string, { values: Float32Array; shape: number[] }>,
  attrs: Record<string, unknown>,
): Promise<KernelResult> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors: tf.NamedTensorMap = {};
    for (const [key, { values, shape }] of Object.entries(inputs)) tensors[key] = tf.tensor(values, shape);
    const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}
