/** Forward behaviour of the models on wasm: shapes, initialisation, BatchNorm modes, dropout, padding. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { LayerFactory } from '../../src/models/layer-factory.js';
import { buildModel } from '../../src/models/registry.js';
import { SeededDropout } from '../../src/models/seeded-dropout.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { setupBackend } from '../../src/tf/backend.js';
import { GroupedConv2D } from '../../src/tf/grouped-conv-layer.js';
import { tf, tfl } from '../../src/tf/tf.js';

function images(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const rng = Rng.fromSeed(seed);
  return tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal() + 0.5), shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function isConv(layer: tfl.layers.Layer): boolean {
  return layer instanceof GroupedConv2D || layer.getClassName() === 'Conv2D';
}

const SMALL: Array<Omit<ModelSpec, 'numClasses' | 'inputShape'>> = [
  { arch: 'resnet', depth: 8 },
  { arch: 'resnet', depth: 8, block: 'bottleneck' },
  { arch: 'preresnet18' },
  { arch: 'wrn', depth: 10, widenFactor: 2, drop: 0.3 },
  { arch: 'resnext', depth: 11, cardinality: 4, baseWidth: 4 },
];

describe('model behaviour (wasm)', () => {
  before(async () => {
    await setupBackend({ backend: 'wasm' });
  });

  it('outputs [batch, numClasses] logits for 32x32x3 and 28x28x1 inputs, 10 and 100 classes', () => {
    for (const spec of SMALL) {
      for (const [numClasses, inputShape] of [[10, [28, 28, 1]], [100, [32, 32, 3]]] as const) {
        const model = buildModel({ ...spec, numClasses, inputShape: [...inputShape] });
        const x = images([2, ...inputShape], 1);
        const y = model.predict(x) as tf.Tensor;
        assert.deepEqual(y.shape, [2, numClasses], `${model.name} ${inputShape.join('x')}`);
        assert.ok(Array.from(y.dataSync()).every(Number.isFinite), `${model.name}: finite logits`);
        tf.dispose([x, y]);
        model.dispose();
      }
    }
  });

  it('initialises as the reference: conv normal(0, sqrt(2/(k*k*out))), BN 1/0, linear uniform(+-1/sqrt(fanIn))', () => {
    const model = buildModel({ arch: 'resnet', depth: 20, numClasses: 10, inputShape: [32, 32, 3], seed: 11 });
    const s3 = model.getLayer('s3b1_conv2').getWeights()[0]; // 3x3x64x64
    const { mean, variance } = tf.moments(s3);
    assert.ok(Math.abs(mean.dataSync()[0]) < 0.01, 'conv mean');
    const expected = Math.sqrt(2 / (9 * 64));
    assert.ok(Math.abs(Math.sqrt(variance.dataSync()[0]) / expected - 1) < 0.03, 'conv std');
    const [gamma, beta, movingMean, movingVar] = model.getLayer('s3b1_2_bn').getWeights();
    assert.deepEqual([gamma, beta, movingMean, movingVar].map((w) => Array.from(new Set(w.dataSync()))), [[1], [0], [0], [1]]);
    const [kernel, bias] = model.getLayer('fc').getWeights();
    const bound = 1 / Math.sqrt(64);
    for (const w of [kernel, bias]) {
      const values = w.dataSync();
      assert.ok(values.every((v) => Math.abs(v) <= bound), 'linear within the bound');
    }
    const kernelStd = Math.sqrt(tf.moments(kernel).variance.dataSync()[0]);
    assert.ok(Math.abs(kernelStd / (bound / Math.sqrt(3)) - 1) < 0.1, `linear std ${kernelStd}`);
    model.dispose();
  });

  it('is reproducible from the seed, and the seed matters', () => {
    const spec: ModelSpec = { arch: 'resnet', depth: 8, numClasses: 10, inputShape: [16, 16, 3] };
    const [a, b, c] = [1, 1, 2].map((seed) => buildModel({ ...spec, seed }));
    const x = images([2, 16, 16, 3], 2);
    const [ya, yb, yc] = [a, b, c].map((m) => m.predict(x) as tf.Tensor);
    assert.equal(maxAbsDiff(ya, yb), 0);
    assert.ok(maxAbsDiff(ya, yc) > 1e-3);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('BatchNorm: batch statistics and momentum-0.1 running averages in training, running statistics in inference', () => {
    const model = buildModel({ arch: 'resnet', depth: 8, numClasses: 10, inputShape: [12, 12, 3] });
    const x = images([4, 12, 12, 3], 3);
    const stemConv = tfl.model({ inputs: model.inputs, outputs: model.getLayer('stem_conv').output as tfl.SymbolicTensor });
    const { mean, variance } = tf.moments(stemConv.predict(x) as tf.Tensor, [0, 1, 2]);
    const bn = model.getLayer('stem_bn');

    const inference1 = model.predict(x) as tf.Tensor;
    const alone = model.predict(tf.slice(x, [0], [1])) as tf.Tensor;
    assert.ok(maxAbsDiff(tf.slice(inference1, [0], [1]), alone) < 1e-5, 'inference is per-sample');
    assert.deepEqual(Array.from(new Set(bn.getWeights()[2].dataSync())), [0], 'inference leaves the running mean');

    const training = model.apply(x, { training: true }) as tf.Tensor;
    assert.ok(maxAbsDiff(training, inference1) > 1e-2, 'training uses batch statistics');
    const [, , runningMean, runningVar] = bn.getWeights();
    // PyTorch momentum 0.1: running = 0.9 * running + 0.1 * batch, with the unbiased variance.
    const n = 4 * 12 * 12;
    assert.ok(maxAbsDiff(runningMean, tf.mul(mean, 0.1)) < 1e-5, 'running mean');
    assert.ok(maxAbsDiff(runningVar, tf.add(0.9, tf.mul(variance, (0.1 * n) / (n - 1)))) < 1e-5, 'running variance');
    const inference2 = model.predict(x) as tf.Tensor;
    assert.ok(maxAbsDiff(inference2, inference1) > 1e-4, 'inference uses the updated running statistics');
    model.dispose();
  });

  it('convDropout puts seeded dropout after every convolution, in training only, without changing the weights', () => {
    const spec: ModelSpec = { arch: 'resnext', depth: 11, cardinality: 2, baseWidth: 4, numClasses: 10, inputShape: [8, 8, 3], seed: 5 };
    const plain = buildModel(spec);
    const dropped = buildModel({ ...spec, convDropout: 0.2 });
    const again = buildModel({ ...spec, convDropout: 0.2 });
    const convs = dropped.layers.filter(isConv);
    const drops = dropped.layers.filter((l) => l instanceof SeededDropout);
    assert.equal(convs.length, 13);
    assert.equal(drops.length, convs.length);
    for (const conv of convs) {
      const next = dropped.layers.find((l) => l.name === `${conv.name}_drop`);
      assert.ok(next instanceof SeededDropout, `${conv.name} followed by dropout`);
      assert.equal(next.getConfig().rate, 0.2);
    }
    const x = images([4, 8, 8, 3], 4);
    assert.equal(maxAbsDiff(dropped.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor), 0, 'inference unchanged');
    const t1 = dropped.apply(x, { training: true }) as tf.Tensor;
    const t2 = dropped.apply(x, { training: true }) as tf.Tensor;
    const u1 = again.apply(x, { training: true }) as tf.Tensor;
    assert.ok(maxAbsDiff(t1, t2) > 1e-3, 'a new mask at every step');
    assert.equal(maxAbsDiff(t1, u1), 0, 'masks reproducible from the seed');
    [plain, dropped, again].forEach((m) => m.dispose());
  });

  it('WRN drop: one dropout between the convolutions of every block', () => {
    const model = buildModel({ arch: 'wrn', depth: 16, widenFactor: 1, drop: 0.3, numClasses: 10, inputShape: [8, 8, 3] });
    const drops = model.layers.filter((l) => l instanceof SeededDropout);
    assert.deepEqual(drops.map((l) => l.name), ['s1b0', 's1b1', 's2b0', 's2b1', 's3b0', 's3b1'].map((b) => `${b}_drop`));
    model.dispose();
  });

  it('strided 3x3 convolutions pad like PyTorch (one zero on every side), not like TF "same" on even sizes', () => {
    for (const size of [8, 7]) {
      const input = tfl.input({ shape: [size, size, 3] });
      const output = new LayerFactory(0, 0).conv(input, { filters: 4, kernel: 3, stride: 2, name: 'c' });
      const model = tfl.model({ inputs: input, outputs: output });
      const kernel = model.getLayer('c').getWeights()[0] as tf.Tensor4D;
      const x = images([1, size, size, 3], 5);
      const torchLike = tf.conv2d(x, kernel, 2, 1);
      assert.equal(maxAbsDiff(model.predict(x) as tf.Tensor, torchLike), 0, `size ${size}`);
      // On even sizes TF's 'same' pads bottom/right only; on odd sizes the two agree.
      if (size % 2 === 0) assert.ok(maxAbsDiff(tf.conv2d(x, kernel, 2, 'same'), torchLike) > 1e-3, 'TF same differs');
      model.dispose();
    }
  });
});
