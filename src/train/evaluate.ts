/** `--evaluate`: test loss, top-1 and top-5 of a checkpoint's model. */
import { setupBackend } from '../tf/backend.js';
import { loadCheckpoint } from './checkpoint.js';
import { loadSplit, testLoaderOf } from './data-source.js';
import { modelFromCheckpoint } from './export.js';
import { evaluate, type PassMetrics } from './passes.js';
import { createReporter, type ProgressMode } from './progress.js';
import type { CompleteRuntime } from './run-runtime.js';
import type { CompleteSpec } from './run-spec.js';

/** How to evaluate: where the data is, the backend, the batch size, a test subset other than the run's. */
export type EvaluateOverrides = Partial<Pick<CompleteRuntime, 'dataDir' | 'backend' | 'testBatch'> & Pick<CompleteSpec, 'testSubset'>>;

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
  const spec = { ...state.spec, testSubset: overrides.testSubset ?? state.spec.testSubset };
  await setupBackend({ backend: overrides.backend });
  const loader = testLoaderOf(spec, overrides.testBatch ?? state.runtime.testBatch, await loadSplit(spec, overrides.dataDir ?? state.runtime.dataDir, 'test'));
  const model = modelFromCheckpoint(state, file);
  try {
    const metrics = await evaluate(model, loader, createReporter(progress));
    return { ...metrics, checkpoint: file, epoch: state.epoch, dataset: spec.dataset };
  } finally {
    model.dispose();
    await loader.close();
  }
}
