/**
 * The data side of a run: the dataset's train and test splits (optionally seeded subsets), the seed's
 * augmentation pipeline with the run's Random Erasing settings, and one loader per split.
 */
import { Rng } from '../core/rng.js';
import { loadDataset, type Dataset, type Split } from '../data/index.js';
import { createLoader, type Loader } from '../data/loader.js';
import { defaultPipeline, type PipelineConfig } from '../data/pipeline.js';
import { parseFill, type TrainConfig } from './config.js';
import type { BatchSource } from './passes.js';

/** Train and test batches of a run, with what the model needs to know about them. */
export interface TrainData {
  readonly train: BatchSource;
  readonly test: BatchSource;
  readonly numClasses: number;
  readonly inputShape: [number, number, number];
  /** Shown as the title of the curves plot. */
  readonly title?: string;
  close(): void | Promise<void>;
}

/** Stream id of the subset draw: `Rng.fromSeed(seed).derive(SUBSET_STREAM, split)` (train 0, test 1). */
export const SUBSET_STREAM = 0x73756273;

/** The training pipeline of a config: the seed's recipe with the run's crop, flip, noise and erasing. */
export function trainPipelineOf(config: TrainConfig): PipelineConfig {
  const options = { p: config.p, sl: config.sl, sh: config.sh, r1: config.r1, ...(config.fill ? { fill: parseFill(config.fill) } : {}) };
  return defaultPipeline(config.dataset, 'train', {
    crop: config.crop ? { padding: 4 } : null,
    flip: config.flip ? { p: 0.5 } : null,
    noise: config.noise ? { fraction: config.noise } : null,
    erasing: config.p > 0 ? { preset: config.preset ?? 'reference', options } : null,
  });
}

/** The dataset indices, ascending, of the seeded subset of `size` of `count` images that {@link subsetOf} takes. */
export function subsetIndices(count: number, size: number, seed: number, split: number): Int32Array {
  const order = Rng.fromSeed(seed).derive(SUBSET_STREAM, split).shuffle(Int32Array.from({ length: count }, (_, i) => i));
  return order.subarray(0, size).sort();
}

/** A seeded random subset of `size` images (in dataset order), or the dataset itself. */
export function subsetOf(dataset: Dataset, size: number | undefined, seed: number, split: number): Dataset {
  if (size === undefined || size >= dataset.count) return dataset;
  const chosen = subsetIndices(dataset.count, size, seed, split);
  const pixels = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(size * pixels);
  chosen.forEach((index, k) => images.set(dataset.images.subarray(index * pixels, (index + 1) * pixels), k * pixels));
  return { ...dataset, images, labels: Int32Array.from(chosen, (index) => dataset.labels[index]), count: size };
}

/** Load one split of the config's dataset (a seeded subset when the config asks for one). */
export async function loadSplit(config: TrainConfig, split: Split): Promise<Dataset> {
  const dataset = await loadDataset(config.dataset, { ...(config.dataDir ? { dataDir: config.dataDir } : {}), split });
  return split === 'train' ? subsetOf(dataset, config.trainSubset, config.seed, 0) : subsetOf(dataset, config.testSubset, config.seed, 1);
}

/** The test loader of a config: normalisation only, dataset order. */
export function testLoaderOf(config: TrainConfig, test: Dataset): Loader {
  return createLoader({ dataset: test, pipeline: defaultPipeline(config.dataset, 'test'), batchSize: config.testBatch, shuffle: false, seed: config.seed });
}

/** Open the train and test loaders of a run. */
export async function openTrainData(config: TrainConfig): Promise<TrainData> {
  const [train, test] = await Promise.all([loadSplit(config, 'train'), loadSplit(config, 'test')]);
  const trainLoader = createLoader({ dataset: train, pipeline: trainPipelineOf(config), batchSize: config.trainBatch, shuffle: true, seed: config.seed, workers: config.workers });
  const testLoader = testLoaderOf(config, test);
  const depth = config.depth === undefined ? '' : `-${config.depth}`;
  return {
    train: trainLoader,
    test: testLoader,
    numClasses: train.classNames.length,
    inputShape: [train.height, train.width, train.channels],
    title: `${train.name}, ${config.arch}${depth}, Random Erasing p=${config.p}`,
    async close() {
      await Promise.all([trainLoader.close(), testLoader.close()]);
    },
  };
}
