import type { PixelArray } from './image.js';

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
  const { rowLength, rows, stride, planeStride } = span;
  const end = first + count;
  const row = Math.floor(first / rowLength);
  let plane = Math.floor(row / rows);
  let y = row - plane * rows;
  let column = first - row * rowLength;
  for (let at = first; at < end; ) {
    const length = Math.min(rowLength - column, end - at);
    segment(at, span.offset + plane * planeStride + y * stride + column, length);
    at += length;
    column = 0;
    if (++y === rows) [y, plane] = [0, plane + 1];
  }
}

/**
 * Copy block values first..first+count, held in source[0..count), to their rows in `out`. Each row
 * goes through a view made by the constructor, cheaper than `subarray` (which looks up the species)
 * for the hundreds of short rows of a chw region.
 */
export function copyRows(out: PixelArray, source: Float32Array | Uint8Array, span: RowSpan, first: number, count: number): void {
  const { buffer, byteOffset, BYTES_PER_ELEMENT: size } = source;
  const float = source instanceof Float32Array;
  rowSegments(span, first, count, (at, to, length) => {
    const offset = byteOffset + (at - first) * size;
    out.set(float ? new Float32Array(buffer, offset, length) : new Uint8Array(buffer, offset, length), to);
  });
}
