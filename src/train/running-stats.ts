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
 * The statistic after updates from slices 0..K-1 applied in order, given the start `r0` and each
 * slice's update of `r0` alone, `updated[k] = (1-m) r0 + m s_k`:
 * r_K = (1-m)^K r0 + sum_k (1-m)^(K-1-k) (updated[k] - (1-m) r0).
 */
export function combineUpdates(r0: Float32Array, updated: readonly Float32Array[], momentum: number): Float32Array {
  const keep = 1 - momentum;
  const slices = updated.length;
  return r0.map((start, i) => {
    let value = keep ** slices * start;
    updated.forEach((u, k) => (value += keep ** (slices - 1 - k) * (u[i] - keep * start)));
    return value;
  });
}

/** Write the merged running statistics into the model (`before` and each replica's values indexed as `model.weights`). */
export function mergeRunningStatistics(model: tfl.LayersModel, stats: readonly RunningStatistic[], before: readonly Float32Array[], updated: ReadonlyArray<readonly Float32Array[]>): void {
  for (const { index, momentum } of stats) {
    const weight = model.weights[index];
    const merged = combineUpdates(before[index], updated.map((values) => values[index]), momentum);
    const value = tf.tensor(merged, weight.shape as number[], 'float32');
    weight.write(value);
    value.dispose();
  }
}
