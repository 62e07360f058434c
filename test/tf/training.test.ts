/**
 * End-to-end training on wasm with the engine's kernels, pure wasm and native: a small ResNet
 * (tfjs-layers layers) trained from the same weights and data on wasm and on cpu gives the same
 * losses, and a training loop does not leak.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupBackend } from '../../src/tf/backend.js';
import { tf, tfl } from '../../src/tf/tf.js';
import { seededValues } from './helpers.js';
import { nativeSkip } from './native-availability.js';

const BATCH = 8;
const SHAPE: [number, number, number] = [10, 10, 3];
const CLASSES = 5;

function convBn(x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides: number) {
  const conv = tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false });
  return tfl.layers.batchNormalization({ momentum: 0.9 }).apply(conv.apply(x)) as tfl.SymbolicTensor;
}

/** Stem, one basic block per stage (8, 16 channels; the second strided with a 1x1 projection). */
function smallResNet(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE });
  let x = tfl.layers.reLU().apply(convBn(input, 8, 3, 1)) as tfl.SymbolicTensor;
  for (const [filters, strides] of [[8, 1], [16, 2]]) {
    const y = convBn(tfl.layers.reLU().apply(convBn(x, filters, 3, strides)) as tfl.SymbolicTensor, filters, 3, 1);
    const shortcut = strides === 1 ? x : convBn(x, filters, 1, strides);
    x = tfl.layers.reLU().apply(tfl.layers.add().apply([y, shortcut])) as tfl.SymbolicTensor;
  }
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(x);
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: CLASSES }).apply(pooled) as tfl.SymbolicTensor });
}

/** A fixed batch (the loss must fall as the model memorises it). */
function batch(): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.tensor(seededValues(BATCH * SHAPE[0] * SHAPE[1] * SHAPE[2], 100), [BATCH, ...SHAPE]);
    const labels = Array.from({ length: BATCH }, (_, i) => (i * 3) % CLASSES);
    return { x, y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES) };
  });
}

/** Trains `steps` steps from `weights` and returns the loss of each step. */
function trainLosses(weights: Float32Array[], steps: number): number[] {
  const model = smallResNet();
  const start = weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape));
  model.setWeights(start);
  tf.dispose(start);
  const optimizer = tf.train.momentum(0.05, 0.9);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { x, y } = batch();
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    losses.push(loss!.dataSync()[0]);
    tf.dispose([x, y, loss!]);
  }
  optimizer.dispose();
  model.dispose();
  return losses;
}

const PATHS = [
  { name: 'pure wasm kernels', native: false, skip: false as const },
  { name: 'native kernels', native: true, skip: nativeSkip },
];

for (const path of PATHS) {
  describe(`training on wasm (${path.name})`, { skip: path.skip }, () => {
    it('gives the same loss curve as the cpu backend from the same weights and data', async () => {
      await setupBackend({ backend: 'cpu' });
      const initial = smallResNet();
      const weights = initial.getWeights().map((w) => w.dataSync() as Float32Array);
      initial.dispose();
      const cpu = trainLosses(weights, 6);
      await setupBackend({ backend: 'wasm', native: path.native });
      const wasm = trainLosses(weights, 6);
      assert.ok(cpu[5] < cpu[0], `loss should fall on the training batches: ${cpu.join(', ')}`);
      for (let i = 0; i < cpu.length; i++) {
        assert.ok(Math.abs(wasm[i] - cpu[i]) <= 1e-4 * Math.max(1, Math.abs(cpu[i])), `step ${i}: wasm ${wasm[i]} vs cpu ${cpu[i]}`);
      }
    });

    it('keeps tf.memory().numTensors constant from step 2 to step 20', async () => {
      await setupBackend({ backend: 'wasm', native: path.native });
      const model = smallResNet();
      const optimizer = tf.train.momentum(0.05, 0.9);
      const counts: number[] = [];
      for (let step = 1; step <= 20; step++) {
        const { x, y } = batch();
        const loss = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
        );
        tf.dispose([x, y, loss!]);
        counts.push(tf.memory().numTensors);
      }
      assert.equal(counts[19], counts[1], `tensor counts per step: ${counts.join(', ')}`);
      optimizer.dispose();
      model.dispose();
    });
  });
}
