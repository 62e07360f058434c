/** Tiny generated data and a tiny model for fast end-to-end trainer tests on the cpu backend. */
import type { Batch } from '../../src/data/batch.js';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { SeededDropout } from '../../src/models/index.js';
import { tfl } from '../../src/tf/tf.js';
import type { TrainData } from '../../src/train/data-source.js';
import type { BatchSource } from '../../src/train/passes.js';

export const SHAPE: [number, number, number] = [8, 8, 1];
export const CLASSES = 3;

/** Class c has a bright band at rows 2c..2c+1 plus seeded noise: learnable in a few steps. */
function makeSamples(count: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = Rng.fromSeed(seed);
  const [h, w] = SHAPE;
  const x = new Float32Array(count * h * w);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % CLASSES;
    for (let p = 0; p < h * w; p++) {
      const row = Math.floor(p / w);
      x[i * h * w + p] = (row >> 1 === y[i] ? 1 : 0) + 0.3 * rng.normal();
    }
  }
  return { x, y };
}

/** A batch source over generated samples; the order of each epoch is shuffled from (seed, epoch). */
function source(count: number, batch: number, seed: number, shuffle: boolean): BatchSource {
  const { x, y } = makeSamples(count, seed);
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  return {
    batchesPerEpoch: Math.ceil(count / batch),
    async *epoch(e: number): AsyncIterable<Batch> {
      const order = Array.from({ length: count }, (_, i) => i);
      if (shuffle) Rng.fromSeed(seed).derive(e).shuffle(order);
      for (let start = 0; start < count; start += batch) {
        const ids = order.slice(start, start + batch);
        const bx = new Float32Array(ids.length * size);
        ids.forEach((id, k) => bx.set(x.subarray(id * size, (id + 1) * size), k * size));
        yield { x: bx, y: Int32Array.from(ids.map((id) => y[id])), count: ids.length, height: SHAPE[0], width: SHAPE[1], channels: SHAPE[2] };
      }
    },
  };
}

/** Generated train (48 samples) and test (24 samples) sources. */
export function tinyData(seed = 1, batch = 16): TrainData {
  return { train: source(48, batch, seed, true), test: source(24, 12, seed + 100, false), numClasses: CLASSES, inputShape: SHAPE, close() {} };
}

/**
 * conv 3x3 (4) → BatchNorm → ReLU → [seeded dropout] → global average pool → dense logits, seeded
 * initialisation.
 */
export function tinyModel(dropout = 0): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  if (dropout > 0) x = new SeededDropout({ rate: dropout, seed: 9 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: CLASSES, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** A fresh temporary folder. */
export function tempDir(prefix = 're-train-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}
