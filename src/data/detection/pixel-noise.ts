/**
 * Gaussian pixel noise for uint8 scenes, drawn by table. Added to integer pixels and rounded, noise
 * N(0, σ) only matters through round(N(0, σ)); that integer is looked up from a 16-bit uniform in a
 * table of its distribution (probabilities exact to 2^-16), two draws per 32-bit word, several
 * times faster than drawing normal floats and rounding them.
 */
import type { Rng } from '../../core/rng.js';

/** Table size: one entry per 16-bit uniform. */
const ENTRIES = 65536;

/** The standard normal distribution function (Abramowitz & Stegun 7.1.26, absolute error < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Adds round(N(0, σ)) to each pixel, clamped to 0..255. */
export class PixelNoise {
  private readonly table: Int16Array;
  private words: Uint32Array;

  constructor(readonly std: number) {
    this.table = new Int16Array(ENTRIES);
    this.words = new Uint32Array(0);
    const reach = Math.min(32767, Math.ceil(7 * std) + 1);
    let at = 0;
    for (let k = -reach; k <= reach && std > 0; k++) {
      const end = k === reach ? ENTRIES : Math.round(normalCdf((k + 0.5) / std) * ENTRIES);
      this.table.fill(k, at, Math.max(at, end));
      at = Math.max(at, end);
    }
  }

  /** Add noise to `pixels` in place, drawing `ceil(length / 2)` words from `rng`. */
  add(pixels: Uint8Array, rng: Rng): void {
    if (this.std === 0) return;
    const n = (pixels.length + 1) >> 1;
    if (this.words.length < n) this.words = new Uint32Array(n);
    const words = rng.fillUint32(this.words, 0, n);
    const table = this.table;
    for (let i = 0; i < pixels.length; i++) {
      const w = words[i >> 1];
      const v = pixels[i] + table[i & 1 ? w >>> 16 : w & 0xffff];
      pixels[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}
