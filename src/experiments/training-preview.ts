/**
 * A picture of what the model trains on: a few training images (top row) and the same images after
 * the run's training pipeline (crop, flip, Random Erasing, ...) in two epochs (rows below), written
 * as a PNG grid.
 */
import { imageView, type ImageView } from '../core/image.js';
import type { Dataset } from '../data/index.js';
import { createLoader } from '../data/loader.js';
import type { PipelineConfig } from '../data/pipeline.js';
import { writeFileAtomic } from '../train/atomic-write.js';
import { encodePng, renderGrid, type Tile } from './image-grid.js';
import { subsetOf } from '../train/data-source.js';

/** Normalised float pixels (HWC) back to 0..255 bytes for display. */
function toDisplay(pixels: Float32Array, dataset: Dataset, normalize: PipelineConfig['normalize']): ImageView<Uint8Array> {
  const { channels } = dataset;
  const bytes = Uint8Array.from(pixels, (v, i) => {
    const c = i % channels;
    const unit = normalize ? v * normalize.std[c % normalize.std.length] + normalize.mean[c % normalize.mean.length] : v;
    return Math.round(Math.min(1, Math.max(0, unit)) * 255);
  });
  return imageView(bytes, { height: dataset.height, width: dataset.width, channels });
}

/**
 * Write `file` (PNG): `count` seeded training samples, then the same samples as epochs 0 and 1 of
 * training with `pipeline` and `seed` augment them.
 */
export async function writeTrainingPreview(file: string, dataset: Dataset, pipeline: PipelineConfig, seed: number, count = 10): Promise<void> {
  const samples = subsetOf(dataset, count, seed, 2);
  const loader = createLoader({ dataset: samples, pipeline, batchSize: samples.count, shuffle: false, seed });
  const pixels = dataset.height * dataset.width * dataset.channels;
  const rows: Tile[][] = [
    Array.from({ length: samples.count }, (_, i) => ({
      image: imageView(samples.images.slice(i * pixels, (i + 1) * pixels), { height: dataset.height, width: dataset.width, channels: dataset.channels }),
    })),
  ];
  try {
    for (const epoch of [0, 1]) {
      for await (const batch of loader.epoch(epoch)) {
        rows.push(Array.from({ length: batch.count }, (_, i) => ({ image: toDisplay(batch.x.subarray(i * pixels, (i + 1) * pixels), dataset, pipeline.normalize) })));
      }
    }
  } finally {
    await loader.close();
  }
  await writeFileAtomic(file, encodePng(renderGrid(rows)));
}
