/**
 * Standard normal values by the ziggurat method with 2048 layers: four xoshiro128++ generators side
 * by side in WebAssembly SIMD lanes for the fast test, a fifth, scalar one for the slow path. This is
 * the AssemblyScript source of the kernel embedded in src/core/ziggurat-wasm-module.ts (regenerate
 * with `npm run build:wasm`); src/core/ziggurat-js.ts and ziggurat-slow.ts compute the same bits in
 * JavaScript. Value i comes from step i >> 2 of lane i & 3.
 *
 * Memory layout, filled by the caller (for LAYERS layers) except OUTPUT and REJECTED:
 * - TABLE: per layer, the float32 width w and the int32 bound k - 1 of the fast test;
 * - STATE: the lanes' states (word j of lane l at STATE + 16 j + 4 l), then the slow-path generator's;
 * - EXP2: 2^(j/32) for j = 0..31, float64 (slow path);
 * - WN, FN, KN: per layer, float64 width, float64 density at the edge, int32 bound (slow path);
 * - REJECTED: (index, draw) pairs of the current pass; OUTPUT: the values.
 */
export const CAPACITY: i32 = 16384;
const LAYER_BITS: i32 = 11;
export const LAYERS: usize = 1 << LAYER_BITS;
export const TABLE: usize = 0;
export const STATE: usize = TABLE + 8 * LAYERS;
const SCRATCH: usize = STATE + 80;
export const EXP2: usize = SCRATCH + 16;
export const WN: usize = EXP2 + 8 * 32;
export const FN: usize = WN + 8 * LAYERS;
export const KN: usize = FN + 8 * LAYERS;
const REJECTED: usize = KN + 4 * LAYERS;
export const OUTPUT: usize = REJECTED + 8 * <usize>CAPACITY;

const R: f64 = 4.216370409511896;
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
const EXP_SCALE: f64 = 46.16624130844683;
const EXP_STEP_HI: f64 = LN2_HI / 32;
const EXP_STEP_LO: f64 = LN2_LO / 32;
const SQRT2: f64 = 1.4142135623730951;
const TWO_POW_M32: f64 = 2.3283064365386963e-10;

@inline function rotlLanes(x: v128, k: i32): v128 {
  return v128.or(i32x4.shl(x, k), i32x4.shr_u(x, 32 - k));
}

/** xoshiro128++ output of the current state: rotl(s0 + s3, 7) + s0. */
@inline function output(s0: v128, s3: v128): v128 {
  return i32x4.add(rotlLanes(i32x4.add(s0, s3), 7), s0);
}

/**
 * Write mean + std * hz * w[iz] for four draws u (iz = u & 2047, hz = u >> 11) at dst; return the
 * lanes whose |hz| exceeds k[iz] - 1 (the table holds k - 1): those the fast test does not accept.
 */
@inline function fastValues(u: v128, vmean: v128, vstd: v128, scaled: bool, dst: usize): v128 {
  // Byte offset of each lane's (w, k - 1) pair: (u & 2047) * 8, as two shifts.
  const at = i32x4.shr_u(i32x4.shl(u, 32 - LAYER_BITS), 29 - LAYER_BITS);
  const at01 = <u64>i64x2.extract_lane(at, 0);
  const at23 = <u64>i64x2.extract_lane(at, 1);
  let lo = v128.load64_lane(TABLE + <usize><u32>at01, vstd, 0);
  lo = v128.load64_lane(TABLE + <usize>(at01 >> 32), lo, 1);
  let hi = v128.load64_lane(TABLE + <usize><u32>at23, vstd, 0);
  hi = v128.load64_lane(TABLE + <usize>(at23 >> 32), hi, 1);
  const hz = i32x4.shr_s(u, LAYER_BITS);
  const x = f32x4.mul(f32x4.convert_i32x4_s(hz), i32x4.shuffle(lo, hi, 0, 2, 4, 6));
  v128.store(dst, scaled ? f32x4.add(f32x4.mul(x, vstd), vmean) : x);
  return i32x4.gt_s(i32x4.abs(hz), i32x4.shuffle(lo, hi, 1, 3, 5, 7));
}

/** List the lanes of `bad` below n as (index, draw) pairs at REJECTED from entry count; returns the new count. */
@inline function listRejected(bad: v128, u: v128, i: i32, n: i32, count: i32): i32 {
  const lanes = i32x4.bitmask(bad);
  v128.store(SCRATCH, u);
  for (let l = 0; l < 4 && i + l < n; l++) {
    if (((lanes >> l) & 1) == 0) continue;
    store<i32>(REJECTED + (<usize>count << 3), i + l);
    store<i32>(REJECTED + (<usize>count << 3) + 4, load<i32>(SCRATCH + (<usize>l << 2)));
    count++;
  }
  return count;
}

/**
 * Fast pass over values 0..n, eight per iteration (two steps of the four lanes; the state update is
 * written out twice because it assigns four locals); returns how many were rejected (listed at
 * REJECTED, in index order).
 */
@inline function fastPass(n: i32, mean: f32, std: f32, scaled: bool): i32 {
  let s0 = v128.load(STATE);
  let s1 = v128.load(STATE + 16);
  let s2 = v128.load(STATE + 32);
  let s3 = v128.load(STATE + 48);
  const vmean = f32x4.splat(mean);
  const vstd = f32x4.splat(std);
  let count = 0;
  for (let i = 0; i < n; i += 8) {
    const u0 = output(s0, s3);
    let t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = rotlLanes(s3, 11);
    const u1 = output(s0, s3);
    t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = rotlLanes(s3, 11);
    const dst = OUTPUT + (<usize>i << 2);
    const bad0 = fastValues(u0, vmean, vstd, scaled, dst);
    const bad1 = fastValues(u1, vmean, vstd, scaled, dst + 16);
    // One test for the eight values: about 98 % of the time none is rejected.
    if (v128.any_true(v128.or(bad0, bad1))) {
      count = listRejected(bad0, u0, i, n, count);
      count = listRejected(bad1, u1, i + 4, n, count);
    }
  }
  v128.store(STATE, s0);
  v128.store(STATE + 16, s1);
  v128.store(STATE + 32, s2);
  v128.store(STATE + 48, s3);
  return count;
}

