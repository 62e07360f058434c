/**
 * Standard normal values by the ziggurat method, four xoshiro128** generators side by side in
 * WebAssembly SIMD lanes (AssemblyScript source of the kernel embedded in src/core/ziggurat-wasm.ts;
 * `npm run build:wasm` regenerates it). Value i comes from step i >> 2 of lane i & 3. Memory layout:
 * the layer table at TABLE (per layer: width w as f32, bound k as i32), the four lane states at STATE
 * (word j of lane l at STATE + 16 j + 4 l), scratch for the rare rejection pass at SCRATCH, and the
 * output from OUTPUT. src/core/ziggurat.ts holds the same computation in JavaScript.
 */
export const TABLE: usize = 0;
export const STATE: usize = 2048;
const SCRATCH: usize = 2112;
export const OUTPUT: usize = 4096;

@inline function rotl(x: v128, k: i32): v128 {
  return v128.or(i32x4.shl(x, k), i32x4.shr_u(x, 32 - k));
}

/** xoshiro128** output of the current state: rotl(s1 * 5, 7) * 9, multiplications as shift-adds. */
@inline function scramble(s1: v128): v128 {
  const r = rotl(i32x4.add(s1, i32x4.shl(s1, 2)), 7);
  return i32x4.add(r, i32x4.shl(r, 3));
}

/**
 * Write mean + std * hz * w[iz] for four draws u (iz = u & 255, hz = u >> 8) at dst; return the lanes
 * whose |hz| reaches the layer bound k[iz], which the fast test does not accept.
 */
@inline function fastValues(u: v128, vmean: v128, vstd: v128, dst: usize): v128 {
  // Byte offset of each lane's (w, k) pair: (u & 255) * 8, as two shifts.
  const at = i32x4.shr_u(i32x4.shl(u, 24), 21);
  let lo = v128.load64_lane(TABLE + <usize>i32x4.extract_lane(at, 0), vstd, 0);
  lo = v128.load64_lane(TABLE + <usize>i32x4.extract_lane(at, 1), lo, 1);
  let hi = v128.load64_lane(TABLE + <usize>i32x4.extract_lane(at, 2), vstd, 0);
  hi = v128.load64_lane(TABLE + <usize>i32x4.extract_lane(at, 3), hi, 1);
  const hz = i32x4.shr_s(u, 8);
  const x = f32x4.mul(f32x4.convert_i32x4_s(hz), i32x4.shuffle(lo, hi, 0, 2, 4, 6));
  v128.store(dst, f32x4.add(f32x4.mul(x, vstd), vmean));
  return i32x4.ge_s(i32x4.abs(hz), i32x4.shuffle(lo, hi, 1, 3, 5, 7));
}

/**
 * Fill OUTPUT[0..n) with normal values, eight per iteration (the last few may be written past n).
 * Rejected values are listed at `rejected` as (index, 32-bit draw) pairs; returns how many.
 */
export function fastNormals(n: i32, mean: f32, std: f32, rejected: usize): i32 {
  let s0 = v128.load(STATE);
  let s1 = v128.load(STATE + 16);
  let s2 = v128.load(STATE + 32);
  let s3 = v128.load(STATE + 48);
  const vmean = f32x4.splat(mean);
  const vstd = f32x4.splat(std);
  let count = 0;
  for (let i = 0; i < n; i += 8) {
    const u0 = scramble(s1);
    let t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = rotl(s3, 11);
    const u1 = scramble(s1);
    t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = rotl(s3, 11);
    const dst = OUTPUT + (<usize>i << 2);
    const bad0 = fastValues(u0, vmean, vstd, dst);
    const bad1 = fastValues(u1, vmean, vstd, dst + 16);
    if (v128.any_true(v128.or(bad0, bad1))) {
      const lanes = i32x4.bitmask(bad0) | (i32x4.bitmask(bad1) << 4);
      v128.store(SCRATCH, u0);
      v128.store(SCRATCH + 16, u1);
      for (let l = 0; l < 8 && i + l < n; l++) {
        if (((lanes >> l) & 1) == 0) continue;
        store<i32>(rejected + (<usize>count << 3), i + l);
        store<i32>(rejected + (<usize>count << 3) + 4, load<i32>(SCRATCH + (<usize>l << 2)));
        count++;
      }
    }
  }
  v128.store(STATE, s0);
  v128.store(STATE + 16, s1);
  v128.store(STATE + 32, s2);
  v128.store(STATE + 48, s3);
  return count;
}
