/** Messages between a queue worker and the thread that trains one of its jobs. */
import type { EpochRecord } from '../../train/history.js';
import type { RunRuntime } from '../../train/run-runtime.js';
import type { CompleteSpec } from '../../train/run-spec.js';

/** What a job thread is started with. */
export interface JobThreadInit {
  readonly spec: CompleteSpec;
  readonly runtime: RunRuntime;
  /** The run folder's checkpoint, when a worker trained part of the run before. */
  readonly resume?: string;
}

/** A job thread's messages: each finished epoch, then the end of the run. */
export type JobThreadMessage =
  | { readonly type: 'epoch'; readonly record: EpochRecord; readonly epochs: number }
  | { readonly type: 'done'; readonly finalError: number; readonly bestError: number; readonly epochs: number; readonly resumed: boolean }
  | { readonly type: 'interrupted' }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

/** What the worker sends a job thread: stop at the next safe point (a checkpoint is written). */
export const STOP = 'stop';
