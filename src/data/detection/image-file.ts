/**
 * Decoding the image files of VOC and COCO datasets: JPEG (jpeg-js) or PNG (pngjs), recognised by
 * their first bytes, to uint8 RGB hwc; the decoded size must match the annotation's.
 */
import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { imageView, type ImageView } from '../../core/image.js';
import { DataError } from '../dataset.js';

/** Largest image decoded, in megapixels (jpeg-js's guard against corrupt headers). */
const MAX_MEGAPIXELS = 200;

function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

/** RGBA → RGB. */
function dropAlpha(rgba: Uint8Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    rgb[3 * p] = rgba[4 * p];
    rgb[3 * p + 1] = rgba[4 * p + 1];
    rgb[3 * p + 2] = rgba[4 * p + 2];
  }
  return rgb;
}

function decodeBytes(file: string, bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  try {
    if (isJpeg(bytes)) {
      const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
      return { width, height, rgba: data };
    }
    if (isPng(bytes)) {
      const { width, height, data } = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width, height, rgba: data };
    }
  } catch (error) {
    throw new DataError(file, `cannot be decoded (${(error as Error).message})`);
  }
  throw new DataError(file, 'is neither a JPEG nor a PNG file');
}

/** Read and decode an image file to RGB, checking it is `height` x `width` as annotated (`annotation` names where). */
export async function readImageFile(file: string, height: number, width: number, annotation: string): Promise<ImageView<Uint8Array>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DataError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const decoded = decodeBytes(file, bytes);
  if (decoded.width !== width || decoded.height !== height) {
    throw new DataError(file, `is ${decoded.width}x${decoded.height}, but ${annotation} says ${width}x${height}`);
  }
  return imageView(dropAlpha(decoded.rgba, width * height), { height, width, channels: 3 });
}
