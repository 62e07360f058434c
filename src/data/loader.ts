/**
 * The batch loader: seeded shuffling per epoch, augmentation inline or in worker threads with
 * prefetch. The dataset is put in SharedArrayBuffers once, so workers read it without copies; batches
 * come back as transferred buffers. Sample at position i of epoch e is augmented with
 * `Rng.fromSeed(seed).derive(e, i)` and the epoch order comes from its own stream, so batches are
 * identical whatever the number of workers.
 */
import { Rng } from '../core/rng.js';
import { createBatchFiller, type Batch, type BatchFiller } from './batch.js';
import type { Dataset } from './dataset.js';
import type { PipelineConfig } from './pipeline.js';
import { WorkerPool } from './worker-pool.js';

/** Options of {@link createLoader}. */
export interface LoaderOptions {
  readonly dataset: Dataset;
  readonly pipeline: PipelineConfig;
  readonly batchSize: number;
  /** Shuffle every epoch (default true). */
  readonly shuffle?: boolean;
  /** Seed of the shuffle and of every augmentation draw (default 0). */
  readonly seed?: number;
  /** 0 = augment inline (default); N = N worker threads. */
  readonly workers?: number;
  /** Drop the last incomplete batch (default false). */
  readonly dropLast?: boolean;
  /** Batches in flight per worker (default 2). */
  readonly prefetch?: number;
}

/** A batch loader; call `close()` when done to stop its workers. */
export interface Loader {
  readonly batchesPerEpoch: number;
  /** The batches of epoch `e` (an integer >= 0), in order. */
  epoch(e: number): AsyncIterable<Batch>;
  /** Classes of the dataset (the one-hot width of its labels). */
  readonly numClasses: number;
  close(): Promise<void>;
}

/** Stream id of the epoch shuffle: `Rng.fromSeed(seed).derive(SHUFFLE_STREAM, epoch)`. */
export const SHUFFLE_STREAM = 0x73687566;

/** The dataset order of epoch `epoch`: a seeded permutation, or 0..count-1 without shuffling. */
export function epochOrder(count: number, shuffle: boolean, seed: number, epoch: number): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  return shuffle ? Rng.fromSeed(seed).derive(SHUFFLE_STREAM, epoch).shuffle(order) : order;
}

/**
 * `array` as a plain typed array (never a Node Buffer) filling a whole SharedArrayBuffer: copied
 * unless it already is one. `view` makes the array type over a shared buffer.
 */
function shared<T extends Uint8Array | Int32Array>(array: T, view: (buffer: SharedArrayBuffer) => T): T {
  const { buffer } = array;
  if (buffer instanceof SharedArrayBuffer && array.byteOffset === 0 && array.byteLength === buffer.byteLength) return view(buffer);
  const copy = view(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

function checkPositiveInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`createLoader: ${name} must be an integer >= ${min}, got ${value}`);
}

function checkDataset(d: Dataset): void {
  const size = d.height * d.width * d.channels;
  if (d.images.length !== d.count * size || d.labels.length !== d.count) {
    throw new RangeError(`createLoader: dataset '${d.name}' holds ${d.images.length} pixels and ${d.labels.length} labels, expected ${d.count * size} and ${d.count}`);
  }
}

/** One epoch's work: the order and how it is cut into batches. */
interface EpochPlan {
  readonly epoch: number;
  readonly order: Int32Array;
  readonly batches: number;
  readonly batchSize: number;
}

/** Dataset indices of batch `b` (a copy: a view would send the whole order to a worker). */
function batchIndices(plan: EpochPlan, b: number): Int32Array {
  return plan.order.slice(b * plan.batchSize, (b + 1) * plan.batchSize);
}

async function* inlineEpoch(fill: BatchFiller, plan: EpochPlan, isClosed: () => boolean): AsyncGenerator<Batch> {
  for (let b = 0; b < plan.batches; b++) {
    if (isClosed()) throw new Error('loader closed');
    yield fill(plan.epoch, b * plan.batchSize, batchIndices(plan, b));
  }
}

/** Batches from the pool, in order, keeping up to `ahead` of them in flight. */
async function* parallelEpoch(
  pool: WorkerPool,
  plan: EpochPlan,
  ahead: number,
  shape: { height: number; width: number; channels: number },
): AsyncGenerator<Batch> {
  const inFlight: Promise<{ x: Float32Array; y: Int32Array }>[] = [];
  let submitted = 0;
  for (let b = 0; b < plan.batches; b++) {
    for (; submitted < Math.min(plan.batches, b + ahead); submitted++) {
      const task = pool.run({ epoch: plan.epoch, start: submitted * plan.batchSize, indices: batchIndices(plan, submitted) });
      task.catch(() => undefined); // Surfaced when awaited in order; a batch dropped by an early exit stays handled.
      inFlight.push(task);
    }
    const { x, y } = await (inFlight.shift() as Promise<{ x: Float32Array; y: Int32Array }>);
    yield { x, y, count: y.length, ...shape };
  }
}

/**
 * Create a loader.
 *
 * @example
 * const loader = createLoader({ dataset, pipeline: defaultPipeline('cifar10', 'train'), batchSize: 128, seed: 1, workers: 2 });
 * for (let e = 0; e < epochs; e++) for await (const { x, y, count } of loader.epoch(e)) step(x, y, count);
 * await loader.close();
 */
export function createLoader(options: LoaderOptions): Loader {
  const { dataset, pipeline, batchSize, shuffle = true, seed = 0, workers = 0, dropLast = false, prefetch = 2 } = options;
  checkPositiveInt('batchSize', batchSize, 1);
  checkPositiveInt('workers', workers, 0);
  checkPositiveInt('prefetch', prefetch, 1);
  checkPositiveInt('seed', seed, 0);
  checkDataset(dataset);
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const images = shared(dataset.images, (buffer) => new Uint8Array(buffer));
  const labels = shared(dataset.labels, (buffer) => new Int32Array(buffer));
  // Built even with workers: it rejects a bad pipeline here rather than in every worker.
  const fill = createBatchFiller({ ...shape, images, labels }, pipeline, seed);
  const pool = workers > 0
    ? new WorkerPool(workers, { images: images.buffer as SharedArrayBuffer, labels: labels.buffer as SharedArrayBuffer, shape, pipeline, seed })
    : null;
  const batches = dropLast ? Math.floor(dataset.count / batchSize) : Math.ceil(dataset.count / batchSize);
  let closed = false;
  const loader: Loader = {
    batchesPerEpoch: batches,
    numClasses: dataset.classNames.length,
    epoch(e: number): AsyncIterable<Batch> {
      checkPositiveInt('epoch', e, 0);
      if (closed) throw new Error('loader closed');
      const plan = { epoch: e, order: epochOrder(dataset.count, shuffle, seed, e), batches, batchSize };
      return pool ? parallelEpoch(pool, plan, workers * prefetch, shape) : inlineEpoch(fill, plan, () => closed);
    },
    async close(): Promise<void> {
      closed = true;
      await pool?.close();
    },
  };
  return loader;
}
