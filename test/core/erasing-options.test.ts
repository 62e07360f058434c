/** Bad input is rejected with an error naming the argument and the value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomErasing, Rng, imageView, regionSides, roundHalfEven, type RandomErasingOptions } from '../../src/core/index.js';

const bad: [Partial<RandomErasingOptions>, RegExp][] = [
  [{ p: 1.5 }, /option p: expected a number in \[0, 1\], got 1\.5/],
  [{ p: -0.1 }, /option p: .*got -0\.1/],
  [{ p: NaN }, /option p: expected a number in \[0, 1\], got NaN/],
  [{ sl: 0 }, /option sl: expected a number > 0, got 0/],
  [{ sh: 1.2 }, /option sh: expected a number in \(0, 1\], got 1\.2/],
  [{ sl: 0.5, sh: 0.4 }, /option sl: expected a number <= sh \(0\.4\), got 0\.5/],
  [{ r1: 0 }, /option r1: expected a number > 0, got 0/],
  [{ r1: NaN }, /option r1: expected a number > 0, got NaN/],
  [{ r1: 2 }, /option r2: expected a number >= r1 \(2\), got 0\.5/],
  [{ maxAttempts: 0 }, /option maxAttempts: expected an integer >= 1, got 0/],
  [{ minCount: 2, maxCount: 1 }, /option maxCount: expected an integer >= 2, got 1/],
  [{ aspectSampling: 'gaussian' as never }, /option aspectSampling: expected one of uniform, log-uniform, got 'gaussian'/],
  [{ fill: { kind: 'constant', value: [] } }, /option fill\.value: expected a number or a non-empty array, got \[\]/],
  [{ fill: { kind: 'constant', value: [1, NaN] } }, /option fill\.value\[1\]: expected a number, got NaN/],
  [{ fill: { kind: 'uniform', low: 5, high: 5 } }, /option fill\.high: expected a number greater than fill\.low \(5\), got 5/],
  [{ fill: { kind: 'normal', std: -1 } }, /option fill\.std: expected a number >= 0, got -1/],
  [{ fill: { kind: 'zeros' } as never }, /option fill\.kind: expected .*got 'zeros'/],
  [{ fill: { kind: 'normal', clip: [1, 0] } }, /option fill\.clip\[1\]: expected a number >= 1, got 0/],
  [{ fill: { kind: 'normal', clip: [0] as never } }, /option fill\.clip: expected a pair \[low, high\], got \[0\]/],
  [{ sizeSampling: 'square' as never }, /option sizeSampling: expected one of area-aspect, per-side, got 'square'/],
  [{ placement: 'random' as never }, /option placement: expected one of size-first, position-first, continuous, got 'random'/],
  [{ sizeSampling: 'per-side', r1: 0.5 }, /option r1: has no effect with sizeSampling 'per-side'/],
  [{ placement: 'continuous', rounding: 'floor' }, /option rounding: has no effect with .* placement 'continuous'/],
];

test('invalid options name the option and the value', () => {
  for (const [overrides, message] of bad) assert.throws(() => new RandomErasing('reference', overrides), message, JSON.stringify(overrides));
  assert.throws(() => new RandomErasing('imagenet' as never), /preset must be one of reference, paper, torchvision, timm, keras, got 'imagenet'/);
});

test('fill length must be 1 or the channel count', () => {
  const re = new RandomErasing('torchvision', { p: 1, fill: { kind: 'constant', value: [1, 2] } });
  assert.throws(() => re.plan({ height: 8, width: 8, channels: 3 }, 'float32', Rng.fromSeed(1)), /fill\.value must have 1 or 3 \(channels\) entries, got \[1, 2\]/);
  const image = imageView(new Float32Array(64 * 3), { height: 8, width: 8, channels: 3 });
  assert.throws(() => re.apply(image, Rng.fromSeed(1)), /fill\.value must have 1 or 3/);
});

test('bad images: data length, zero size, bad dtype, window outside', () => {
  const re = new RandomErasing('paper');
  const shape = { height: 4, width: 4, channels: 3, layout: 'hwc' as const };
  assert.throws(() => re.apply({ ...shape, data: new Float32Array(47) }, Rng.fromSeed(1)), /data length 47 does not match the shape \(expected 48\)/);
  assert.throws(() => re.apply({ ...shape, height: 0, data: new Float32Array(0) }, Rng.fromSeed(1)), /height must be a positive integer, got 0/);
  assert.throws(() => re.sample(0, 5, Rng.fromSeed(1)), /height must be a positive integer, got 0/);
  assert.throws(() => re.plan({ height: 4, width: 4, channels: 0 }, 'uint8', Rng.fromSeed(1)), /channels must be a positive integer, got 0/);
  assert.throws(() => re.plan({ height: 4, width: 4, channels: 1 }, 'int8' as never, Rng.fromSeed(1)), /dtype must be 'uint8' or 'float32', got 'int8'/);
  const image = imageView(new Uint8Array(48), shape);
  assert.throws(() => re.apply(image, Rng.fromSeed(1), { out: new Uint8Array(47) }), /option out must be a Uint8Array of length 48, got a Uint8Array of length 47/);
  assert.throws(() => re.apply(image, Rng.fromSeed(1), { out: new Uint8Array(48), inPlace: true }), /inPlace and out exclude each other/);
  assert.throws(() => re.apply(image, Rng.fromSeed(1), { within: { top: 2, left: 0, height: 3, width: 2 } }), /within .* must be an integer window inside the 4x4 image/);
});

test('reference rounding is Python round (ties to even); sides are sqrt(area*r), sqrt(area/r)', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001].map(roundHalfEven), [0, 2, 2, 4, 2, 3]);
  assert.deepEqual(regionSides(6.25, 1, 'half-even'), [2, 2]);
  assert.deepEqual(regionSides(6.25, 1, 'half-up'), [3, 3]);
  assert.deepEqual(regionSides(12.25, 1, 'half-even'), [4, 4]);
  assert.deepEqual(regionSides(50, 2, 'half-even'), [10, 5]);
  assert.deepEqual(regionSides(50, 2, 'floor'), [10, 5]);
  assert.deepEqual(regionSides(40, 0.3, 'floor'), [3, 11]);
});

test('presets carry the reference values', () => {
  const o = (name: 'reference' | 'paper' | 'torchvision' | 'timm') => new RandomErasing(name).options;
  assert.deepEqual([o('reference').p, o('reference').sl, o('reference').sh, o('reference').r1, o('reference').r2], [0.5, 0.02, 0.4, 0.3, 1 / 0.3]);
  assert.deepEqual([o('reference').maxAttempts, o('reference').fit, o('reference').placement], [100, 'strict', 'size-first']);
  assert.deepEqual([o('paper').placement, o('paper').fit, o('paper').fill.kind], ['position-first', 'inclusive', 'uniform']);
  assert.deepEqual([o('torchvision').sh, o('torchvision').r2, o('torchvision').maxAttempts, o('torchvision').aspectSampling], [0.33, 3.3, 10, 'log-uniform']);
  assert.deepEqual([o('timm').sh, o('timm').r2, o('timm').maxAttempts, o('timm').minCount, o('timm').maxCount], [1 / 3, 1 / 0.3, 10, 1, 1]);
});

test('when every attempt fails the image is left unchanged', () => {
  // sl = sh = 1 never fits the strict test h < H.
  const re = new RandomErasing('reference', { p: 1, sl: 1, sh: 1, r1: 1 });
  const image = imageView(Uint8Array.from({ length: 75 }, (_, i) => i), { height: 5, width: 5, channels: 3 });
  const out = re.apply(image, Rng.fromSeed(3));
  assert.deepEqual(out.regions, []);
  assert.deepEqual(out.image.data, image.data);
});
