/**
 * Image and batch views over typed arrays. A view does not copy: it names the shape and memory
 * layout of pixels held in a Uint8Array or Float32Array.
 */

import { uninitialisedBytes } from './uninitialised.js';

/** Pixel storage accepted everywhere in the library. */
export type PixelArray = Uint8Array | Float32Array;

/** Layout of one image: channels last (`hwc`) or channels first (`chw`). */
export type ImageLayout = 'hwc' | 'chw';

/** Layout of a batch of images. */
export type BatchLayout = 'nhwc' | 'nchw';

/** Shape of one image. */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Default `hwc`. */
  readonly layout?: ImageLayout;
}

/** One image: pixels plus shape and layout. */
export interface ImageView<T extends PixelArray = PixelArray> {
  readonly data: T;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly layout: ImageLayout;
}

/** A batch of same-shaped images stored contiguously. */
export interface BatchView<T extends PixelArray = PixelArray> {
  readonly data: T;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly layout: BatchLayout;
}

function checkDim(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

function checkData(data: PixelArray, expected: number, what: string): void {
  if (!(data instanceof Uint8Array || data instanceof Float32Array)) {
    throw new TypeError(`${what}: data must be a Uint8Array or Float32Array`);
  }
  if (data.length !== expected) {
    throw new RangeError(`${what}: data length ${data.length} does not match the shape (expected ${expected})`);
  }
}

/** Wrap pixels as an image view, checking that the length matches the shape. */
export function imageView<T extends PixelArray>(data: T, shape: ImageShape): ImageView<T> {
  checkDim(shape.height, 'height');
  checkDim(shape.width, 'width');
  checkDim(shape.channels, 'channels');
  const layout = shape.layout ?? 'hwc';
  if (layout !== 'hwc' && layout !== 'chw') throw new RangeError(`layout must be 'hwc' or 'chw', got '${layout}'`);
  checkData(data, shape.height * shape.width * shape.channels, 'image');
  return { data, height: shape.height, width: shape.width, channels: shape.channels, layout };
}

/** Wrap pixels as a batch view of `count` images. */
export function batchView<T extends PixelArray>(
  data: T,
  shape: { count: number; height: number; width: number; channels: number; layout?: BatchLayout },
): BatchView<T> {
  checkDim(shape.count, 'count');
  checkDim(shape.height, 'height');
  checkDim(shape.width, 'width');
  checkDim(shape.channels, 'channels');
  const layout = shape.layout ?? 'nhwc';
  if (layout !== 'nhwc' && layout !== 'nchw') throw new RangeError(`layout must be 'nhwc' or 'nchw', got '${layout}'`);
  checkData(data, shape.count * shape.height * shape.width * shape.channels, 'batch');
  return { ...shape, data, layout };
}

/** The i-th image of a batch, sharing its memory. */
export function sampleOf<T extends PixelArray>(batch: BatchView<T>, i: number): ImageView<T> {
  if (!Number.isInteger(i) || i < 0 || i >= batch.count) {
    throw new RangeError(`sample index must be in [0, ${batch.count}), got ${i}`);
  }
  const size = batch.height * batch.width * batch.channels;
  return {
    data: batch.data.subarray(i * size, (i + 1) * size) as T,
    height: batch.height,
    width: batch.width,
    channels: batch.channels,
    layout: batch.layout === 'nhwc' ? 'hwc' : 'chw',
  };
}

/** Number of values in an image. */
export function imageSize(view: { height: number; width: number; channels: number }): number {
  return view.height * view.width * view.channels;
}

/** Offset of pixel (y, x, c) in the view's data. */
export function offsetOf(view: ImageView, y: number, x: number, c: number): number {
  return view.layout === 'hwc'
    ? (y * view.width + x) * view.channels + c
    : (c * view.height + y) * view.width + x;
}

/** From this size a copy takes an uninitialised block: zero-filling it first costs as much as the copy. */
const UNINITIALISED_FROM_BYTES = 16 * 1024;

/**
 * A new array of the same type holding a copy of `data` (its own ArrayBuffer, exactly as long).
 * In Node a large copy goes into uninitialised memory, about twice as fast as `slice()` for a
 * 3x224x224 float image, since every byte is overwritten by the copy anyway; the first one also
 * hints the C allocator to reuse freed copies (see `uninitialisedBytes`).
 */
export function copyOf<T extends PixelArray>(data: T): T {
  const bytes = data.byteLength < UNINITIALISED_FROM_BYTES ? undefined : uninitialisedBytes(data.byteLength);
  if (bytes === undefined) return data.slice() as T;
  const copy = new (data.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => T)(bytes.buffer, bytes.byteOffset, data.length);
  copy.set(data);
  return copy;
}

/** A deep copy of an image view. */
export function cloneImage<T extends PixelArray>(view: ImageView<T>): ImageView<T> {
  return { ...view, data: copyOf(view.data) };
}

/** A zero-filled array of the same type as `like` (default: the same length). */
export function emptyLike<T extends PixelArray>(like: T, length = like.length): T {
  return new (like.constructor as new (length: number) => T)(length);
}
