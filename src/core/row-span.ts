/**
 * Where a block of per-pixel fill values goes: `rows` rows of `rowLength` values, row r starting at
 * offset + r * stride of the destination array. A block of h*w*C values (hwc order) lands in an hwc
 * image's region with stride W*C, or in a plain array with stride rowLength.
 */
export interface RowSpan {
  readonly offset: number;
  readonly rowLength: number;
  readonly rows: number;
  readonly stride: number;
}

/** The number of values in a span. */
export function spanSize(span: RowSpan): number {
  return span.rowLength * span.rows;
}

/**
 * Split block values first..first+count into the row pieces they occupy: segment(at, to, length)
 * for block index `at` going to destination index `to`.
 */
export function rowSegments(
  span: RowSpan,
  first: number,
  count: number,
  segment: (at: number, to: number, length: number) => void,
): void {
  const end = first + count;
  let row = Math.floor(first / span.rowLength);
  let at = first;
  while (at < end) {
    const column = at - row * span.rowLength;
    const length = Math.min(span.rowLength - column, end - at);
    segment(at, span.offset + row * span.stride + column, length);
    at += length;
    row++;
  }
}
