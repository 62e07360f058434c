import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Batch } from '../../src/data/batch.js';
import type { Dataset } from '../../src/data/dataset.js';
import { createLoader, epochOrder, type LoaderOptions } from '../../src/data/loader.js';
import { defaultPipeline, type PipelineConfig } from '../../src/data/pipeline.js';
import { WorkerPool } from '../../src/data/worker-pool.js';

/** 50 random-looking 12x10 RGB images, label = index % 5. */
function dataset(count = 50): Dataset {
  const size = 12 * 10 * 3;
  const images = Uint8Array.from({ length: count * size }, (_, i) => (i * 2654435761) >>> 24);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 5);
  return { name: 'synthetic', images, labels, count, height: 12, width: 10, channels: 3, classNames: ['a', 'b', 'c', 'd', 'e'] };
}

/** Every augmentation on, erasing always, so any stream mix-up shows. */
const PIPELINE = defaultPipeline('cifar10', 'train', { noise: { fraction: 0.05 }, erasing: { preset: 'paper', options: { p: 1 } } });

async function collect(options: Omit<LoaderOptions, 'dataset' | 'pipeline'>, epochs: number[], data = dataset()): Promise<Batch[][]> {
  const loader = createLoader({ dataset: data, pipeline: PIPELINE, ...options });
  try {
    const out: Batch[][] = [];
    for (const e of epochs) {
      const batches: Batch[] = [];
      for await (const batch of loader.epoch(e)) batches.push(batch);
      out.push(batches);
    }
    return out;
  } finally {
    await loader.close();
  }
}

test('inline loader: batch shapes, dropLast, each sample once per epoch, epochs differ', async () => {
  const [e0, e1] = await collect({ batchSize: 16, seed: 3 }, [0, 1]);
  assert.deepEqual(e0.map((b) => b.count), [16, 16, 16, 2]);
  assert.deepEqual([e0[0].x.length, e0[0].height, e0[0].width, e0[0].channels], [16 * 360, 12, 10, 3]);
  const labelCounts = new Array<number>(5).fill(0);
  for (const b of e0) for (const label of b.y) labelCounts[label]++;
  assert.deepEqual(labelCounts, [10, 10, 10, 10, 10]);
  assert.notDeepEqual(e0[0].y, e1[0].y);
  const [dropped] = await collect({ batchSize: 16, seed: 3, dropLast: true }, [0]);
  assert.equal(dropped.length, 3);
  const order = epochOrder(50, true, 3, 0);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(epochOrder(4, false, 3, 0), Int32Array.from([0, 1, 2, 3]));
});

test('identical batches for a seed whatever the number of workers; the dataset is never modified', async () => {
  // A Node Buffer, whose slice() aliases memory, must not let augmentation write into the dataset.
  const data = { ...dataset(), images: Buffer.from(dataset().images) };
  const pristine = data.images.slice();
  const inline = await collect({ batchSize: 8, seed: 11 }, [0, 2], data);
  for (const workers of [1, 2]) {
    const parallel = await collect({ batchSize: 8, seed: 11, workers, prefetch: 1 + workers }, [0, 2], data);
    assert.deepEqual(parallel, inline, `${workers} workers`);
  }
  assert.deepEqual(data.images, pristine);
  const otherSeed = await collect({ batchSize: 8, seed: 12 }, [0], data);
  assert.notDeepEqual(otherSeed[0], inline[0]);
});

test('a worker error surfaces in the caller; close() stops the workers and later use fails', async () => {
  // normalize with 2 means for a 3-channel image is only detectable per image, inside the worker.
  const bad = defaultPipeline('cifar10', 'test', { normalize: { mean: [0.5, 0.5], std: [0.2, 0.2] } });
  for (const workers of [0, 2]) {
    const loader = createLoader({ dataset: dataset(), pipeline: bad, batchSize: 8, workers });
    await assert.rejects(async () => {
      for await (const batch of loader.epoch(0)) assert.ok(batch);
    }, /normalize mean must have 1 or 3 entries, got 2/);
    await loader.close();
  }
  const loader = createLoader({ dataset: dataset(), pipeline: PIPELINE, batchSize: 4, workers: 2 });
  const iterator = loader.epoch(0)[Symbol.asyncIterator]();
  assert.equal((await iterator.next()).value?.count, 4);
  await loader.close();
  await assert.rejects(async () => {
    for (;;) if ((await iterator.next()).done) break;
  }, /loader closed/);
  assert.throws(() => loader.epoch(1), /loader closed/);
  assert.throws(() => createLoader({ dataset: dataset(), pipeline: PIPELINE, batchSize: 0 }), /batchSize must be an integer >= 1, got 0/);
  assert.throws(() => createLoader({ dataset: dataset(), pipeline: { ...PIPELINE, flip: { p: 2 } }, batchSize: 2 }), /horizontalFlip p must be in \[0, 1\]/);
});

test('a worker that dies rejects the work in flight and every later task', async () => {
  const data = dataset(4);
  const images = new SharedArrayBuffer(data.images.length);
  const labels = new SharedArrayBuffer(data.labels.byteLength);
  // A missing pipeline makes the worker throw while starting, outside any task.
  const pool = new WorkerPool(1, { images, labels, shape: { height: 12, width: 10, channels: 3 }, pipeline: null as unknown as PipelineConfig, seed: 0 });
  const task = { epoch: 0, start: 0, indices: Int32Array.from([0, 1]) };
  await assert.rejects(pool.run(task), /loader worker crashed: .*null/);
  await assert.rejects(pool.run(task), /loader worker crashed/);
  await pool.close();
});
