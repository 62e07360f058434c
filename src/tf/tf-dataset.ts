/**
 * A batch source (the data layer's loader) as a `tf.data.Dataset` (tfjs-data), for `model.fitDataset`
 * and `dataset.map`. Each
 * iteration of the dataset is one epoch of the loader: the k-th iterator that is read from gets epoch
 * `firstEpoch + k`, with its seeded shuffle and augmentation, so a run's batches are reproducible and
 * every epoch differs. An iterator that is created but never read (fitDataset makes one before its
 * first epoch) takes no epoch number.
 */
import type { Batch } from '../core/batch.js';
import { Validator } from '../core/validate.js';
import { tf, tfd } from './tf.js';

/** A batch as tfjs-layers' fitDataset takes it. */
export type TensorBatch = {
  /** Images [n, height, width, channels], float32. */
  readonly xs: tf.Tensor4D;
  /** One-hot labels [n, classes] (float32), or class indices [n] (int32). */
  readonly ys: tf.Tensor;
};

/** Options of `toTfDataset`. */
export interface TfDatasetOptions {
  /** `one-hot` (default, for categoricalCrossentropy) or `index` (int32, for sparseCategoricalCrossentropy). */
  readonly labels?: 'one-hot' | 'index';
  /** Epoch number of the first iteration (default 0), e.g. to resume a run. */
  readonly firstEpoch?: number;
}

/** What `toTfDataset` needs from a loader: its epochs of batches and its number of classes. */
export interface EpochSource {
  readonly batchesPerEpoch: number;
  readonly numClasses: number;
  epoch(e: number): AsyncIterable<Batch>;
}

const v = new Validator('toTfDataset option');

function tensorsOf(batch: Batch, classes: number, labels: 'one-hot' | 'index'): TensorBatch {
  const xs = tf.tensor4d(batch.x, [batch.count, batch.height, batch.width, batch.channels]);
  if (labels === 'index') return { xs, ys: tf.tensor1d(batch.y, 'int32') };
  const ys = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(batch.y, 'int32'), classes), 'float32'));
  return { xs, ys };
}

/**
 * The epochs of `source` (e.g. `createLoader(...)`) as a tf.data.Dataset of `{ xs, ys }` batches.
 *
 * @example
 * await model.fitDataset(toTfDataset(loader), { epochs: 10 });
 */
export function toTfDataset(source: EpochSource, options: TfDatasetOptions = {}): tfd.Dataset<TensorBatch> {
  const labels = v.oneOf(options.labels ?? 'one-hot', 'labels', ['one-hot', 'index']);
  const firstEpoch = v.integer(options.firstEpoch ?? 0, 'firstEpoch', { min: 0 });
  const classes = source.numClasses;
  let next = firstEpoch;
  const dataset = tfd.generator(async function* () {
    const epoch = next++;
    for await (const batch of source.epoch(epoch)) yield tensorsOf(batch, classes, labels);
  });
  // generator() leaves the size unknown; fitDataset's progress uses it.
  (dataset as { size: number }).size = source.batchesPerEpoch;
  return dataset;
}
