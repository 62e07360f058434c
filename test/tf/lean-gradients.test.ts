/**
 * leanVariableGrads against tf.variableGrads: the same value and gradients bit for bit on a small
 * ResNet (batch norm, residual additions, strided projections), a lower peak of tensor bytes, no
 * tensor left behind, clear errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModel } from '../../src/models/registry.js';
import { setupBackend } from '../../src/tf/backend.js';
import { leanVariableGrads } from '../../src/tf/lean-gradients.js';
import { tf } from '../../src/tf/tf.js';
import { seededValues } from './helpers.js';

type Grads = typeof tf.variableGrads;

/** Value, gradients (in variable order) and the peak of tf.memory().numBytes above its start during `grads`. */
function measure(grads: Grads): { value: number; values: Float32Array[]; peak: number; leaked: number } {
  const model = buildModel({ arch: 'resnet', depth: 14, numClasses: 3, inputShape: [8, 8, 2], seed: 4 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.tensor4d(seededValues(4 * 8 * 8 * 2, 9), [4, 8, 8, 2]);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
  const engine = tf.engine() as unknown as { state: { numBytes: number }; trackTensor: (...args: unknown[]) => void };
  const track = engine.trackTensor;
  let peak = 0;
  engine.trackTensor = function (this: typeof engine, ...args: unknown[]) {
    track.apply(this, args);
    peak = Math.max(peak, this.state.numBytes);
  };
  const before = tf.memory().numTensors;
  const start = tf.memory().numBytes;
  try {
    const result = grads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    const leaked = tf.memory().numTensors - before - 1 - Object.keys(result.grads).length;
    const values = vars.map((v) => result.grads[v.name].dataSync() as Float32Array);
    const value = result.value.dataSync()[0];
    tf.dispose([result.value, ...Object.values(result.grads)]);
    return { value, values, peak: peak - start, leaked };
  } finally {
    engine.trackTensor = track;
    tf.dispose([x, labels]);
    model.dispose();
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`leanVariableGrads on ${backend}`, () => {
    it('returns the value and gradients of tf.variableGrads bit for bit, with a lower peak and no leak', async () => {
      await setupBackend({ backend });
      const stock = measure(tf.variableGrads);
      const lean = measure(leanVariableGrads as Grads);
      assert.equal(lean.value, stock.value);
      lean.values.forEach((g, i) => assert.deepEqual(g, stock.values[i], `gradient ${i}`));
      assert.equal(lean.leaked, 0);
      assert.ok(lean.peak < 0.75 * stock.peak, `peak bytes ${lean.peak} vs ${stock.peak}`);
    });
  });
}

describe('leanVariableGrads errors', () => {
  it('rejects a non-scalar result and variables that are not trainable', async () => {
    await setupBackend({ backend: 'cpu' });
    const v = tf.variable(tf.ones([2]));
    const frozen = tf.variable(tf.ones([2]), false);
    assert.throws(() => leanVariableGrads(() => tf.mul(v, 2) as unknown as tf.Scalar, [v]), /must return a scalar, but it returned a rank-1 tensor/);
    assert.throws(() => leanVariableGrads(() => tf.sum(frozen), [frozen]), /none of the variables is trainable/);
    tf.dispose([v, frozen]);
  });
});
