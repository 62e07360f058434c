/** The training budget of a grid, with the paper's schedule scaled to shorter runs, and its description. */
import { DEFAULTS } from '../train/config.js';
import type { GridBudget } from './train-executor.js';

/**
 * The budget with a schedule: the given one, or, when only `epochs` is set, the paper's LR drops
 * at the same fractions of training (150 and 225 of 300 epochs → 50% and 75%).
 */
export function withSchedule(budget: GridBudget): GridBudget {
  if (budget.schedule !== undefined || budget.epochs === undefined) return budget;
  const scaled = DEFAULTS.schedule.map((e) => Math.round((e / DEFAULTS.epochs) * budget.epochs!));
  return { ...budget, schedule: [...new Set(scaled.filter((e) => e > 0 && e < budget.epochs!))] };
}

/** One line saying exactly what each run trains with. */
export function describeBudget(budget: GridBudget, seeds: readonly number[]): string {
  const b = { ...DEFAULTS, ...budget };
  const schedule = b.schedule.length ? `×${b.gamma} at epochs ${b.schedule.join(', ')}` : 'constant';
  return [
    `${b.epochs} epochs`,
    `SGD lr ${b.lr} (${schedule}), momentum ${b.momentum}${b.nesterov ? ' (Nesterov)' : ''}, weight decay ${b.weightDecay}`,
    `batch ${b.trainBatch}`,
    `train images: ${b.trainSubset === undefined ? 'all' : `${b.trainSubset} (seeded subset)`}`,
    `test images: ${b.testSubset === undefined ? 'all' : `${b.testSubset} (seeded subset)`}`,
    `RE p=0.5 (${b.preset ?? 'reference'} preset, sl ${b.sl}, sh ${b.sh}, r1 ${b.r1}) in RE runs`,
    `seeds ${seeds.join(', ')}`,
  ].join('; ');
}
