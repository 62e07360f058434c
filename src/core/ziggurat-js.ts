/**
 * The ziggurat kernel in JavaScript, value for value and bit for bit what the WebAssembly kernel
 * computes (assembly/normal-ziggurat.ts): the fast test in float32 arithmetic through Math.fround, the
 * slow path in float64 (ziggurat-slow.ts). Used where WebAssembly SIMD is unavailable, and by the tests
 * as the kernel's reference.
 */
import type { ZigguratKernel } from './ziggurat-kernel.js';
import { slowNormal } from './ziggurat-slow.js';
import { kn, LAYER_BITS, LAYERS, wf } from './ziggurat-tables.js';

const CAPACITY = 1 << 14;

/** A JavaScript kernel with its own buffers. */
export function jsZigguratKernel(): ZigguratKernel {
  const state = new Int32Array(20);
  const values = new Float32Array(CAPACITY);
  /** Indices of the rejected values, and the draw of each rejected value at its index. */
  const rejected = new Int32Array(CAPACITY);
  const draws = new Int32Array(CAPACITY);
  const fround = Math.fround;

  /**
   * Fast test of one lane's values lane, lane + 4, ... below n, its generator held in locals; the
   * lane advances `steps` steps. Returns the new count of rejected values.
   */
  function fastLane(lane: number, steps: number, n: number, mean: number, std: number, count: number): number {
    // Four plain declarations: a destructured array literal made this loop a quarter slower.
    let s0 = state[lane];
    let s1 = state[4 + lane];
    let s2 = state[8 + lane];
    let s3 = state[12 + lane];
    for (let i = lane; i < 4 * steps; i += 4) {
      const sum = (s0 + s3) | 0;
      const u = (((sum << 7) | (sum >>> 25)) + s0) | 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      if (i >= n) continue;
      const hz = u >> LAYER_BITS;
      const iz = u & (LAYERS - 1);
      values[i] = fround(fround(fround(hz * wf[iz]) * std) + mean);
      if (Math.abs(hz) >= kn[iz]) {
        rejected[count++] = i;
        draws[i] = u;
      }
    }
    [state[lane], state[4 + lane], state[8 + lane], state[12 + lane]] = [s0, s1, s2, s3];
    return count;
  }

  return {
    name: 'javascript',
    capacity: CAPACITY,
    state,
    values,
    normals(n, mean, std) {
      // The lanes advance to the next multiple of 8 values, as in the WebAssembly kernel.
      const steps = 2 * Math.ceil(n / 8);
      let count = 0;
      for (let lane = 0; lane < 4; lane++) count = fastLane(lane, steps, n, fround(mean), fround(std), count);
      // The slow path draws for the rejected values in index order.
      const order = rejected.subarray(0, count).sort();
      for (const i of order) values[i] = mean + std * slowNormal(state, 16, draws[i] >> LAYER_BITS, draws[i] & (LAYERS - 1));
    },
  };
}
