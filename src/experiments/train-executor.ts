/**
 * The grid executor that trains through `train()`: a grid run becomes a run spec (the budget flags of
 * the command, the run's dataset, model and augmentation, the seed), trained in the run's folder with
 * the grid's runtime and resumed from its checkpoint when one is there.
 */
import { access } from 'node:fs/promises';
import type { ProgressMode } from '../train/progress.js';
import { runPaths } from '../train/run-folder.js';
import type { RunRuntime } from '../train/run-runtime.js';
import { completeSpec, type CompleteSpec, type RunSpec } from '../train/run-spec.js';
import { train } from '../train/trainer.js';
import type { GridRun } from './grids.js';
import type { GridExecutor, RunOutcome } from './runner.js';

/** Random Erasing probability of the paper's RE runs. */
export const PAPER_P = 0.5;

/** Spec fields every run of a grid shares (the budget); the erasing ones apply to the RE runs only. */
export type GridBudget = Omit<RunSpec, 'dataset' | 'arch' | 'depth' | 'widenFactor' | 'cardinality' | 'baseWidth' | 'drop' | 'p' | 'convDropout' | 'noise' | 'flip' | 'crop' | 'seed'>;

/** Budget fields that only runs with erasing take. */
const ERASING_FIELDS = ['preset', 'sl', 'sh', 'r1', 'fill'] as const;

/** A grid run stopped by Ctrl-C; the same command resumes the grid (from the run's checkpoint, if any). */
export class GridInterrupted extends Error {
  constructor(
    readonly dir: string,
    checkpointed: boolean,
  ) {
    const state = checkpointed ? `${dir} holds a checkpoint` : `${dir} had not trained a batch yet`;
    super(`interrupted; ${state}; the same command resumes the grid, skipping finished runs`);
    this.name = 'GridInterrupted';
  }
}

/** The spec of one run of a grid. */
export function runSpec(run: GridRun, seed: number, budget: GridBudget): RunSpec {
  const { model, settings } = run;
  const shared: RunSpec = { ...budget };
  if (!settings.erasing) for (const field of ERASING_FIELDS) delete shared[field];
  return {
    ...shared,
    dataset: run.dataset,
    arch: model.arch,
    ...(model.depth !== undefined ? { depth: model.depth } : {}),
    ...(model.widenFactor !== undefined ? { widenFactor: model.widenFactor } : {}),
    ...(model.cardinality !== undefined ? { cardinality: model.cardinality } : {}),
    ...(model.baseWidth !== undefined ? { baseWidth: model.baseWidth } : {}),
    p: settings.erasing ? PAPER_P : 0,
    ...(settings.flip !== undefined ? { flip: settings.flip } : {}),
    ...(settings.crop !== undefined ? { crop: settings.crop } : {}),
    ...(settings.convDropout !== undefined ? { convDropout: settings.convDropout } : {}),
    ...(settings.noise !== undefined ? { noise: settings.noise } : {}),
    seed,
  };
}

/** Whether `file` exists (a run folder's checkpoint, before resuming it). */
export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Options of {@link trainExecutor}. */
export interface TrainExecutorOptions {
  readonly budget: GridBudget;
  /** How every run executes (threads, data workers, backend, data location, test batch); the folder is the run's. */
  readonly runtime?: Omit<RunRuntime, 'checkpoint'>;
  readonly progress?: ProgressMode;
  /** Abort to stop the current run at a safe point (it then throws {@link GridInterrupted}). */
  readonly signal?: AbortSignal;
}

/** A {@link GridExecutor} training each run with `train()`, resuming from the run folder's checkpoint. */
export function trainExecutor(options: TrainExecutorOptions): GridExecutor {
  return {
    describe(run, seed): CompleteSpec {
      return completeSpec(runSpec(run, seed, options.budget));
    },
    async execute(run, seed, dir): Promise<RunOutcome> {
      const paths = runPaths(dir);
      const resume = (await exists(paths.checkpoint)) ? paths.checkpoint : undefined;
      const spec = runSpec(run, seed, options.budget);
      const result = await train({ spec, runtime: { ...options.runtime, checkpoint: dir }, resume }, { progress: options.progress ?? 'silent', signal: options.signal });
      if (result.interrupted) throw new GridInterrupted(dir, await exists(paths.checkpoint));
      return {
        finalError: 100 - result.lastAcc,
        bestError: 100 - result.bestAcc,
        epochs: result.epochs,
        checkpoint: paths.checkpoint,
      };
    },
  };
}
