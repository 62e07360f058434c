/**
 * Replica worker: sets up its own TF.js backend and builds the run's model from its spec, then for
 * each slice it is sent loads the main thread's weights and dropout generator positions, computes the
 * slice's gradients exactly as {@link trainStep} computes a batch's (in micro-batches when the run
 * has them), and posts them back with the updated BatchNorm statistics.
 * Any failure is posted as an error for that slice.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildModel } from '../models/index.js';
import { setupBackend } from '../tf/backend.js';
import { tf, type tfl } from '../tf/tf.js';
import type { ReplicaInit, ReplicaReply, ReplicaResult, ReplicaTask } from './replica-protocol.js';
import { writeDropoutRng } from './model-state.js';
import { batchGradients } from './step.js';

const init = workerData as ReplicaInit;

/** The model once the backend is ready; a start-up failure is reported with every slice. */
const ready: Promise<tfl.LayersModel> = setupBackend({ backend: init.backend }).then(() => buildModel(init.spec));
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

function runSlice(model: tfl.LayersModel, task: ReplicaTask): ReplicaResult {
  loadWeights(model, task.weights);
  writeDropoutRng(model, task.dropout, 'replica task');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads, count, loss, correct1, correct5 } = batchGradients(model, variables, task, init.labelSmoothing, init.microBatch);
  const weights = model.weights.map((w) => new Float32Array(w.read().dataSync() as Float32Array));
  return { id: task.id, count, loss, correct1, correct5, grads: valuesOf(grads), weights };
}

function reply(message: ReplicaReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

parentPort?.on('message', (task: ReplicaTask) => {
  ready
    .then((model) => {
      const result = runSlice(model, task);
      reply(result, [...result.grads, ...result.weights].map((a) => a.buffer as ArrayBuffer));
    })
    .catch((error: unknown) => {
      const { message, stack } = error instanceof Error ? error : new Error(String(error));
      reply({ id: task.id, error: { message, stack } });
    });
});
