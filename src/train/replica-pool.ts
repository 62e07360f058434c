/**
 * A fixed pool of replica workers, each with its own TF.js backend and copy of the model (see
 * replica-worker.ts). Block k + 1 of a step's micro-batches runs on worker k. A block's error rejects
 * that block with the worker's message; a crashed worker rejects everything in flight and the pool
 * refuses new work.
 */
import type { Worker } from 'node:worker_threads';
import { PendingReplies } from '../data/pending-replies.js';
import { startWorker, terminateAll } from '../data/worker-pool.js';
import type { ReplicaInit, ReplicaReply, ReplicaResult, ReplicaTask } from './replica-protocol.js';

/** Replica workers computing the gradients of blocks of micro-batches (see {@link replicaStep}). */
export class ReplicaPool {
  private readonly workers: Worker[];
  private readonly pending = new PendingReplies<ReplicaResult>('replica worker');

  /** Start `count` workers building the model of `init` on its backend. */
  constructor(count: number, init: ReplicaInit) {
    this.workers = Array.from({ length: count }, () => this.spawn(init));
  }

  private spawn(init: ReplicaInit): Worker {
    const worker = startWorker(import.meta.url, 'replica-worker', init);
    worker.on('message', (reply: ReplicaReply) => this.pending.settle(reply));
    worker.on('error', (error) => this.pending.fail(new Error(`replica worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!this.pending.failed) this.pending.fail(new Error(`replica worker exited unexpectedly with code ${code}`));
    });
    return worker;
  }

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  /** Run a block of micro-batches on worker `index`; `x` and `y` are transferred. */
  run(index: number, task: Omit<ReplicaTask, 'id'>): Promise<ReplicaResult> {
    return this.pending.add((id) => this.workers[index].postMessage({ ...task, id }, [task.x.buffer as ArrayBuffer, task.y.buffer as ArrayBuffer]));
  }

  /** Stop every worker; slices still in flight reject with "replicas closed". */
  async close(): Promise<void> {
    this.pending.fail(new Error('replicas closed'));
    await terminateAll(this.workers);
  }
}
