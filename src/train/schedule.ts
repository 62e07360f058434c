/**
 * Step learning-rate schedule of the paper's scripts: the LR starts at `lr` and is multiplied by
 * `gamma` at the start of each epoch listed in `schedule` (0-based epoch numbers, as `adjust_learning_rate`
 * in cifar.py compares them with the 0-based loop counter).
 */
export function learningRateAt(epoch: number, lr: number, schedule: readonly number[], gamma: number): number {
  let rate = lr;
  for (const milestone of schedule) if (epoch >= milestone) rate *= gamma;
  return rate;
}
