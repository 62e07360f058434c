/**
 * Where a block of per-pixel fill values goes in a destination array: `planes` planes of `rows` rows
 * of `rowLength` values; row y of plane p starts at offset + p * planeStride + y * stride. A region's
 * h*w*C values fill an hwc image as one plane of h rows of w*C values, a chw image as C planes of h
 * rows of w values, and a plain array as one contiguous plane.
 */
export interface RowSpan {
  readonly offset: number;
  readonly rowLength: number;
  readonly rows: number;
  readonly stride: number;
  readonly planes: number;
  readonly planeStride: number;
}

/** A span covering `length` contiguous values from index 0. */
export function contiguousSpan(length: number): RowSpan {
  return { offset: 0, rowLength: length, rows: 1, stride: length, planes: 1, planeStride: length };
}

/** The number of values in a span. */
export function spanSize(span: RowSpan): number {
  return span.rowLength * span.rows * span.planes;
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
    const plane = Math.floor(row / span.rows);
    segment(at, span.offset + plane * span.planeStride + (row - plane * span.rows) * span.stride + column, length);
    at += length;
    row++;
  }
}
