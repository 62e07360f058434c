/**
 * Training on wasm: a small model of every block type (basic, bottleneck, pre-activation with
 * projection, ResNeXt with grouped convolution) memorises 64 random images with random labels, and
 * every trainable weight receives a gradient.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';

const COUNT = 64;
const SHAPE = [8, 8, 3] as const;
const MAX_STEPS = 40;
const TARGET_LOSS = 0.05;

function dataset(seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rng = Rng.fromSeed(seed);
  const pixels = Float32Array.from({ length: COUNT * SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => rng.normal());
  const labels = Int32Array.from({ length: COUNT }, () => rng.int(0, 9));
  return { x: tf.tensor4d(pixels, [COUNT, ...SHAPE]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D };
}

const CASES: Array<[string, Omit<ModelSpec, 'numClasses' | 'inputShape'>]> = [
  ['BasicBlock resnet8', { arch: 'resnet', depth: 8 }],
  ['Bottleneck resnet8', { arch: 'resnet', depth: 8, block: 'bottleneck' }],
  ['pre-activation wrn-10-2', { arch: 'wrn', depth: 10, widenFactor: 2 }],
  ['ResNeXt-11 4x4d (grouped conv)', { arch: 'resnext', depth: 11, cardinality: 4, baseWidth: 4 }],
];

describe('models memorise 64 images on wasm', () => {
  before(async () => {
    const info = await setupBackend({ backend: 'wasm' });
    assert.equal(info.backend, 'wasm');
  });

  for (const [name, spec] of CASES) {
    it(`${name}: loss < ${TARGET_LOSS} within ${MAX_STEPS} full-batch Adam steps`, () => {
      const model = buildModel({ ...spec, numClasses: 10, inputShape: [...SHAPE], seed: 3 });
      const { x, y } = dataset(7);
      const initial = model.trainableWeights.map((w) => w.read().clone());
      const optimizer = tf.train.adam(0.01);
      const lossOf = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
      let loss = Infinity;
      let steps = 0;
      let tensorsAfterFirst = 0;
      while (loss >= TARGET_LOSS && steps < MAX_STEPS) {
        const value = optimizer.minimize(lossOf, true) as tf.Scalar;
        loss = value.dataSync()[0];
        value.dispose();
        steps++;
        if (steps === 1) tensorsAfterFirst = tf.memory().numTensors;
      }
      assert.ok(loss < TARGET_LOSS, `${name}: loss ${loss} after ${steps} steps`);
      assert.equal(tf.memory().numTensors, tensorsAfterFirst, 'no tensor leak across steps');
      model.trainableWeights.forEach((w, i) => {
        const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(w.read(), initial[i]))).dataSync()[0]);
        assert.ok(moved > 0, `${w.name} received no gradient`);
      });
      tf.dispose([x, y, ...initial]);
      optimizer.dispose();
      model.dispose();
    });
  }
});
