/**
 * Sums and means of float64 values in numpy's order, so that averages of precision values come out
 * bit for bit as pycocotools' `np.mean`: numpy's pairwise sum (8 running sums up to 128 values,
 * halves above, split on multiples of 8). numpy 2 (checked: 2.4) sums a contiguous array whole;
 * numpy 1 (checked: Debian 12's 1.24) sums it in blocks of its 8192-value buffer, one after the
 * other, which can change the last bit of longer sums.
 */

/** numpy's pairwise-summation block. */
const BLOCK = 128;

/** numpy 1's reduction buffer, in values. */
export const NUMPY1_BUFFER = 8192;

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

/** `np.add.reduce` of a 1-D float64 array: numpy 2's by default, numpy 1's with `buffer` = {@link NUMPY1_BUFFER}. */
export function numpySum(values: ArrayLike<number>, buffer = Infinity): number {
  let sum = 0;
  for (let start = 0; start < values.length; start += buffer) sum += pairwiseSum(values, start, Math.min(buffer, values.length - start));
  return sum;
}

/** `np.mean` of a 1-D float64 array (NaN when empty, as numpy); `buffer` as in {@link numpySum}. */
export function numpyMean(values: ArrayLike<number>, buffer = Infinity): number {
  return numpySum(values, buffer) / values.length;
}
