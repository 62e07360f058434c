/** Messages between the trainer's {@link ReplicaPool} and its replica workers. */
import type { RngState } from '../core/rng.js';
import type { Batch } from '../data/batch.js';
import type { ErrorReply } from '../data/pending-replies.js';
import type { ModelSpec } from '../models/spec.js';
import type { BackendName } from '../tf/backend-names.js';

/** What a replica worker is started with: the model to build, the backend to build it on, how to train. */
export interface ReplicaInit {
  readonly spec: ModelSpec;
  readonly backend: BackendName;
  readonly labelSmoothing: number;
}

/**
 * A block of consecutive micro-batches of a step: the model's weights (all of them, in
 * `model.weights` order, concatenated in `weights`, a SharedArrayBuffer view the worker only reads),
 * the block's samples (NHWC), the micro-batch sizes in sample order, and where the dropout layers'
 * mask generators stand at the block's first micro-batch (in layer order).
 */
export interface ReplicaTask extends Batch {
  readonly id: number;
  readonly weights: Float32Array;
  readonly dropout: RngState[];
  readonly sizes: number[];
}

/** The batch statistics one BatchNorm layer computed in one micro-batch. */
export interface RecordedStatistics {
  readonly layer: string;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly count: number;
}

/** One micro-batch's result: gradients of its mean loss (in `trainableWeights` order), mean loss, correct counts, BatchNorm statistics in call order. */
export interface MicroBatchResult {
  readonly count: number;
  readonly loss: number;
  readonly correct1: number;
  readonly correct5: number;
  readonly grads: Float32Array[];
  readonly statistics: RecordedStatistics[];
}

/** A block's results, one per micro-batch in order. */
export interface ReplicaResult {
  readonly id: number;
  readonly parts: MicroBatchResult[];
}

/** A block's results or the worker's error. */
export type ReplicaReply = ReplicaResult | ErrorReply;
