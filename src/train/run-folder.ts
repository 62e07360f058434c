/** File names inside a run's checkpoint folder, and the run description files. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import type { TrainConfig } from './config.js';

/** Paths of everything a run writes in its folder. */
export interface RunPaths {
  readonly dir: string;
  /** Latest state, rewritten every epoch (and on interruption). */
  readonly checkpoint: string;
  /** Copy of the checkpoint of the epoch with the best test accuracy. */
  readonly best: string;
  readonly config: string;
  readonly seed: string;
  readonly log: string;
  readonly metrics: string;
  /** Without extension: `.svg` and `.png` are written. */
  readonly curves: string;
}

/** The paths of a run folder. */
export function runPaths(dir: string): RunPaths {
  const at = (name: string) => path.join(dir, name);
  return {
    dir,
    checkpoint: at('checkpoint.ckpt'),
    best: at('model_best.ckpt'),
    config: at('config.json'),
    seed: at('seed.txt'),
    log: at('log.txt'),
    metrics: at('metrics.jsonl'),
    curves: at('curves'),
  };
}

/** Create the folder and record the config and the seed. */
export async function writeRunDescription(paths: RunPaths, config: TrainConfig): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeFileAtomic(paths.config, JSON.stringify(config, null, 2) + '\n');
  await writeFileAtomic(paths.seed, `${config.seed}\n`);
}
