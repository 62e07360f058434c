/** Copying a layers model's weights to and from plain arrays (checkpoints, equivalence checks). */
import { tf, tfl } from '../tf/tf.js';
import type { NamedArray } from './checkpoint.js';

/** Every weight of `model` (trainable and BatchNorm statistics), in `model.weights` order. */
export function readWeights(model: tfl.LayersModel): NamedArray[] {
  return model.weights.map((w) => {
    const value = w.read();
    return { name: w.originalName, shape: [...value.shape], values: (value.dataSync() as Float32Array).slice() };
  });
}

/** Load arrays saved by {@link readWeights}; count and shapes must match (`source` names the origin in errors). */
export function writeWeights(model: tfl.LayersModel, arrays: readonly NamedArray[], source: string): void {
  const weights = model.weights;
  if (arrays.length !== weights.length) {
    throw new Error(`${source} holds ${arrays.length} weight tensors but the model has ${weights.length}; was it trained with another architecture?`);
  }
  weights.forEach((w, i) => {
    const a = arrays[i];
    const shape = w.read().shape;
    if (a.values.length !== w.read().size || a.shape.join('x') !== shape.join('x')) {
      throw new Error(`${source}: weight ${i} (${a.name}) has shape [${a.shape}], the model's ${w.originalName} has [${shape}]`);
    }
  });
  const tensors = arrays.map((a) => tf.tensor(a.values, [...a.shape], 'float32'));
  model.setWeights(tensors);
  tf.dispose(tensors);
}