/** The fast pass for N(0, 1), without the scaling: x * 1 + 0 is x exactly (x is never -0). */
function fastPassUnit(n: i32): i32 {
  return fastPass(n, 0, 1, false);
}

/** The fast pass for mean + std * z. */
function fastPassScaled(n: i32, mean: f32, std: f32): i32 {
  return fastPass(n, mean, std, true);
}

let g0: u32 = 0;
let g1: u32 = 0;
let g2: u32 = 0;
let g3: u32 = 0;

/** One step of the slow-path generator. */
function draw(): u32 {
  const result = rotl<u32>(g0 + g3, 7) + g0;
  const t = g1 << 9;
  g2 ^= g0;
  g3 ^= g1;
  g1 ^= g2;
  g0 ^= g3;
  g2 ^= t;
  g3 = rotl<u32>(g3, 11);
  return result;
}

@inline function pow2(k: i32): f64 {
  return reinterpret<f64>(<i64>(k + 1023) << 52);
}

/** exp(a) for a <= 0: a = (n + j/32) ln 2 + r, 2^(j/32) from EXP2, exp(r) by a degree-6 polynomial. */
function expNonPositive(a: f64): f64 {
  const n = <i32>Math.floor(a * EXP_SCALE + 0.5);
  const r = a - <f64>n * EXP_STEP_HI - <f64>n * EXP_STEP_LO;
  const r2 = r * r;
  // Estrin's scheme: a short dependency chain.
  const p = 1 + r + r2 * (0.5 + r * 0.16666666666666666 + r2 * (0.041666666666666664 + r * 0.008333333333333333 + r2 * 0.001388888888888889));
  return p * load<f64>(EXP2 + (<usize>(n & 31) << 3)) * pow2(n >> 5);
}

/** log(1 - u / 2^32): exponent by counting leading zeros, then the atanh series of the mantissa. */
function logUnit(u: u32): f64 {
  if (u == 0) return 0;
  const m: u32 = 0 - u;
  let e = 31 - <i32>clz<u32>(m);
  let f = <f64>m * pow2(-e);
  if (f > SQRT2) {
    f *= 0.5;
    e += 1;
  }
  const s = (f - 1) / (f + 1);
  const z = s * s;
  let t: f64 = 0.047619047619047616;
  t = t * z + 0.05263157894736842;
  t = t * z + 0.058823529411764705;
  t = t * z + 0.06666666666666667;
  t = t * z + 0.07692307692307693;
  t = t * z + 0.09090909090909091;
  t = t * z + 0.1111111111111111;
  t = t * z + 0.14285714285714285;
  t = t * z + 0.2;
  t = t * z + 0.3333333333333333;
  t = t * z + 1;
  const scale = <f64>(e - 32);
  return scale * LN2_HI + (scale * LN2_LO + 2 * s * t);
}

/** Finish a rejected draw (hz, iz): wedge tests and redraws until accepted, or the tail beyond R. */
function slowNormal(hz: i32, iz: i32): f64 {
  let x = <f64>hz * load<f64>(WN + (<usize>iz << 3));
  while (iz != 0) {
    const edge = load<f64>(FN + (<usize>iz << 3));
    const inner = load<f64>(FN + (<usize>(iz - 1) << 3));
    if (edge + <f64>draw() * TWO_POW_M32 * (inner - edge) < expNonPositive(-0.5 * x * x)) return x;
    const u = draw();
    hz = <i32>u >> LAYER_BITS;
    iz = <i32>(u & <u32>(LAYERS - 1));
    x = <f64>hz * load<f64>(WN + (<usize>iz << 3));
    if (abs<i32>(hz) < load<i32>(KN + (<usize>iz << 2))) return x;
  }
  let tx: f64;
  let ty: f64;
  do {
    tx = -logUnit(draw()) / R;
    ty = -logUnit(draw());
  } while (ty + ty < tx * tx);
  return hz > 0 ? R + tx : -R - tx;
}

/**
 * Fill OUTPUT[0..n), n <= CAPACITY, with mean + std * z: the fast test in float32 (mean and std
 * rounded to float32), rejected values finished in index order in float64 and rounded to float32.
 * The lanes advance to the next multiple of 8 values (OUTPUT beyond n is scratch).
 */
export function normals(n: i32, mean: f64, std: f64): void {
  const m = <f32>mean;
  const sd = <f32>std;
  const rejected = m == 0 && sd == 1 ? fastPassUnit(n) : fastPassScaled(n, m, sd);
  g0 = load<u32>(STATE + 64);
  g1 = load<u32>(STATE + 68);
  g2 = load<u32>(STATE + 72);
  g3 = load<u32>(STATE + 76);
  for (let j = 0; j < rejected; j++) {
    const at = REJECTED + (<usize>j << 3);
    const u = load<i32>(at + 4);
    store<f32>(OUTPUT + (<usize>load<i32>(at) << 2), <f32>(mean + std * slowNormal(u >> LAYER_BITS, u & <i32>(LAYERS - 1))));
  }
  store<u32>(STATE + 64, g0);
  store<u32>(STATE + 68, g1);
  store<u32>(STATE + 72, g2);
  store<u32>(STATE + 76, g3);
}
