/**
 * Filling one batch: read samples from the (shared) dataset memory, run the pipeline on each with its
 * own generator, write them into a fresh NHWC Float32Array. The same code runs inline and in workers,
 * which is what makes batches identical whatever the number of workers.
 */
import type { Batch } from '../core/batch.js';
import { Rng } from '../core/rng.js';
import { buildTransform, type PipelineConfig } from './pipeline.js';

export type { Batch };

/** The pixel and label memory the batches are read from (may live in SharedArrayBuffers). */
export interface SampleSource {
  readonly images: Uint8Array;
  readonly labels: Int32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Fills the batch holding the samples at epoch positions `start`, `start + 1`, ... */
export type BatchFiller = (epoch: number, start: number, indices: Int32Array) => Batch;

/**
 * A batch filler for `source` and `pipeline`. Sample at position i of epoch e is augmented with
 * `Rng.fromSeed(seed).derive(e, i)`.
 */
export function createBatchFiller(source: SampleSource, pipeline: PipelineConfig, seed: number): BatchFiller {
  const transform = buildTransform(pipeline);
  const root = Rng.fromSeed(seed);
  const { height, width, channels } = source;
  const size = height * width * channels;
  return (epoch, start, indices) => {
    const x = new Float32Array(indices.length * size);
    const y = new Int32Array(indices.length);
    for (let j = 0; j < indices.length; j++) {
      const index = indices[j];
      const image = { data: source.images.subarray(index * size, (index + 1) * size), height, width, channels, layout: 'hwc' as const };
      x.set(transform(image, root.derive(epoch, start + j)).data, j * size);
      y[j] = source.labels[index];
    }
    return { x, y, count: indices.length, height, width, channels };
  };
}
