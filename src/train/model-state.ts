/** Copying a layers model's state (weights, dropout generators) to and from plain data, for checkpoints. */
import type { RngState } from '../core/rng.js';
import { SeededDropout } from '../models/index.js';
import { tf, tfl } from '../tf/tf.js';
import type { NamedArray } from './checkpoint.js';

/** Every weight of `model` (trainable and BatchNorm statistics), in `model.weights` order (read asynchronously). */
export async function readWeights(model: tfl.LayersModel): Promise<NamedArray[]> {
  return Promise.all(
    model.weights.map(async (w) => {
      const value = w.read();
      return { name: w.originalName, shape: [...value.shape], values: ((await value.data()) as Float32Array).slice() };
    }),
  );
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

/** `model` with the arrays of {@link readWeights} loaded; disposed, and the error rethrown, when they do not fit. */
export function withWeights(model: tfl.LayersModel, arrays: readonly NamedArray[], source: string): tfl.LayersModel {
  try {
    writeWeights(model, arrays, source);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

function dropoutLayers(model: tfl.LayersModel): SeededDropout[] {
  return model.layers.filter((layer): layer is SeededDropout => layer instanceof SeededDropout);
}

/** Mask generator positions of the model's seeded dropout layers, in layer order. */
export function readDropoutRng(model: tfl.LayersModel): RngState[] {
  return dropoutLayers(model).map((layer) => layer.rngState());
}

/** Restore positions saved with {@link readDropoutRng}. */
export function writeDropoutRng(model: tfl.LayersModel, states: readonly RngState[], source: string): void {
  const layers = dropoutLayers(model);
  if (states.length !== layers.length) {
    throw new Error(`${source} holds ${states.length} dropout generator states but the model has ${layers.length} dropout layers`);
  }
  layers.forEach((layer, i) => layer.setRngState(states[i]));
}
