/** Mean and standard deviation over seeds. */

/** Summary of one configuration over its seeds. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1); null with a single value. */
  readonly std: number | null;
}

/** Mean and sample standard deviation of a non-empty list of finite numbers. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summarize: no values');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { n: 1, mean, std: null };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { n: values.length, mean, std: Math.sqrt(variance) };
}

/** `mean ± std` with fixed decimals (just the mean when there is one value). */
export function formatSummary(summary: Summary, digits = 2): string {
  const mean = summary.mean.toFixed(digits);
  return summary.std === null ? mean : `${mean} ± ${summary.std.toFixed(digits)}`;
}
