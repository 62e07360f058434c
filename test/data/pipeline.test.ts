import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageView } from '../../src/core/image.js';
import { Rng } from '../../src/core/rng.js';
import { buildTransform, defaultPipeline } from '../../src/data/pipeline.js';

const gray = imageView(Uint8Array.from({ length: 28 * 28 }, (_, i) => i % 256), { height: 28, width: 28, channels: 1 });

test('defaults follow the seed recipes and survive JSON', () => {
  const train = defaultPipeline('fashion-mnist', 'train');
  assert.deepEqual(train, JSON.parse(JSON.stringify(train)));
  assert.deepEqual(train.crop, { padding: 4 });
  assert.deepEqual(train.flip, { p: 0.5 });
  assert.deepEqual(train.normalize, { mean: [0.1307], std: [0.3081] });
  assert.deepEqual(train.erasing, { preset: 'reference' });
  assert.equal(train.noise, null);
  const test = defaultPipeline('cifar-100', 'test');
  assert.deepEqual(test, { crop: null, flip: null, noise: null, normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] }, erasing: null });
  assert.equal(defaultPipeline('./my-folder', 'test').normalize, null);
  assert.deepEqual(defaultPipeline('cifar10', 'train', { erasing: { preset: 'paper', options: { p: 0.3 } } }).erasing, { preset: 'paper', options: { p: 0.3 } });
});

test('test pipeline is exactly (x / 255 - mean) / std', () => {
  const out = buildTransform(defaultPipeline('fashion-mnist', 'test'))(gray, Rng.fromSeed(0));
  assert.ok(out.data instanceof Float32Array);
  for (const i of [0, 100, 783]) assert.equal(out.data[i], Math.fround((Math.fround(gray.data[i] / 255) - 0.1307) / 0.3081));
});

test('with every augmentation switched off, train equals test; each switch changes the output', () => {
  const off = { crop: null, flip: null, erasing: null, noise: null };
  const rng = () => Rng.fromSeed(5);
  const reference = buildTransform(defaultPipeline('fashion-mnist', 'test'))(gray, rng()).data;
  assert.deepEqual(buildTransform(defaultPipeline('fashion-mnist', 'train', off))(gray, rng()).data, reference);
  const steps = { crop: { padding: 4 }, flip: { p: 1 }, noise: { fraction: 0.3 }, erasing: { preset: 'reference' as const, options: { p: 1 } } };
  for (const [name, value] of Object.entries(steps)) {
    const out = buildTransform(defaultPipeline('fashion-mnist', 'train', { ...off, [name]: value }))(gray, rng()).data;
    assert.notDeepEqual(out, reference, name);
  }
  const full = buildTransform(defaultPipeline('fashion-mnist', 'train'));
  assert.deepEqual(full(gray, rng()).data, full(gray, rng()).data);
});

test('reference erasing writes the first CIFAR mean into a grayscale image after normalisation', () => {
  const pipeline = defaultPipeline('fashion-mnist', 'train', { crop: null, flip: null, erasing: { options: { p: 1 } } });
  const out = buildTransform(pipeline)(gray, Rng.fromSeed(9)).data;
  const erased = Array.from(out).filter((v) => v === Math.fround(0.4914)).length;
  assert.ok(erased >= 0.02 * 784 * 0.5 && erased <= 0.4 * 784 + 28, `erased ${erased}`);
});
