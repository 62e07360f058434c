/**
 * The mean of float64 values in numpy's summation order, so that averages of precision values come
 * out bit for bit as pycocotools' `np.mean`: blocks of 8192 (numpy's buffer) summed in turn, each by
 * numpy's pairwise sum (8 running sums up to 128 values, halves above, split on multiples of 8).
 */

/** numpy's reduction buffer size. */
const BUFFER = 8192;
/** numpy's pairwise-summation block. */
const BLOCK = 128;

function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = start; i < start + n; i++) sum += a[i];
    return sum;
  }
  if (n <= BLOCK) {
    const r = [a[start], a[start + 1], a[start + 2], a[start + 3], a[start + 4], a[start + 5], a[start + 6], a[start + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    let sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) sum += a[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}

/** `np.add.reduce` of a 1-D float64 array. */
export function numpySum(values: ArrayLike<number>): number {
  let sum = 0;
  for (let start = 0; start < values.length; start += BUFFER) sum += pairwiseSum(values, start, Math.min(BUFFER, values.length - start));
  return sum;
}

/** `np.mean` of a 1-D float64 array (NaN when empty, as numpy). */
export function numpyMean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}
