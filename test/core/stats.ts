/** Small statistics helpers for the core tests. */

/** Pearson chi-square statistic of observed counts against expected counts. */
export function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((s, o, i) => s + (o - expected[i]) ** 2 / expected[i], 0);
}

/** Chi-square of counts against equal expected counts. */
export function chiSquareUniform(observed: readonly number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  return chiSquare(observed, observed.map(() => total / observed.length));
}

/**
 * Upper bound a chi-square statistic with `df` degrees of freedom exceeds with probability below
 * about 1e-6 (Wilson-Hilferty approximation at z = 4.75).
 */
export function chiSquareBound(df: number): number {
  const z = 4.75;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

/** Histogram of values into `bins` equal bins over [lo, hi] (values outside are clamped to the end bins). */
export function histogram(values: readonly number[], lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
  return counts;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
