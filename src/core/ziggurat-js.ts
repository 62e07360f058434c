/**
 * The ziggurat fast pass in JavaScript, value for value and bit for bit what the WebAssembly kernel
 * computes (assembly/normal-ziggurat.ts): float32 arithmetic through Math.fround. Used where
 * WebAssembly SIMD is unavailable, and by the tests as the kernel's reference.
 */
import type { ZigguratKernel } from './ziggurat-kernel.js';
import { kn, wf } from './ziggurat-tables.js';

const CAPACITY = 1 << 14;

/** Advance generator `lane` of `st` one xoshiro128** step; return its output. */
function step(st: Int32Array, lane: number): number {
  const [i0, i1, i2, i3] = [lane, 4 + lane, 8 + lane, 12 + lane];
  const s1 = st[i1];
  const m = Math.imul(s1, 5);
  const u = Math.imul((m << 7) | (m >>> 25), 9);
  const t = s1 << 9;
  st[i2] ^= st[i0];
  st[i3] ^= s1;
  st[i1] ^= st[i2];
  st[i0] ^= st[i3];
  st[i2] ^= t;
  st[i3] = (st[i3] << 11) | (st[i3] >>> 21);
  return u;
}

/** A JavaScript kernel with its own buffers. */
export function jsZigguratKernel(): ZigguratKernel {
  const state = new Int32Array(16);
  const values = new Float32Array(CAPACITY);
  const rejected = new Int32Array(2 * CAPACITY);
  const fround = Math.fround;
  return {
    capacity: CAPACITY,
    state,
    values,
    rejected,
    fastPass(n, mean, std) {
      const [m32, s32] = [fround(mean), fround(std)];
      let count = 0;
      const steps = 2 * Math.ceil(n / 8);
      for (let s = 0; s < steps; s++) {
        for (let lane = 0; lane < 4; lane++) {
          const u = step(state, lane);
          const i = 4 * s + lane;
          if (i >= n) continue;
          const hz = u >> 8;
          const iz = u & 255;
          values[i] = fround(fround(fround(hz * wf[iz]) * s32) + m32);
          if (Math.abs(hz) >= kn[iz]) {
            rejected[2 * count] = i;
            rejected[2 * count + 1] = u;
            count++;
          }
        }
      }
      return count;
    },
  };
}
