/**
 * A fixed pool of loader workers. Tasks go round-robin; each returns a promise for its batch. A task
 * error rejects that task; a crashed worker rejects everything in flight and the pool refuses new
 * work. Workers keep the process alive only while tasks are in flight.
 */
import { Worker } from 'node:worker_threads';
import { PendingReplies } from './pending-replies.js';
import type { WorkerInit, WorkerReply, WorkerTask } from './worker-protocol.js';

type Filled = { readonly id: number; x: Float32Array; y: Int32Array };

/**
 * Start the worker entry `name` (no extension) next to the module at `base` (its `import.meta.url`):
 * `.js` once compiled; `.ts` when running from sources under tsx, whose loader Node 20 workers do not
 * inherit, so the worker registers it first.
 */
export function startWorker(base: string, name: string, workerData: unknown): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), { workerData });
  const entry = JSON.stringify(new URL(`./${name}.ts`, base).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${entry}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Terminate workers and wait for their exits. A timer holds the event loop open meanwhile: a worker
 * being stopped does not, and without it a process with nothing else to do can end (or a test runner
 * give up) with the exits still pending.
 */
export async function terminateAll(workers: readonly Worker[]): Promise<void> {
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    await Promise.all(workers.map((w) => w.terminate()));
  } finally {
    clearInterval(keepAlive);
  }
}

export class WorkerPool {
  private readonly workers: Worker[];
  private readonly pending = new PendingReplies<Filled>('loader worker');
  private nextId = 0;

  constructor(count: number, init: WorkerInit) {
    this.workers = Array.from({ length: count }, () => this.spawn(init));
  }

  private spawn(init: WorkerInit): Worker {
    const worker = startWorker(import.meta.url, 'loader-worker', init);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.pending.fail(new Error(`loader worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!this.pending.failed) this.pending.fail(new Error(`loader worker exited unexpectedly with code ${code}`));
    });
    return worker;
  }

  private settle(reply: WorkerReply): void {
    this.pending.settle(reply);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
  }

  /** Run a task on the next worker (round-robin). */
  run(task: Omit<WorkerTask, 'id'>): Promise<{ x: Float32Array; y: Int32Array }> {
    if (this.pending.size === 0 && !this.pending.failed) for (const w of this.workers) w.ref();
    return this.pending.add((id) => {
      this.workers[this.nextId++ % this.workers.length].postMessage({ ...task, id });
    });
  }

  /** Stop every worker; tasks still in flight reject with "loader closed". */
  async close(): Promise<void> {
    this.pending.fail(new Error('loader closed'));
    await terminateAll(this.workers);
  }
}
