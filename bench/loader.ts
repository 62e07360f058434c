/**
 * Loader throughput (images/s) with 0, 1 and 2 workers, full training augmentation (crop, flip,
 * normalise, Random Erasing), batch 128. Fashion-MNIST uses the real test split; CIFAR uses the real
 * CIFAR-10 test split when present, else 10,000 generated 32x32x3 images (same cost per image).
 * Each configuration runs one warm-up epoch (worker start-up, JIT) and then times one epoch.
 */
import { availableParallelism, loadavg } from 'node:os';
import { createLoader, defaultPipeline, loadDataset, type Dataset } from '../src/data/index.js';

/** The training step rate the loader must outpace (ResNet-20 on wasm: roughly 100-300 img/s). */
const TRAINING_RATE = 300;
const BATCH = 128;

function generatedCifar(count: number): Dataset {
  const images = new Uint8Array(count * 3072);
  for (let i = 0; i < images.length; i++) images[i] = (i * 2654435761) >>> 24;
  const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'cifar10 (generated)', images, labels, count, height: 32, width: 32, channels: 3, classNames: [...'0123456789'] };
}

async function datasets(): Promise<Dataset[]> {
  const fashion = await loadDataset('fashion-mnist', { split: 'test', download: false });
  const cifar = await loadDataset('cifar10', { split: 'test', download: false }).catch(() => generatedCifar(10000));
  return [fashion, cifar];
}

async function throughput(dataset: Dataset, workers: number): Promise<number> {
  const pipeline = defaultPipeline(dataset.name.startsWith('cifar') ? 'cifar10' : dataset.name, 'train');
  const loader = createLoader({ dataset, pipeline, batchSize: BATCH, seed: 1, workers });
  try {
    for await (const batch of loader.epoch(0)) void batch;
    const start = performance.now();
    let images = 0;
    for await (const batch of loader.epoch(1)) images += batch.count;
    return images / ((performance.now() - start) / 1000);
  } finally {
    await loader.close();
  }
}

export async function run(): Promise<void> {
  console.log(`nproc ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: figures are pessimistic)`);
  console.log(`batch ${BATCH}, training augmentation; target >= 10x ${TRAINING_RATE} img/s = ${10 * TRAINING_RATE} img/s`);
  console.log('| dataset | workers | img/s | x training rate |');
  console.log('|---|---|---|---|');
  for (const dataset of await datasets()) {
    for (const workers of [0, 1, 2]) {
      const rate = await throughput(dataset, workers);
      console.log(`| ${dataset.name} ${dataset.height}x${dataset.width}x${dataset.channels} | ${workers} | ${rate.toFixed(0)} | ${(rate / TRAINING_RATE).toFixed(1)} |`);
    }
  }
}
