/**
 * The ziggurat kernel in JavaScript, value for value and bit for bit what the WebAssembly kernel
 * computes (assembly/normal-ziggurat.ts): the fast test in float32 arithmetic through Math.fround, the
 * slow path in float64 (ziggurat-slow.ts). Used where WebAssembly SIMD is unavailable, and by the tests
 * as the kernel's reference.
 */
import type { ZigguratKernel } from './ziggurat-kernel.js';
import { slowNormal, xoshiroStep } from './ziggurat-slow.js';
import { kn, wf } from './ziggurat-tables.js';

const CAPACITY = 1 << 14;

/** A JavaScript kernel with its own buffers. */
export function jsZigguratKernel(): ZigguratKernel {
  const state = new Int32Array(20);
  const values = new Float32Array(CAPACITY);
  const rejected = new Int32Array(2 * CAPACITY);
  const fround = Math.fround;

  /** Fast test over values 0..n; returns how many were rejected, listed in `rejected`. */
  function fastPass(n: number, mean: number, std: number): number {
    let count = 0;
    const steps = Math.ceil(n / 4);
    for (let s = 0; s < steps; s++) {
      for (let lane = 0; lane < 4; lane++) {
        const u = xoshiroStep(state, lane, 4);
        const i = 4 * s + lane;
        if (i >= n) continue;
        const hz = u >> 8;
        const iz = u & 255;
        values[i] = fround(fround(fround(hz * wf[iz]) * std) + mean);
        if (Math.abs(hz) >= kn[iz]) {
          rejected[2 * count] = i;
          rejected[2 * count + 1] = u;
          count++;
        }
      }
    }
    return count;
  }

  return {
    name: 'javascript',
    capacity: CAPACITY,
    state,
    values,
    normals(n, mean, std) {
      const count = fastPass(n, fround(mean), fround(std));
      for (let j = 0; j < count; j++) {
        const u = rejected[2 * j + 1];
        values[rejected[2 * j]] = mean + std * slowNormal(state, 16, u >> 8, u & 255);
      }
    },
  };
}
