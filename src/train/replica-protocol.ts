/** Messages between the trainer's {@link ReplicaPool} and its replica workers. */
import type { Batch } from '../data/batch.js';
import type { RngState } from '../core/rng.js';
import type { ErrorReply } from '../data/pending-replies.js';
import type { ModelSpec } from '../models/spec.js';
import type { BackendName } from '../tf/backend.js';

/** What a replica worker is started with: the model to build, the backend to build it on, how to train. */
export interface ReplicaInit {
  readonly spec: ModelSpec;
  readonly backend: BackendName;
  readonly labelSmoothing: number;
  /** Micro-batch size within a slice; unset = the whole slice in one pass. */
  readonly microBatch?: number;
}

/**
 * One slice of a step: the model's weights (all of them, in `model.weights` order, concatenated in
 * `weights`, a SharedArrayBuffer view the worker only reads), the slice's samples (NHWC), and where
 * the dropout layers' mask generators stand for this slice (in layer order).
 */
export interface ReplicaTask extends Batch {
  readonly id: number;
  readonly weights: Float32Array;
  readonly dropout: RngState[];
}

/**
 * A slice's result: gradients of its mean loss (in `trainableWeights` order), its mean loss and
 * correct counts, and every weight after the step's BatchNorm updates (in `model.weights` order,
 * updated once per micro-batch).
 */
export interface ReplicaResult {
  readonly id: number;
  readonly count: number;
  readonly loss: number;
  readonly correct1: number;
  readonly correct5: number;
  readonly grads: Float32Array[];
  readonly weights: Float32Array[];
}

/** A slice's result or the worker's error. */
export type ReplicaReply = ReplicaResult | ErrorReply;
