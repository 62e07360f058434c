import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { TorchBatchNorm } from '../../src/models/batch-norm.js';
import { tf, tfl } from '../../src/tf/tf.js';

function randn(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  const rng = Rng.fromSeed(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * rng.normal()), shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Batch normalisation written with plain differentiable ops (gradients by autodiff). */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

describe('TorchBatchNorm (cpu)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('training-mode output and gradients (x, gamma, beta) equal autodiff through the plain formula', () => {
    const input = tfl.input({ shape: [5, 6, 4] });
    const layer = new TorchBatchNorm({ name: 'bn' });
    layer.apply(input);
    const gamma = randn([4], 1, 0.5, 1);
    const beta = randn([4], 2);
    layer.setWeights([gamma, beta, tf.zeros([4]), tf.ones([4])]);
    const x = randn([3, 5, 6, 4], 3, 2, 0.7);
    const r = randn([3, 5, 6, 4], 4);
    const [gammaVar, betaVar] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, r)))(x);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, r)), [gammaVar, betaVar]);
    const [rx, rg, rb] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(reference(a, g, b), r)))([x, gamma, beta]);
    assert.ok(maxAbsDiff(layer.apply(x, { training: true }) as tf.Tensor, reference(x, gamma, beta)) < 1e-5, 'output');
    assert.ok(maxAbsDiff(dx, rx) < 1e-4, `dx differs by ${maxAbsDiff(dx, rx)}`);
    assert.ok(maxAbsDiff(grads[gammaVar.name], rg) < 1e-4, 'dgamma');
    assert.ok(maxAbsDiff(grads[betaVar.name], rb) < 1e-4, 'dbeta');
  });

  it('running statistics follow PyTorch (momentum 0.1, unbiased variance); inference uses them', () => {
    const input = tfl.input({ shape: [2, 2, 3] });
    const layer = new TorchBatchNorm({});
    layer.apply(input);
    const x = randn([2, 2, 2, 3], 5, 3, 1);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    layer.apply(x, { training: true });
    const [, , runningMean, runningVar] = layer.getWeights();
    assert.ok(maxAbsDiff(runningMean, tf.mul(mean, 0.1)) < 1e-6);
    assert.ok(maxAbsDiff(runningVar, tf.add(0.9, tf.mul(variance, 0.1 * (8 / 7)))) < 1e-6);
    const expected = tf.div(tf.sub(x, runningMean), tf.sqrt(tf.add(runningVar, 1e-5)));
    assert.ok(maxAbsDiff(layer.apply(x) as tf.Tensor, expected) < 1e-5, 'inference');
    assert.deepEqual(layer.getConfig().momentum, 0.1);
  });

  it('with relu: training and inference outputs and gradients are those of the layer then tf.relu; the option survives its config', () => {
    const build = (relu: boolean) => {
      const layer = new TorchBatchNorm({ relu, name: relu ? 'fused' : 'plain' });
      layer.apply(tfl.input({ shape: [5, 6, 4] }));
      layer.setWeights([randn([4], 6, 0.5, 1), randn([4], 7), randn([4], 8), tf.ones([4])]);
      return layer;
    };
    const [fused, plain] = [build(true), build(false)];
    const x = randn([3, 5, 6, 4], 9, 2, 0.3);
    const r = randn([3, 5, 6, 4], 10);
    for (const training of [true, false]) {
      const through = (layer: TorchBatchNorm, relu: boolean) => (a: tf.Tensor) => {
        const y = layer.apply(a, { training }) as tf.Tensor;
        return tf.sum(tf.mul(relu ? tf.relu(y) : y, r));
      };
      const y = fused.apply(x, { training }) as tf.Tensor;
      assert.ok(maxAbsDiff(y, tf.relu(plain.apply(x, { training }) as tf.Tensor)) < 1e-6, `output (training ${training})`);
      assert.ok(tf.min(y).dataSync()[0] === 0 && tf.max(y).dataSync()[0] > 0, 'the ReLU clips part of the output');
      assert.ok(maxAbsDiff(tf.grad(through(fused, false))(x), tf.grad(through(plain, true))(x)) < 1e-6, `dx (training ${training})`);
    }
    const copy = TorchBatchNorm.fromConfig(TorchBatchNorm, fused.getConfig()) as TorchBatchNorm;
    assert.equal(copy.getConfig().relu, true);
    assert.equal(new TorchBatchNorm({}).getConfig().relu, false);
  });
});
