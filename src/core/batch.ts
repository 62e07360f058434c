/** A batch of labelled images as the loader produces and the trainer and tf.data consume it. */

/** One batch: `count` float32 images (NHWC) and their labels. */
export interface Batch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}
