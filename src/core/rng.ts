/**
 * Seeded pseudo-random numbers.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna) on four 32-bit words. A generator is identified by a
 * key: the user's seed followed by any number of stream ids (epoch, sample index, worker, ...).
 * The key is hashed with the murmur3 finaliser into a SplitMix32 sequence that fills the state, so
 * `Rng.fromSeed(7).derive(3, 12)` is the same stream wherever and whenever it is created. This is
 * what makes runs reproducible whatever the number of data workers. *
 * Normal values in bulk ({@link Rng.fillNormal}) use the ziggurat method of Marsaglia & Tsang (2000)
 * with 256 layers: the layer index comes from the low 8 bits of a 32-bit draw and the signed
 * magnitude from the other 24 bits, so the two are independent (the correction of Doornik, 2005).
 */

/** Serializable generator state, for checkpoints. */
export interface RngState {
  readonly key: readonly number[];
  readonly s: readonly [number, number, number, number];
  readonly spare: number | null;
}

const TWO_POW_32 = 4294967296;

const LAYERS = 256;
const R = 3.6541528853610088;
const AREA = 0.00492867323399;
const SCALE = 2 ** 23;

/**
 * Ziggurat tables. For a 32-bit draw u, layer iz = u & 255 and signed magnitude hz = u >> 8 (as
 * int32): the value is hz * wn[iz], accepted at once when |hz| < kn[iz], else finished by
 * {@link zigguratSlowPath}; fn[i] is the density at layer i's edge.
 */
const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);

function buildZigguratTables(): void {
  let dn = R;
  let tn = dn;
  const q = AREA / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * SCALE);
  kn[1] = 0;
  wn[0] = q / SCALE;
  wn[LAYERS - 1] = dn / SCALE;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * SCALE);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / SCALE;
  }
}
buildZigguratTables();

/** Slow path for a rejected fast test: the base strip's tail or a wedge test, drawing more from rng. */
function zigguratSlowPath(rng: Rng, hz: number, iz: number): number {
  for (;;) {
    const x = hz * wn[iz];
    if (iz === 0) {
      let tx: number;
      let ty: number;
      do {
        tx = -Math.log(1 - rng.next()) / R;
        ty = -Math.log(1 - rng.next());
      } while (ty + ty < tx * tx);
      return hz > 0 ? R + tx : -R - tx;
    }
    if (fn[iz] + rng.next() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
    const u = rng.nextUint32();
    hz = (u | 0) >> 8;
    iz = u & 255;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
  }
}

/** Rejected ziggurat draws of the current {@link Rng.fillNormal} call: index and 32-bit draw. */
let rejectedIndex = new Int32Array(0);
let rejectedBits = new Int32Array(0);
/** Generator state while {@link fastNormals} runs (int32 words keep its loop in integer arithmetic). */
const normalState = new Int32Array(4);

/**
 * The fast pass of {@link Rng.fillNormal}: advances the xoshiro128** state `st` once per value and
 * writes every value the ziggurat accepts at once; returns how many were rejected (listed in
 * rejectedIndex / rejectedBits). The xoshiro step is written out here, as in Rng.nextUint32, because
 * one tight loop is about 1.7x faster than drawing the words first.
 */
function fastNormals(st: Int32Array, out: Float32Array, offset: number, n: number, mean: number, std: number): number {
  let [s0, s1, s2, s3] = [st[0], st[1], st[2], st[3]];
  const index = rejectedIndex;
  const bits = rejectedBits;
  let rejected = 0;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const hz = u >> 8;
    const iz = u & 255;
    out[offset + i] = mean + std * (hz * wn[iz]);
    if (Math.abs(hz) >= kn[iz]) {
      index[rejected] = i;
      bits[rejected++] = u;
    }
  }
  [st[0], st[1], st[2], st[3]] = [s0, s1, s2, s3];
  return rejected;
}

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
   * Fill out[offset..offset+n) with mean + std * z, z standard normal by the ziggurat method (see
   * the module comment): one 32-bit draw per value in one tight loop; the few rejected values
   * (1.5%) are then finished in index order with further draws.
   */
  fillNormal(out: Float32Array, offset: number, n: number, mean = 0, std = 1): Float32Array {
    if (rejectedIndex.length < n) [rejectedIndex, rejectedBits] = [new Int32Array(n), new Int32Array(n)];
    const st = normalState;
    [st[0], st[1], st[2], st[3]] = [this.s0, this.s1, this.s2, this.s3];
    const rejected = fastNormals(st, out, offset, n, mean, std);
    [this.s0, this.s1, this.s2, this.s3] = [st[0], st[1], st[2], st[3]];
    for (let j = 0; j < rejected; j++) {
      const u = rejectedBits[j];
      out[offset + rejectedIndex[j]] = mean + std * zigguratSlowPath(this, u >> 8, u & 255);
    }
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
