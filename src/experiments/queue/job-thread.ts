/**
 * The thread that trains one queue job: `train()` in the run's folder, resumed from its checkpoint
 * when there is one, with its own TF.js engine (and its own replica workers), so the worker's main
 * thread stays free to keep the job's lock alive and several jobs of one worker run at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { train } from '../../train/trainer.js';
import { STOP, type JobThreadInit, type JobThreadMessage } from './job-protocol.js';

const init = workerData as JobThreadInit;
const stop = new AbortController();
parentPort?.on('message', (message: unknown) => {
  if (message === STOP) stop.abort();
});

function post(message: JobThreadMessage): void {
  parentPort?.postMessage(message);
}

async function run(): Promise<void> {
  const result = await train(
    { spec: init.spec, runtime: init.runtime, resume: init.resume },
    { signal: stop.signal, onEpoch: (record) => post({ type: 'epoch', record, epochs: init.spec.epochs }) },
  );
  if (result.interrupted) post({ type: 'interrupted' });
  else post({ type: 'done', finalError: 100 - result.lastAcc, bestError: 100 - result.bestAcc, epochs: result.epochs, resumed: init.resume !== undefined });
}

run().catch((error: unknown) => {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', message, stack });
});
