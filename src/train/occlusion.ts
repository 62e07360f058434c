/**
 * Evaluation under occlusion (the paper's Fig. 3): trained checkpoints are tested on the test set
 * with one random rectangle covering a given fraction of every image (core `occlude`). The occluded
 * images depend only on the seed, the image index and the level, so every model sees the same ones.
 */
import { occlude } from '../core/occlusion.js';
import { imageView } from '../core/image.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { createLoader } from '../data/loader.js';
import { defaultPipeline } from '../data/pipeline.js';
import { setupBackend } from '../tf/backend.js';
import type { tfl } from '../tf/tf.js';
import { Validator } from '../core/validate.js';
import type { BackendName } from '../tf/backend-names.js';
import { loadCheckpoint, type CheckpointState } from './checkpoint.js';
import { subsetOf } from './data-source.js';
import { modelFromCheckpoint } from './export.js';
import { evaluate } from './passes.js';
import { createReporter, type ProgressMode } from './progress.js';

/** The paper's occlusion levels: 0, 0.1, ..., 0.8 of the image area. */
export const DEFAULT_LEVELS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

/** Test error of one model at one occlusion level. */
export interface OcclusionPoint {
  /** The model's label (legend entry), e.g. `baseline` or `RE`. */
  readonly model: string;
  /** Fraction of the image area occluded. */
  readonly level: number;
  /** Test error in percent. */
  readonly error: number;
  /** Standard deviation over seeds, when the point aggregates several models. */
  readonly std?: number | null;
}

/** A checkpoint to evaluate and its legend label. */
export interface LabelledCheckpoint {
  readonly label: string;
  readonly file: string;
}

/** Options of {@link evaluateOcclusion}. */
export interface OcclusionEvalOptions {
  readonly models: readonly LabelledCheckpoint[];
  readonly levels?: readonly number[];
  /** Seed of the occluding rectangles (and of the test subset). */
  readonly seed: number;
  /** Evaluate on a seeded subset of this many test images (default: all). */
  readonly testSubset?: number;
  readonly batchSize?: number;
  /** Where named datasets are looked up (default: the checkpoint's, then the data module's). */
  readonly dataDir?: string;
  readonly backend?: BackendName;
  /** Progress of each test pass (default `silent`). */
  readonly progress?: ProgressMode;
  /** Called after each (level, model) evaluation. */
  readonly onPoint?: (point: OcclusionPoint, done: number, total: number) => void;
}

const v = new Validator('occlusion option');

/** Check levels are fractions in [0, 1], naming the option otherwise. */
export function checkLevels(levels: readonly number[]): void {
  if (levels.length === 0) v.reject('levels', 'give at least one occlusion level');
  levels.forEach((level) => v.number(level, 'levels', { min: 0, max: 1 }));
}

/**
 * A copy of the dataset with every image occluded at `level`. Image i draws from (seed, i) at every
 * level, so the rectangles of successive levels share their aspect and relative position.
 */
export function occludeDataset(dataset: Dataset, level: number, seed: number): Dataset {
  const size = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(dataset.images.length);
  for (let i = 0; i < dataset.count; i++) {
    const view = imageView(dataset.images.subarray(i * size, (i + 1) * size), dataset);
    images.set(occlude(view, level, seed, i).image.data, i * size);
  }
  return { ...dataset, images };
}

function checkSameData(states: readonly CheckpointState[], models: readonly LabelledCheckpoint[]): void {
  const first = states[0].spec;
  states.forEach((state, i) => {
    if (state.spec.dataset !== first.dataset) {
      throw new Error(
        `${models[i].file} was trained on '${state.spec.dataset}' but ${models[0].file} on '${first.dataset}'; ` +
          'occlusion curves compare models of one dataset',
      );
    }
  });
}

async function testErrorOf(model: tfl.LayersModel, dataset: Dataset, batchSize: number, progress: ProgressMode): Promise<number> {
  const loader = createLoader({ dataset, pipeline: defaultPipeline(dataset.name, 'test'), batchSize, shuffle: false });
  try {
    const metrics = await evaluate(model, loader, createReporter(progress));
    return 100 - metrics.top1;
  } finally {
    await loader.close();
  }
}

/** Test error (%) of every model at every level; the same occluded images for every model. */
export async function evaluateOcclusion(options: OcclusionEvalOptions): Promise<OcclusionPoint[]> {
  const levels = options.levels ?? DEFAULT_LEVELS;
  checkLevels(levels);
  if (options.models.length === 0) v.reject('models', 'give at least one checkpoint');
  const states = await Promise.all(options.models.map((m) => loadCheckpoint(m.file)));
  checkSameData(states, options.models);
  const { spec, runtime } = states[0];
  const dataDir = options.dataDir ?? runtime.dataDir;
  const full = await loadDataset(spec.dataset, { split: 'test', ...(dataDir ? { dataDir } : {}) });
  const test = subsetOf(full, options.testSubset, options.seed, 1);
  await setupBackend({ backend: options.backend ?? runtime.backend });
  const models = states.map((state, i) => modelFromCheckpoint(state, options.models[i].file));
  const points: OcclusionPoint[] = [];
  try {
    for (const level of levels) {
      const occluded = occludeDataset(test, level, options.seed);
      for (const [i, model] of models.entries()) {
        const error = await testErrorOf(model, occluded, options.batchSize ?? runtime.testBatch, options.progress ?? 'silent');
        const point = { model: options.models[i].label, level, error };
        points.push(point);
        options.onPoint?.(point, points.length, levels.length * models.length);
      }
    }
  } finally {
    for (const model of models) model.dispose();
  }
  return points;
}
