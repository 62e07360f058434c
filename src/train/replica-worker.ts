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
import { gradientsOf, sliceBatch } from './step.js';

const init = workerData as ReplicaInit;

/** Statistics recorded by the current micro-batch's forward pass. */
let recorded: RecordedStatistics[] = [];

/** The model once the backend is ready, its BatchNorm layers recording; a start-up failure is reported with every task. */
const ready: Promise<tfl.LayersModel> = setupBackend({ backend: init.backend }).then(() => {
  const model = buildModel(init.spec);
  for (const layer of model.layers) {
    if (!(layer instanceof TorchBatchNorm)) continue;
    layer.recordStatistics((mean, variance, count) => {
      recorded.push({ layer: layer.name, mean: new Float32Array(mean.dataSync()), variance: new Float32Array(variance.dataSync()), count });
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
function valuesOf(tensors: tf.Tensor[]): Float32Array[] {
  const values = tensors.map((t) => new Float32Array(t.dataSync() as Float32Array));
  tf.dispose(tensors);
  return values;
}

function runBlock(model: tfl.LayersModel, task: ReplicaTask): MicroBatchResult[] {
  loadWeights(model, task.weights);
  writeDropoutRng(model, task.dropout, 'replica task');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const parts: MicroBatchResult[] = [];
  let start = 0;
  for (const size of task.sizes) {
    recorded = [];
    const { grads, count, loss, correct1, correct5 } = gradientsOf(model, variables, sliceBatch(task, start, start + size), init.labelSmoothing);
    parts.push({ count, loss, correct1, correct5, grads: valuesOf(grads), statistics: recorded });
    start += size;
  }
  return parts;
}

function reply(message: ReplicaReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

parentPort?.on('message', (task: ReplicaTask) => {
  ready
    .then((model) => {
      const parts = runBlock(model, task);
      const buffers = parts.flatMap((p) => [...p.grads, ...p.statistics.flatMap((s) => [s.mean, s.variance])]);
      reply({ id: task.id, parts }, buffers.map((a) => a.buffer as ArrayBuffer));
    })
    .catch((error: unknown) => {
      const { message, stack } = error instanceof Error ? error : new Error(String(error));
      reply({ id: task.id, error: { message, stack } });
    });
});
