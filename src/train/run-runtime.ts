/**
 * How a run is executed, as opposed to what it computes (run-spec.ts): the folder it writes, the
 * threads and data workers it uses, the backend, where data files are found, the test batch size.
 * None of these changes a trained weight: a run may resume with other values, and grids reuse runs
 * made with other values.
 */
import { availableParallelism } from 'node:os';
import { Validator } from '../core/validate.js';
import { BACKENDS, type BackendName } from '../tf/backend-names.js';

/** Execution settings of a run; unset = default. */
export interface RunRuntime {
  /** Run folder: checkpoints, logs, plots (default `checkpoint`, or the resumed checkpoint's folder). */
  checkpoint?: string;
  /**
   * Threads computing the micro-batches of a step (the main thread and replica workers, each with its
   * own backend). Default: every core. More threads than micro-batches per step are not started.
   */
  threads?: number;
  /** Data loading worker threads (0 = augment on the main thread); default 1. */
  workers?: number;
  /** TF.js backend (default: the fastest that starts). */
  backend?: BackendName;
  /** The native kernels on wasm: `false` runs the pure wasm kernels even where they are built; `true` requires them (default: used when built). */
  native?: boolean;
  /** A folder holding the dataset's files; when given, it is the only place they are taken from. */
  dataDir?: string;
  /** Test batch size (default 100). */
  testBatch?: number;
}

/** A runtime with its defaults filled in (`backend` and `dataDir` stay optional). */
export interface CompleteRuntime extends RunRuntime {
  checkpoint: string;
  threads: number;
  workers: number;
  testBatch: number;
}

/** Defaults of the execution settings. */
export const RUNTIME_DEFAULTS = { checkpoint: 'checkpoint', workers: 1, testBatch: 100 } as const;

/** Every field of a runtime. */
export const RUNTIME_FIELDS = ['checkpoint', 'threads', 'workers', 'backend', 'native', 'dataDir', 'testBatch'] as const satisfies ReadonlyArray<keyof RunRuntime>;

const v = new Validator('run option');

/** Cores this process may use. */
export function coreCount(): number {
  return availableParallelism();
}

/** Validate `runtime` and fill in its defaults; errors name the field. */
export function completeRuntime(runtime: RunRuntime): CompleteRuntime {
  const unknown = Object.keys(runtime).find((key) => !(RUNTIME_FIELDS as readonly string[]).includes(key));
  if (unknown) v.reject(unknown, `is not a runtime option (known: ${RUNTIME_FIELDS.join(', ')})`);
  const complete: CompleteRuntime = {
    checkpoint: v.text(runtime.checkpoint ?? RUNTIME_DEFAULTS.checkpoint, 'checkpoint', 'a folder'),
    threads: v.integer(runtime.threads ?? coreCount(), 'threads', { min: 1 }),
    workers: v.integer(runtime.workers ?? RUNTIME_DEFAULTS.workers, 'workers', { min: 0 }),
    testBatch: v.integer(runtime.testBatch ?? RUNTIME_DEFAULTS.testBatch, 'testBatch', { min: 1 }),
  };
  if (runtime.backend !== undefined) complete.backend = v.oneOf(runtime.backend, 'backend', BACKENDS);
  if (runtime.native !== undefined) complete.native = v.boolean(runtime.native, 'native');
  if (runtime.dataDir !== undefined) complete.dataDir = v.text(runtime.dataDir, 'dataDir', 'a folder');
  return complete;
}
