/** Reader for the IDX format of MNIST and Fashion-MNIST (big-endian header, uint8 payload). */
import { DataError } from './dataset.js';

/** IDX magic numbers: unsigned-byte data with 3 dimensions (images) or 1 (labels). */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

/** A parsed IDX file: its dimensions and a view of the uint8 payload. */
export interface IdxData {
  readonly dims: number[];
  readonly data: Uint8Array;
}

/**
 * Parse an uncompressed IDX buffer, checking the magic number, the header and that the payload
 * length is exactly the product of the dimensions. `file` names the source in errors.
 */
export function parseIdx(buffer: Uint8Array, expectedMagic: number, file: string): IdxData {
  if (buffer.length < 4) throw new DataError(file, `truncated: ${buffer.length} bytes, no IDX header`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    throw new DataError(file, `bad magic number ${magic}, expected ${expectedMagic}`);
  }
  const rank = magic & 0xff;
  const headerLength = 4 + 4 * rank;
  if (buffer.length < headerLength) throw new DataError(file, `truncated IDX header (${buffer.length} bytes)`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = buffer.length - headerLength;
  if (actual !== expected) {
    const problem = actual < expected ? 'truncated' : 'trailing bytes';
    throw new DataError(file, `${problem}: payload has ${actual} bytes, dimensions ${dims.join('x')} need ${expected}`);
  }
  return { dims, data: buffer.subarray(headerLength) };
}
