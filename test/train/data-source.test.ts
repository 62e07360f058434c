import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/data/dataset.js';
import { OptionError } from '../../src/core/validate.js';
import { subsetIndices, subsetOf, trainPipelineOf } from '../../src/train/data-source.js';
import { completeSpec, parseFill } from '../../src/train/run-spec.js';

test('the training pipeline follows the run flags', () => {
  const baseline = trainPipelineOf(completeSpec({ seed: 1, dataset: 'fashion-mnist', flip: false, crop: false }));
  assert.equal(baseline.erasing, null, 'p = 0 is the baseline without erasing');
  assert.equal(baseline.flip, null);
  assert.equal(baseline.crop, null);
  assert.deepEqual(baseline.normalize, { mean: [0.1307], std: [0.3081] });

  const erasing = trainPipelineOf(completeSpec({ seed: 1, dataset: 'cifar10', p: 0.5, sh: 0.3, preset: 'paper', fill: 'zero', noise: 0.1 }));
  assert.deepEqual(erasing.erasing, { preset: 'paper', options: { p: 0.5, sl: 0.02, sh: 0.3, r1: 0.3, fill: { kind: 'constant', value: 0 } } });
  assert.deepEqual(erasing.crop, { padding: 4 });
  assert.deepEqual(erasing.flip, { p: 0.5 });
  assert.deepEqual(erasing.noise, { fraction: 0.1 });
});

test('fill names and numbers parse; anything else is refused naming the option', () => {
  assert.deepEqual(parseFill('uniform'), { kind: 'uniform', per: 'pixel' });
  assert.deepEqual(parseFill('normal'), { kind: 'normal', per: 'pixel' });
  assert.deepEqual(parseFill('0.5'), { kind: 'constant', value: 0.5 });
  assert.throws(() => parseFill(''), OptionError);
  assert.throws(() => completeSpec({ seed: 1, p: 0.5, fill: 'mean-ish' }), /run option fill: expected zero, uniform, normal or a number, got 'mean-ish'/);
  assert.throws(() => completeSpec({ seed: 1, nesterov: true, momentum: 0 }), /run option nesterov: requires momentum > 0/);
  assert.throws(() => completeSpec({ seed: -1 }), /run option seed: expected an integer in \[0, 4294967295\], got -1/);
});

test('subsets are seeded, in dataset order, and keep each image with its label', () => {
  const count = 50;
  const dataset: Dataset = {
    name: 'toy',
    images: Uint8Array.from({ length: count * 4 }, (_, i) => Math.floor(i / 4)),
    labels: Int32Array.from({ length: count }, (_, i) => i % 7),
    count,
    height: 2,
    width: 2,
    channels: 1,
    classNames: ['0', '1', '2', '3', '4', '5', '6'],
  };
  const a = subsetOf(dataset, 10, 3, 0);
  assert.equal(a.count, 10);
  assert.deepEqual(subsetOf(dataset, 10, 3, 0).images, a.images, 'same seed, same subset');
  assert.notDeepEqual(subsetOf(dataset, 10, 4, 0).images, a.images, 'another seed, another subset');
  const picked = Array.from({ length: 10 }, (_, k) => a.images[k * 4]);
  assert.deepEqual(picked, [...picked].sort((x, y) => x - y));
  picked.forEach((index, k) => assert.equal(a.labels[k], index % 7));
  assert.deepEqual(Array.from(subsetIndices(count, 10, 3, 0)), picked, 'subsetIndices names the images subsetOf takes');
  assert.equal(subsetOf(dataset, undefined, 3, 0), dataset);
});
