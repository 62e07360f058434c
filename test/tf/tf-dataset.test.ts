/**
 * The loader as a tf.data.Dataset: iteration k is epoch k of the loader (the same batches), labels
 * one-hot or indices, usable in dataset.map with the erasing op, and model.fitDataset trains on it
 * without leaking tensors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/data/dataset.js';
import { createLoader } from '../../src/data/loader.js';
import { defaultPipeline } from '../../src/data/pipeline.js';
import { toTfDataset, type TensorBatch } from '../../src/tf/tf-dataset.js';
import { setupBackend } from '../../src/tf/backend.js';
import { ErasingStream } from '../../src/tf/random-erasing-op.js';
import { tf, tfl } from '../../src/tf/tf.js';

/** 20 random-looking 8x8 gray images, label = index % 4. */
function dataset(count = 20): Dataset {
  const images = Uint8Array.from({ length: count * 64 }, (_, i) => (i * 2654435761) >>> 24);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 4);
  return { name: 'synthetic', images, labels, count, height: 8, width: 8, channels: 1, classNames: ['a', 'b', 'c', 'd'] };
}

const PIPELINE = defaultPipeline('synthetic', 'train', { erasing: { preset: 'paper', options: { p: 1 } } });

async function drain(ds: { iterator(): Promise<{ next(): Promise<IteratorResult<TensorBatch>> }> }): Promise<{ xs: number[][]; ys: number[][] }> {
  const it = await ds.iterator();
  const out = { xs: [] as number[][], ys: [] as number[][] };
  for (let r = await it.next(); !r.done; r = await it.next()) {
    out.xs.push(Array.from(r.value.xs.dataSync()));
    out.ys.push(Array.from(r.value.ys.dataSync()));
    tf.dispose([r.value.xs, r.value.ys]);
  }
  return out;
}

test('iteration k of the dataset is epoch k of the loader; an unread iterator takes no epoch', async () => {
  await setupBackend({ backend: 'cpu' });
  const loader = createLoader({ dataset: dataset(), pipeline: PIPELINE, batchSize: 8, seed: 5 });
  try {
    const ds = toTfDataset(loader);
    assert.equal(ds.size, 3);
    await ds.iterator(); // as fitDataset does before its first epoch
    const [first, second] = [await drain(ds), await drain(ds)];
    for (const [e, got] of [[0, first], [1, second]] as const) {
      const batches = [];
      for await (const b of loader.epoch(e)) batches.push(b);
      assert.deepEqual(got.xs, batches.map((b) => Array.from(b.x)), `epoch ${e} images`);
      assert.deepEqual(got.ys, batches.map((b) => Array.from(b.y).flatMap((y) => [0, 1, 2, 3].map((c) => (c === y ? 1 : 0)))), `epoch ${e} one-hot labels`);
    }
    assert.notDeepEqual(first.xs, second.xs);
    const indices = await drain(toTfDataset(loader, { labels: 'index', firstEpoch: 1 }));
    assert.deepEqual(indices.xs, second.xs, 'firstEpoch 1 starts at epoch 1');
    assert.deepEqual(indices.ys.flat().slice(0, 8).every((y) => Number.isInteger(y) && y >= 0 && y < 4), true);
    assert.throws(() => toTfDataset(loader, { labels: 'sparse' as never }), /toTfDataset option labels: expected one of one-hot, index, got 'sparse'/);
  } finally {
    await loader.close();
  }
});

test('dataset.map with the erasing op, then model.fitDataset trains with flat tensor memory', async () => {
  await setupBackend({ backend: 'wasm' });
  const loader = createLoader({ dataset: dataset(), pipeline: defaultPipeline('synthetic', 'train', { erasing: null }), batchSize: 10, seed: 2 });
  try {
    const erase = new ErasingStream({ erasing: 'paper', overrides: { p: 1 }, seed: 3 });
    const ds = toTfDataset(loader).map((batch) => {
      const { xs, ys } = batch as TensorBatch;
      return { xs: erase.apply(xs), ys };
    });
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [8, 8, 1] }), tfl.layers.dense({ units: 4, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const first = await model.fitDataset(ds, { epochs: 2, verbose: 0 });
    assert.equal(first.history.loss.length, 2);
    assert.ok(first.history.loss.every((l) => Number.isFinite(l as number)));
    assert.equal(erase.calls, 4, 'two batches per epoch went through map');
    const before = tf.memory().numTensors;
    await model.fitDataset(ds, { epochs: 2, verbose: 0 });
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind per epoch');
    model.dispose();
  } finally {
    await loader.close();
  }
});
