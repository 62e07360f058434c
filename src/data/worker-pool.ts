/**
 * A fixed pool of loader workers. Tasks go round-robin; each returns a promise for its batch. A task
 * error rejects that task; a crashed worker rejects everything in flight and the pool refuses new
 * work. Workers keep the process alive only while tasks are in flight.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerInit, WorkerReply, WorkerTask } from './worker-protocol.js';

interface Pending {
  resolve(reply: { x: Float32Array; y: Int32Array }): void;
  reject(error: Error): void;
}

/**
 * Start the worker entry next to this module: `.js` once compiled; `.ts` when running from sources
 * under tsx, whose loader Node 20 workers do not inherit, so the worker registers it first.
 */
function startWorker(init: WorkerInit): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./loader-worker.js', import.meta.url), { workerData: init });
  const entry = JSON.stringify(new URL('./loader-worker.ts', import.meta.url).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${entry}); })`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

export class WorkerPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(count: number, init: WorkerInit) {
    this.workers = Array.from({ length: count }, () => this.spawn(init));
  }

  private spawn(init: WorkerInit): Worker {
    const worker = startWorker(init);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(new Error(`loader worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (this.failure === null) this.fail(new Error(`loader worker exited unexpectedly with code ${code}`));
    });
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if ('error' in reply) {
      const cause = Object.assign(new Error(reply.error.message), { stack: reply.error.stack });
      entry.reject(new Error(`loader worker failed: ${reply.error.message}`, { cause }));
    } else {
      entry.resolve(reply);
    }
  }

  /** Reject everything in flight and refuse further tasks. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }

  /** Run a task on the next worker (round-robin). */
  run(task: Omit<WorkerTask, 'id'>): Promise<{ x: Float32Array; y: Int32Array }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length];
    if (this.pending.size === 0) for (const w of this.workers) w.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...task, id });
    });
  }

  /** Stop every worker; tasks still in flight reject with "loader closed". */
  async close(): Promise<void> {
    this.fail(new Error('loader closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
