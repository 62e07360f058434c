/**
 * The data side of a run: the dataset's train and test splits (optionally seeded subsets), the seed's
 * augmentation pipeline with the run's Random Erasing settings, and one loader per split.
 */
import { Rng } from '../core/rng.js';
import { loadDataset, type Dataset, type Split } from '../data/index.js';
import { createLoader, type Loader } from '../data/loader.js';
import { defaultPipeline, type PipelineConfig } from '../data/pipeline.js';
import type { BatchSource } from './passes.js';
import type { CompleteRuntime } from './run-runtime.js';
import { parseFill, type CompleteSpec } from './run-spec.js';

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

/** The Random Erasing settings of a run (preset and the options it overrides), or null without erasing. */
export function erasingOf(spec: CompleteSpec): PipelineConfig['erasing'] {
  if (spec.p === 0 || spec.preset === undefined) return null;
  const options = { p: spec.p, sl: spec.sl, sh: spec.sh, ...(spec.r1 !== undefined ? { r1: spec.r1 } : {}), ...(spec.fill !== undefined ? { fill: parseFill(spec.fill) } : {}) };
  return { preset: spec.preset, options };
}

/** The training pipeline of a run: the seed's recipe with the run's crop, flip, noise and erasing. */
export function trainPipelineOf(spec: CompleteSpec): PipelineConfig {
  return defaultPipeline(spec.dataset, 'train', {
    crop: spec.crop ? { padding: 4 } : null,
    flip: spec.flip ? { p: 0.5 } : null,
    noise: spec.noise ? { fraction: spec.noise } : null,
    erasing: erasingOf(spec),
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

/** Load one split of the run's dataset (a seeded subset when the run asks for one) from `dataDir` when given. */
export async function loadSplit(spec: Pick<CompleteSpec, 'dataset' | 'seed' | 'trainSubset' | 'testSubset'>, dataDir: string | undefined, split: Split): Promise<Dataset> {
  const dataset = await loadDataset(spec.dataset, { ...(dataDir !== undefined ? { dataDir } : {}), split });
  return split === 'train' ? subsetOf(dataset, spec.trainSubset, spec.seed, 0) : subsetOf(dataset, spec.testSubset, spec.seed, 1);
}

/** The test loader of a run: normalisation only, dataset order. */
export function testLoaderOf(spec: Pick<CompleteSpec, 'dataset' | 'seed'>, testBatch: number, test: Dataset): Loader {
  return createLoader({ dataset: test, pipeline: defaultPipeline(spec.dataset, 'test'), batchSize: testBatch, shuffle: false, seed: spec.seed });
}

/** Open the train and test loaders of a run. */
export async function openTrainData(spec: CompleteSpec, runtime: CompleteRuntime): Promise<TrainData> {
  const [train, test] = await Promise.all([loadSplit(spec, runtime.dataDir, 'train'), loadSplit(spec, runtime.dataDir, 'test')]);
  const trainLoader = createLoader({ dataset: train, pipeline: trainPipelineOf(spec), batchSize: spec.trainBatch, shuffle: true, seed: spec.seed, workers: runtime.workers });
  const testLoader = testLoaderOf(spec, runtime.testBatch, test);
  return {
    train: trainLoader,
    test: testLoader,
    numClasses: train.classNames.length,
    inputShape: [train.height, train.width, train.channels],
    title: `${train.name}, ${spec.arch}-${spec.depth}, Random Erasing p=${spec.p}`,
    async close() {
      await Promise.all([trainLoader.close(), testLoader.close()]);
    },
  };
}
