/**
 * BatchNorm running statistics of a model and how to merge the updates that replicas made from the
 * same starting values into the sequential updates of the micro-batch path.
 */
import { TorchBatchNorm } from '../models/index.js';
import { tf, tfl } from '../tf/tf.js';

/** A running-statistic weight: its index in `model.weights` and its PyTorch-style momentum m (r' = (1-m) r + m s). */
export interface RunningStatistic {
  readonly index: number;
  readonly momentum: number;
}

/** PyTorch-style momentum of a batch-normalisation layer, or undefined for other layers (tfjs-layers' is Keras-style: m = 1 - momentum). */
function momentumOf(layer: tfl.layers.Layer): number | undefined {
  const config = layer.getConfig();
  if (layer instanceof TorchBatchNorm) return config.momentum as number;
  if (layer.getClassName() === 'BatchNormalization') return 1 - (config.momentum as number);
  return undefined;
}

/** Every `moving_mean` / `moving_variance` weight of the model's batch-normalisation layers. */
export function runningStatistics(model: tfl.LayersModel): RunningStatistic[] {
  const stats: RunningStatistic[] = [];
  for (const layer of model.layers) {
    const momentum = momentumOf(layer);
    if (momentum === undefined) continue;
    for (const w of layer.weights) {
      if (/moving_(mean|variance)/.test(w.name)) stats.push({ index: model.weights.indexOf(w), momentum });
    }
  }
  return stats;
}

/**
 * The statistic after the updates of slices 0..K-1 applied in order, given the start `r0` and what
 * each slice made of `r0` alone with its n_k updates (one per micro-batch; default 1 each):
 * updated[k] = (1-m)^n_k r0 + c_k, so r_K = (1-m)^N r0 + sum_k (1-m)^(n_k+1 + ... + n_K-1) c_k,
 * N = n_0 + ... + n_K-1.
 */
export function combineUpdates(
  r0: Float32Array,
  updated: readonly Float32Array[],
  momentum: number,
  passes: readonly number[] = updated.map(() => 1),
): Float32Array {
  const keep = 1 - momentum;
  const later = passes.map((_, k) => passes.slice(k + 1).reduce((a, b) => a + b, 0));
  const all = passes.reduce((a, b) => a + b, 0);
  return r0.map((start, i) => {
    let value = keep ** all * start;
    updated.forEach((u, k) => (value += keep ** later[k] * (u[i] - keep ** passes[k] * start)));
    return value;
  });
}

/**
 * Write the merged running statistics into the model (`before` and each replica's values indexed as
 * `model.weights`; `passes[k]`: the updates replica k made, one per micro-batch).
 */
export function mergeRunningStatistics(
  model: tfl.LayersModel,
  stats: readonly RunningStatistic[],
  before: readonly Float32Array[],
  updated: ReadonlyArray<readonly Float32Array[]>,
  passes: readonly number[],
): void {
  for (const { index, momentum } of stats) {
    const weight = model.weights[index];
    const merged = combineUpdates(before[index], updated.map((values) => values[index]), momentum, passes);
    const value = tf.tensor(merged, weight.shape as number[], 'float32');
    weight.write(value);
    value.dispose();
  }
}
