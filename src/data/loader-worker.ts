/**
 * Loader worker: builds the pipeline once, then fills the batches it is asked for from the shared
 * dataset memory and transfers them back. Any failure is posted as an error for that batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createBatchFiller } from './batch.js';
import type { WorkerInit, WorkerReply, WorkerTask } from './worker-protocol.js';

const init = workerData as WorkerInit;
const fill = createBatchFiller(
  { ...init.shape, images: new Uint8Array(init.images), labels: new Int32Array(init.labels) },
  init.pipeline,
  init.seed,
);

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

parentPort?.on('message', (task: WorkerTask) => {
  try {
    const { x, y } = fill(task.epoch, task.start, task.indices);
    reply({ id: task.id, x, y }, [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
  } catch (error) {
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    reply({ id: task.id, error: { message, stack } });
  }
});
