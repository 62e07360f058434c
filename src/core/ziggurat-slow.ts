/**
 * The ziggurat slow path, for the 0.22 % of draws the fast test rejects: the tail beyond R for the
 * base layer, the wedge test for the others. It draws from a fifth xoshiro128++ generator and works
 * in float64 arithmetic that the WebAssembly kernel (assembly/normal-ziggurat.ts) repeats operation
 * for operation, so exp and log are computed here by range reduction and polynomials: Math.exp and
 * Math.log may differ from them in the last bit, and from engine to engine.
 */
import { fn, kn, LAYER_BITS, LAYERS, R, wn } from './ziggurat-tables.js';

const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** 32 / ln 2, and ln 2 / 32 split in two so that n * EXP_STEP_HI is exact. */
const EXP_SCALE = 46.16624130844683;
const EXP_STEP_HI = LN2_HI / 32;
const EXP_STEP_LO = LN2_LO / 32;
const SQRT2 = 1.4142135623730951;
const TWO_POW_M32 = 2.3283064365386963e-10;
/** 2^(j/32) for j = 0..31: exp(a) = 2^(n/32) exp(r), |r| <= ln2 / 64, exp(r) by a degree-6 polynomial. */
export const EXP2_STEPS = Float64Array.from({ length: 32 }, (_, j) => 2 ** (j / 32));
/** 1/(2k+1) for k = 0..10: log(f) = 2 s sum of s^2k / (2k+1), s = (f-1)/(f+1), |s| < 0.172. */
const LOG_TERMS = [
  1, 0.3333333333333333, 0.2, 0.14285714285714285, 0.1111111111111111, 0.09090909090909091, 0.07692307692307693,
  0.06666666666666667, 0.058823529411764705, 0.05263157894736842, 0.047619047619047616,
];

/** exp(a) for a <= 0 (the wedge test needs a >= -7), error below 1e-17 plus rounding. */
export function expNonPositive(a: number): number {
  const n = Math.floor(a * EXP_SCALE + 0.5);
  const r = a - n * EXP_STEP_HI - n * EXP_STEP_LO;
  const r2 = r * r;
  // Estrin's scheme: a short dependency chain.
  const p = 1 + r + r2 * (0.5 + r * 0.16666666666666666 + r2 * (0.041666666666666664 + r * 0.008333333333333333 + r2 * 0.001388888888888889));
  return p * EXP2_STEPS[n & 31] * 2 ** (n >> 5);
}

/** log(1 - u / 2^32) for a 32-bit draw u: the log of a uniform value in (0, 1]. */
export function logUnit(u: number): number {
  const m = 4294967296 - u;
  if (m === 4294967296) return 0;
  let e = 31 - Math.clz32(m);
  let f = m * 2 ** -e;
  if (f > SQRT2) {
    f *= 0.5;
    e += 1;
  }
  const s = (f - 1) / (f + 1);
  const z = s * s;
  let t = LOG_TERMS[10];
  for (let i = 9; i >= 0; i--) t = t * z + LOG_TERMS[i];
  const scale = e - 32;
  return scale * LN2_HI + (scale * LN2_LO + 2 * s * t);
}

/** One xoshiro128++ step of the slow-path generator, whose four words are st[at..at+4]; returns the unsigned output. */
export function xoshiroStep(st: Int32Array, at: number): number {
  const [s0, s1] = [st[at], st[at + 1]];
  const sum = (s0 + st[at + 3]) | 0;
  const [s2, s3] = [st[at + 2] ^ s0, st[at + 3] ^ s1];
  const u = (((sum << 7) | (sum >>> 25)) + s0) >>> 0;
  st[at] = s0 ^ s3;
  st[at + 1] = s1 ^ s2;
  st[at + 2] = s2 ^ (s1 << 9);
  st[at + 3] = (s3 << 11) | (s3 >>> 21);
  return u;
}

/**
 * Finish a rejected draw (hz, iz) with draws of the generator at st[at..at+4): wedge tests and
 * redraws until one is accepted, or the tail beyond R once the base layer comes up.
 */
export function slowNormal(st: Int32Array, at: number, hz: number, iz: number): number {
  let x = hz * wn[iz];
  while (iz !== 0) {
    if (fn[iz] + xoshiroStep(st, at) * TWO_POW_M32 * (fn[iz - 1] - fn[iz]) < expNonPositive(-0.5 * x * x)) return x;
    const u = xoshiroStep(st, at);
    hz = (u | 0) >> LAYER_BITS;
    iz = u & (LAYERS - 1);
    x = hz * wn[iz];
    if (Math.abs(hz) < kn[iz]) return x;
  }
  let tx: number;
  let ty: number;
  do {
    tx = -logUnit(xoshiroStep(st, at)) / R;
    ty = -logUnit(xoshiroStep(st, at));
  } while (ty + ty < tx * tx);
  return hz > 0 ? R + tx : -R - tx;
}
