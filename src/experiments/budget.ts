/** The training budget of a grid, with the paper's schedule scaled to shorter runs, and its description. */
import { PRESETS } from '../core/presets.js';
import { DEFAULT_MICRO_BATCH, DEFAULT_PRESET, SPEC_DEFAULTS } from '../train/run-spec.js';
import type { GridBudget } from './train-executor.js';

/**
 * The budget with a schedule: the given one, or, when only `epochs` is set, the paper's LR drops
 * at the same fractions of training (150 and 225 of 300 epochs → 50% and 75%).
 */
export function withSchedule(budget: GridBudget): GridBudget {
  if (budget.schedule !== undefined || budget.epochs === undefined) return budget;
  const epochs = budget.epochs;
  const scaled = SPEC_DEFAULTS.schedule.map((e) => Math.round((e / SPEC_DEFAULTS.epochs) * epochs));
  return { ...budget, schedule: [...new Set(scaled.filter((e) => e > 0 && e < epochs))] };
}

/** One line saying exactly what each run trains with. */
export function describeBudget(budget: GridBudget, seeds: readonly number[]): string {
  const b = { ...SPEC_DEFAULTS, ...budget };
  const preset = PRESETS[b.preset ?? DEFAULT_PRESET];
  const schedule = b.schedule.length ? `×${b.gamma} at epochs ${b.schedule.join(', ')}` : 'constant';
  const microBatch = b.microBatch ?? Math.min(DEFAULT_MICRO_BATCH, b.trainBatch);
  return [
    `${b.epochs} epochs`,
    `SGD lr ${b.lr} (${schedule}), momentum ${b.momentum}${b.nesterov ? ' (Nesterov)' : ''}, weight decay ${b.weightDecay}`,
    `batch ${b.trainBatch} (BatchNorm micro-batches of ${microBatch})`,
    `train images: ${b.trainSubset === undefined ? 'all' : `${b.trainSubset} (seeded subset)`}`,
    `test images: ${b.testSubset === undefined ? 'all' : `${b.testSubset} (seeded subset)`}`,
    `RE p=0.5 (${b.preset ?? DEFAULT_PRESET} preset, sl ${b.sl ?? preset.sl}, sh ${b.sh ?? preset.sh}, r1 ${b.r1 ?? preset.r1}${b.fill ? `, fill ${b.fill}` : ''}) in RE runs`,
    `seeds ${seeds.join(', ')}`,
  ].join('; ');
}
