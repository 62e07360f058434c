/**
 * Bulk standard normal values: the ziggurat fast test (see ziggurat-tables.ts) on four xoshiro128**
 * generators side by side, run by a WebAssembly SIMD kernel where the platform has one and by the same
 * computation in JavaScript otherwise; both give identical bits. Each call seeds the four generators
 * with 16 draws of the caller's generator, writes value i from step i >> 2 of generator i & 3, then
 * finishes the rejected values (about 1.5 %) in index order with further draws of the caller's
 * generator.
 */
import { type UniformSource, zigguratSlowPath } from './ziggurat-tables.js';
import { jsZigguratKernel } from './ziggurat-js.js';
import { wasmZigguratKernel } from './ziggurat-wasm.js';

/** One implementation of the fast pass. */
export interface ZigguratKernel {
  /** Most values one fast pass computes (a multiple of 8). */
  readonly capacity: number;
  /** The four generators' states: word j of generator l at index 4 j + l. */
  readonly state: Int32Array;
  /** Values of the last fast pass, from index 0. */
  readonly values: Float32Array;
  /** Rejected values of the last fast pass as (index, 32-bit draw) pairs. */
  readonly rejected: Int32Array;
  /**
   * Write mean + std * z for values 0..n (n <= capacity) in float32 arithmetic, list the rejected ones,
   * return their count, and advance the states to the next multiple of 8 values.
   */
  fastPass(n: number, mean: number, std: number): number;
}

let preferred: ZigguratKernel | undefined;

/** The WebAssembly kernel when it can be instantiated here, else the JavaScript one. */
export function zigguratKernel(): ZigguratKernel {
  preferred ??= wasmZigguratKernel() ?? jsZigguratKernel();
  return preferred;
}

/** Seed the four generators from `source` (an all-zero state, never met in practice, is made valid). */
function seedLanes(source: UniformSource, state: Int32Array): void {
  for (let i = 0; i < 16; i++) state[i] = source.nextUint32();
  for (let lane = 0; lane < 4; lane++) {
    if ((state[lane] | state[4 + lane] | state[8 + lane] | state[12 + lane]) === 0) state[lane] = 1;
  }
}

/**
 * Draw n values mean + std * z, z standard normal, from `source`, and hand them over in order, in
 * chunks: take(values, first, count) gets values first..first+count in values[0..count). The chunk
 * array is reused: copy what you keep before returning.
 */
export function drawNormals(
  source: UniformSource,
  n: number,
  mean: number,
  std: number,
  take: (values: Float32Array, first: number, count: number) => void,
  kernel: ZigguratKernel = zigguratKernel(),
): void {
  if (n <= 0) return;
  seedLanes(source, kernel.state);
  for (let first = 0; first < n; first += kernel.capacity) {
    const count = Math.min(kernel.capacity, n - first);
    const rejected = kernel.fastPass(count, mean, std);
    const { values, rejected: list } = kernel;
    for (let j = 0; j < rejected; j++) {
      const u = list[2 * j + 1];
      values[list[2 * j]] = mean + std * zigguratSlowPath(source, u >> 8, u & 255);
    }
    take(values, first, count);
  }
}
