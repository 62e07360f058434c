/**
 * Seeded pseudo-random numbers.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna) on four 32-bit words. A generator is identified by a
 * key: the user's seed followed by any number of stream ids (epoch, sample index, worker, ...).
 * The key is hashed with the murmur3 finaliser into a SplitMix32 sequence that fills the state, so
 * `Rng.fromSeed(7).derive(3, 12)` is the same stream wherever and whenever it is created. This is
 * what makes runs reproducible whatever the number of data workers.
 * Normal values in bulk ({@link Rng.fillNormal}) use the ziggurat method of Marsaglia & Tsang (2000)
 * on four xoshiro128++ generators seeded from this one (see ziggurat-kernel.ts).
 */

/** Serializable generator state, for checkpoints. */
export interface RngState {
  readonly key: readonly number[];
  readonly s: readonly [number, number, number, number];
  readonly spare: number | null;
}

import { drawNormals } from './ziggurat-kernel.js';

const TWO_POW_32 = 4294967296;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a key (list of 32-bit integers) into one 32-bit word. */
function hashKey(key: readonly number[]): number {
  let h = 0x9e3779b9 ^ key.length;
  for (const k of key) h = fmix32((h ^ fmix32(k >>> 0)) + 0x7f4a7c15);
  return h;
}

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return [next, (z ^ (z >>> 15)) >>> 0];
}

function checkKeyPart(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${what} must be an integer in [0, 2^32), got ${value}`);
  }
  return value;
}

/** A seeded generator with derivable independent streams. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  private constructor(readonly key: readonly number[]) {
    let sm = hashKey(key);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(sm);
      sm = next;
      words.push(out);
    }
    if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
    [this.s0, this.s1, this.s2, this.s3] = words;
  }

  /** A generator for a user seed (an integer in [0, 2^32)). */
  static fromSeed(seed: number): Rng {
    return new Rng([checkKeyPart(seed, 'seed')]);
  }

  /** Restore a generator saved with {@link Rng.state}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(state.key);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.s;
    rng.spare = state.spare;
    return rng;
  }

  /**
   * An independent stream keyed by this generator's key plus `ids` (e.g. epoch, sample index).
   * It does not consume or depend on this generator's position.
   */
  derive(...ids: number[]): Rng {
    return new Rng([...this.key, ...ids.map((id, i) => checkKeyPart(id, `stream id ${i}`))]);
  }

  /** The current state, to save in a checkpoint. */
  state(): RngState {
    return { key: [...this.key], s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Fill out[start..end) with the next 32-bit draws: the same values, in the same order, as that many
   * {@link Rng.nextUint32} calls, generated in one tight loop (for per-pixel noise).
   */
  fillUint32(out: Uint32Array, start = 0, end = out.length): Uint32Array {
    // | 0 keeps the loop in int32 arithmetic (the fields may hold uint32 values stored as doubles).
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    for (let i = start; i < end; i++) {
      out[i] = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return out;
  }

  /**
   * Fill out[offset..offset+n) with mean + std * z, z standard normal by the ziggurat method on four
   * generators seeded with 16 draws of this one (WebAssembly SIMD where available, the same bits in
   * JavaScript elsewhere); the few rejected values (1.5%) are finished with further draws.
   */
  fillNormal(out: Float32Array, offset: number, n: number, mean = 0, std = 1): Float32Array {
    drawNormals(this, n, mean, std, (values, first, count) => out.set(values.subarray(0, count), offset + first));
    return out;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi], both ends inclusive, without modulo bias. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (span <= 1) return lo;
    const limit = TWO_POW_32 - (TWO_POW_32 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return lo + (x % span);
  }

  /** Standard normal draw (Marsaglia polar method; the second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<A extends { length: number; [index: number]: unknown }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
