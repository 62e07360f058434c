/** Messages between the loader and its workers. */
import type { PipelineConfig } from './pipeline.js';

/** Sent once, as `workerData`. */
export interface WorkerInit {
  readonly images: SharedArrayBuffer;
  readonly labels: SharedArrayBuffer;
  readonly shape: { readonly height: number; readonly width: number; readonly channels: number };
  readonly pipeline: PipelineConfig;
  readonly seed: number;
}

/** Fill the batch of dataset `indices` found at positions `start...` of `epoch`. */
export interface WorkerTask {
  readonly id: number;
  readonly epoch: number;
  readonly start: number;
  readonly indices: Int32Array;
}

/** A filled batch (buffers transferred) or the error that stopped it. */
export type WorkerReply =
  | { readonly id: number; readonly x: Float32Array; readonly y: Int32Array }
  | { readonly id: number; readonly error: { readonly message: string; readonly stack?: string } };
