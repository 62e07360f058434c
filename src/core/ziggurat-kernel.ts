/**
 * Bulk standard normal values by the ziggurat method (tables in ziggurat-tables.ts): the fast test on
 * four xoshiro128++ generators side by side, the rejected 0.22 % finished in index order by the slow
 * path (ziggurat-slow.ts) from a fifth generator. A WebAssembly SIMD kernel runs it where the platform
 * allows, the same computation in JavaScript otherwise; both give identical bits. Each call seeds the
 * five generators with 20 draws of the caller's generator; value i comes from step i >> 2 of fast
 * generator i & 3.
 */
import { jsZigguratKernel } from './ziggurat-js.js';
import { wasmZigguratKernel } from './ziggurat-wasm.js';

/** One implementation of the method. */
export interface ZigguratKernel {
  /** Which implementation this is. */
  readonly name: NormalKernelName;
  /** Most values one call computes (a multiple of 8). */
  readonly capacity: number;
  /**
   * The generators' states, 20 words: word j of fast generator l at index 4 j + l, then the slow-path
   * generator's four words.
   */
  readonly state: Int32Array;
  /** Values of the last call, from index 0. */
  readonly values: Float32Array;
  /**
   * Write mean + std * z for values 0..n (n <= capacity): accepted values in float32 arithmetic (mean
   * and std rounded to float32), finished ones in float64 rounded to float32. The fast generators
   * advance to the next multiple of 8 values.
   */
  normals(n: number, mean: number, std: number): void;
}

/** The implementations of bulk normal values; both give identical bits. */
export type NormalKernelName = 'wasm-simd' | 'javascript';

/** The 32-bit draws that seed a call: a generator such as {@link Rng}. */
export interface WordSource {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
}

let preferred: ZigguratKernel | undefined;

/** The WebAssembly kernel when it can be instantiated here, else the JavaScript one. */
export function zigguratKernel(): ZigguratKernel {
  preferred ??= wasmZigguratKernel() ?? jsZigguratKernel();
  return preferred;
}

/**
 * Which implementation draws bulk normal values ({@link Rng.fillNormal}, `normal` fills) here:
 * 'wasm-simd' where WebAssembly SIMD can run, else 'javascript'. The values are the same either way;
 * only the speed differs.
 */
export function normalKernelName(): NormalKernelName {
  return zigguratKernel().name;
}

/** Seed the five generators from `source`; an all-zero state (never met in practice) is made valid. */
function seed(source: WordSource, state: Int32Array): void {
  for (let i = 0; i < 20; i++) state[i] = source.nextUint32();
  for (let g = 0; g < 4; g++) {
    if ((state[g] | state[4 + g] | state[8 + g] | state[12 + g]) === 0) state[g] = 1;
  }
  if ((state[16] | state[17] | state[18] | state[19]) === 0) state[16] = 1;
}

/**
 * Draw n values mean + std * z, z standard normal, seeded from `source`, and hand them over in order,
 * in chunks: take(values, first, count) gets values first..first+count in values[0..count). The chunk
 * array is reused: copy what you keep before returning.
 */
export function drawNormals(
  source: WordSource,
  n: number,
  mean: number,
  std: number,
  take: (values: Float32Array, first: number, count: number) => void,
  kernel: ZigguratKernel = zigguratKernel(),
): void {
  if (n <= 0) return;
  seed(source, kernel.state);
  for (let first = 0; first < n; first += kernel.capacity) {
    const count = Math.min(kernel.capacity, n - first);
    kernel.normals(count, mean, std);
    take(kernel.values, first, count);
  }
}
