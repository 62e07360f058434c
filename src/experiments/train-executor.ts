/**
 * The grid executor that trains through `train()`: a grid run becomes a full `TrainConfig` (the
 * budget flags of the command, the run's dataset, model and augmentation), trained in the run's
 * folder and resumed from its checkpoint when one is there.
 */
import { access } from 'node:fs/promises';
import { makeConfig, type TrainConfig } from '../train/config.js';
import { runPaths } from '../train/run-folder.js';
import { train } from '../train/trainer.js';
import type { ProgressMode } from '../train/progress.js';
import type { GridRun } from './grids.js';
import type { GridExecutor, RunOutcome } from './runner.js';

/** Random Erasing probability of the paper's RE runs. */
export const PAPER_P = 0.5;

/** Training settings shared by every run of a grid (the budget and the runtime). */
export type GridBudget = Partial<Omit<TrainConfig, 'dataset' | 'arch' | 'depth' | 'widenFactor' | 'cardinality' | 'p' | 'convDropout' | 'noise' | 'seed' | 'checkpoint' | 'resume'>>;

/** Fields that do not change what a run computes; left out of the config a finished run is checked against. */
const RUNTIME_ONLY = ['checkpoint', 'resume', 'workers', 'backend', 'dataDir', 'replicas'] as const;

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

/** The complete training config of one run of a grid. */
export function runConfig(run: GridRun, seed: number, budget: GridBudget, dir: string): TrainConfig {
  const { model, settings } = run;
  return makeConfig({
    ...budget,
    dataset: run.dataset,
    arch: model.arch,
    ...(model.depth !== undefined ? { depth: model.depth } : {}),
    ...(model.widenFactor !== undefined ? { widenFactor: model.widenFactor } : {}),
    ...(model.cardinality !== undefined ? { cardinality: model.cardinality } : {}),
    p: settings.erasing ? PAPER_P : 0,
    ...(settings.flip !== undefined ? { flip: settings.flip } : {}),
    ...(settings.crop !== undefined ? { crop: settings.crop } : {}),
    convDropout: settings.convDropout ?? 0,
    ...(settings.noise !== undefined ? { noise: settings.noise } : {}),
    seed,
    checkpoint: dir,
  });
}

async function exists(file: string): Promise<boolean> {
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
  readonly progress?: ProgressMode;
  /** Abort to stop the current run at a safe point (it then throws {@link GridInterrupted}). */
  readonly signal?: AbortSignal;
}

/** A {@link GridExecutor} training each run with `train()`, resuming from the run folder's checkpoint. */
export function trainExecutor(options: TrainExecutorOptions): GridExecutor {
  return {
    describe(run, seed) {
      const config: Record<string, unknown> = { ...runConfig(run, seed, options.budget, '') };
      for (const field of RUNTIME_ONLY) delete config[field];
      return config;
    },
    async execute(run, seed, dir): Promise<RunOutcome> {
      const config = runConfig(run, seed, options.budget, dir);
      const paths = runPaths(dir);
      if (await exists(paths.checkpoint)) config.resume = paths.checkpoint;
      const result = await train(config, { progress: options.progress ?? 'silent', signal: options.signal });
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
