/**
 * Replica worker: sets up its own TF.js backend and builds the run's model from its spec, then for
 * each block of micro-batches it is sent loads the main thread's weights and dropout generator
 * positions and computes each micro-batch's gradients exactly as the main thread would
 * ({@link gradientsOf}), recording the BatchNorm batch statistics instead of updating the running
 * averages (the main thread applies them in micro-batch order). Any failure is posted as an error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildModel, TorchBatchNorm } from '../models/index.js';
import { setupBackend } from '../tf/backend.js';
import { tf, type tfl } from '../tf/tf.js';
import { writeDropoutRng } from './model-state.js';
import type { MicroBatchResult, RecordedStatistics, ReplicaInit, ReplicaReply, ReplicaTask } from './replica-protocol.js';
import { gradientsOf, readFigures, sliceBatch } from './step.js';

const init = workerData as ReplicaInit;

/** Statistics recorded by the current micro-batch's forward pass, still on the backend. */
interface PendingStatistics {
  readonly layer: string;
  readonly mean: tf.Tensor;
  readonly variance: tf.Tensor;
  readonly count: number;
}
let recorded: PendingStatistics[] = [];

/** The model once the backend is ready, its BatchNorm layers recording; a start-up failure is reported with every task. */
const ready: Promise<tfl.LayersModel> = setupBackend({ backend: init.backend, native: false }).then(() => {
  const model = buildModel(init.spec);
  for (const layer of model.layers) {
    if (!(layer instanceof TorchBatchNorm)) continue;
    layer.recordStatistics((mean, variance, count) => {
      recorded.push({ layer: layer.name, mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)), count });
    });
  }
  return model;
});
ready.catch(() => undefined);

/** Copy the concatenated `weights` into the model's weights, in `model.weights` order. */
function loadWeights(model: tfl.LayersModel, weights: Float32Array): void {
  let offset = 0;
  for (const w of model.weights) {
    const size = w.shape.reduce((a, b) => (a ?? 1) * (b ?? 1), 1) as number;
    const value = tf.tensor(weights.subarray(offset, offset + size), w.shape as number[], 'float32');
    w.write(value);
    value.dispose();
    offset += size;
  }
}

/** Copies of the tensors' values (disposing the tensors). */
async function valuesOf(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  try {
    return (await Promise.all(tensors.map((t) => t.data()))).map((v) => new Float32Array(v as Float32Array));
  } finally {
    tf.dispose(tensors);
  }
}

async function statisticsOf(pending: readonly PendingStatistics[]): Promise<RecordedStatistics[]> {
  const values = await valuesOf(pending.flatMap((s) => [s.mean, s.variance]));
  return pending.map((s, i) => ({ layer: s.layer, mean: values[2 * i], variance: values[2 * i + 1], count: s.count }));
}

async function runBlock(model: tfl.LayersModel, task: ReplicaTask): Promise<MicroBatchResult[]> {
  loadWeights(model, task.weights);
  writeDropoutRng(model, task.dropout, 'replica task');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const parts: MicroBatchResult[] = [];
  let start = 0;
  for (const size of task.sizes) {
    recorded = [];
    const { grads, figures } = gradientsOf(model, variables, sliceBatch(task, start, start + size), init.labelSmoothing);
    const statistics = await statisticsOf(recorded);
    const [result] = await readFigures([figures]);
    parts.push({ ...result, grads: await valuesOf(grads), statistics });
    start += size;
  }
  return parts;
}

function reply(message: ReplicaReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

parentPort?.on('message', (task: ReplicaTask) => {
  ready
    .then(async (model) => {
      const parts = await runBlock(model, task);
      const buffers = parts.flatMap((p) => [...p.grads, ...p.statistics.flatMap((s) => [s.mean, s.variance])]);
      reply({ id: task.id, parts }, buffers.map((a) => a.buffer as ArrayBuffer));
    })
    .catch((error: unknown) => {
      const { message, stack } = error instanceof Error ? error : new Error(String(error));
      reply({ id: task.id, error: { message, stack } });
    });
});
