/** `--evaluate`: test loss, top-1 and top-5 of a checkpoint's model. */
import { setupBackend } from '../tf/backend.js';
import { loadCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { loadSplit, testLoaderOf } from './data-source.js';
import { modelFromCheckpoint } from './export.js';
import { evaluate, type PassMetrics } from './passes.js';
import { createReporter, type ProgressMode } from './progress.js';

/** Settings that may differ from the checkpoint's when evaluating. */
export type EvaluateOverrides = Partial<Pick<TrainConfig, 'dataDir' | 'backend' | 'testBatch' | 'testSubset'>>;

/** Result of {@link evaluateCheckpoint}. Accuracies in percent. */
export interface Evaluation extends PassMetrics {
  readonly checkpoint: string;
  /** Epochs the checkpoint had completed. */
  readonly epoch: number;
  readonly dataset: string;
}

/**
 * Evaluate the model saved in checkpoint `file` on its dataset's test split.
 *
 * @example
 * const { top1, top5, loss } = await evaluateCheckpoint('checkpoint/model_best.ckpt');
 */
export async function evaluateCheckpoint(file: string, overrides: EvaluateOverrides = {}, progress: ProgressMode = 'silent'): Promise<Evaluation> {
  const state = await loadCheckpoint(file);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: TrainConfig = { ...state.config, ...defined };
  await setupBackend({ backend: config.backend });
  const loader = testLoaderOf(config, await loadSplit(config, 'test'));
  const model = modelFromCheckpoint(state, file);
  try {
    const metrics = await evaluate(model, loader, createReporter(progress));
    return { ...metrics, checkpoint: file, epoch: state.epoch, dataset: config.dataset };
  } finally {
    model.dispose();
    await loader.close();
  }
}
