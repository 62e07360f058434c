/**
 * What `train()` is asked to do and the one place where the request is resolved: the defaults, the
 * resume rule (`resumedSpec`), the run folder. No TF.js here, so a command line is checked, and a bad
 * value reported, before the engine loads.
 */
import path from 'node:path';
import { loadCheckpoint, type CheckpointState } from './checkpoint.js';
import { completeRuntime, type CompleteRuntime, type RunRuntime } from './run-runtime.js';
import { completeSpec, resumedSpec, type CompleteSpec, type RunSpec } from './run-spec.js';

/** What to train: a new run, or a checkpoint to resume. */
export interface TrainRequest {
  /**
   * A new run's spec (unset values take the defaults), or, with `resume`, the values the caller
   * sets: they must equal the checkpoint's, except `epochs` (see `resumedSpec`).
   */
  readonly spec?: RunSpec;
  /** How to run it (threads, data workers, backend, folder, data location, test batch). */
  readonly runtime?: RunRuntime;
  /** Checkpoint file to continue from; the run folder defaults to its folder. */
  readonly resume?: string;
}

/** A request with every value resolved: the complete spec, the runtime and the checkpoint being resumed. */
export interface ResolvedRequest {
  readonly spec: CompleteSpec;
  readonly runtime: CompleteRuntime;
  readonly saved: CheckpointState | null;
}

/** Resolve a request: the one place where the resume rule and the defaults apply. */
export async function resolveRequest(request: TrainRequest): Promise<ResolvedRequest> {
  const saved = request.resume ? await loadCheckpoint(request.resume) : null;
  const spec = saved ? resumedSpec(saved.spec, request.spec ?? {}, saved.epoch) : completeSpec(request.spec ?? {});
  const folder = request.runtime?.checkpoint ?? (request.resume ? path.dirname(request.resume) : undefined);
  const runtime = completeRuntime({ ...definedOf(request.runtime ?? {}), ...(folder !== undefined ? { checkpoint: folder } : {}) });
  return { spec, runtime, saved };
}

function definedOf<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

