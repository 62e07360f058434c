/**
 * The batched tensor Random Erasing op: identical to the core transform applied sample by sample
 * for the same seed (every preset and fill kind, float32 and uint8 pixels, cpu and wasm), and the
 * erased fraction behaves as the options say.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RandomErasingOptions } from '../../src/core/erasing-options.js';
import type { PresetName } from '../../src/core/presets.js';
import { RandomErasing } from '../../src/core/random-erasing.js';
import { Rng } from '../../src/core/rng.js';
import { setupBackend } from '../../src/tf/backend.js';
import { planBatch, randomErasing } from '../../src/tf/random-erasing-op.js';
import { tf } from '../../src/tf/tf.js';

const SHAPE = [9, 14, 11, 3] as const;
const SIZE = SHAPE.reduce((a: number, b: number) => a * b, 1);

const CONFIGS: Array<[PresetName, Partial<RandomErasingOptions>]> = [
  ['reference', {}],
  ['paper', {}],
  ['torchvision', {}],
  ['timm', {}],
  ['timm', { fill: { kind: 'normal', per: 'pixel' }, minCount: 1, maxCount: 3 }],
  ['torchvision', { fill: { kind: 'uniform', per: 'channel' } }],
  ['paper', { fill: { kind: 'constant', value: [0.1, 0.2, 0.3] }, p: 1 }],
];

function pixels(dtype: 'float32' | 'uint8'): Float32Array | Uint8Array {
  const rng = Rng.fromSeed(99);
  return dtype === 'uint8'
    ? Uint8Array.from({ length: SIZE }, () => rng.int(0, 255))
    : Float32Array.from({ length: SIZE }, () => rng.normal());
}

describe('randomErasing op', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const dtype of ['float32', 'uint8'] as const) {
      for (const [preset, overrides] of CONFIGS) {
        it(`equals the core applyBatch: ${preset} ${JSON.stringify(overrides)} ${dtype} on ${backend}`, async () => {
          await setupBackend({ backend });
          const data = pixels(dtype);
          const eraser = new RandomErasing(preset, overrides);
          const [count, height, width, channels] = SHAPE;
          const expected = eraser.applyBatch({ data, count, height, width, channels, layout: 'nhwc' }, Rng.fromSeed(5));
          const input = tf.tensor4d(data, [...SHAPE], dtype === 'uint8' ? 'int32' : 'float32');
          const output = randomErasing(input, { erasing: preset, overrides, seed: 5 });
          assert.equal(output.dtype, input.dtype);
          assert.deepEqual(Array.from(output.dataSync()), Array.from(expected.batch.data));
          assert.ok(expected.regions.some((r) => r.length > 0), 'the seed erases something');
          tf.dispose([input, output]);
        });
      }
    }
  }

  it('erases the fraction of pixels and of images the options imply', async () => {
    await setupBackend({ backend: 'wasm' });
    const [count, size] = [400, 32];
    const eraser = new RandomErasing('reference', { fill: { kind: 'constant', value: 0 } });
    const images = tf.fill([count, size, size, 1], -1) as tf.Tensor4D;
    const erased = randomErasing(images, { erasing: eraser, seed: 11 });
    const changed = tf.tidy(() => tf.sum(tf.cast(tf.notEqual(erased, images), 'float32'), [1, 2, 3]).dataSync());
    const fractions = Array.from(changed, (c) => c / (size * size));
    const hit = fractions.filter((f) => f > 0);
    // p = 0.5: 400 draws lie within 4 standard deviations (0.025) of one half.
    assert.ok(Math.abs(hit.length / count - 0.5) < 0.1, `erased ${hit.length} of ${count}`);
    // Areas are drawn in [sl, sh] = [0.02, 0.4]; rounding of the sides moves them a little.
    assert.ok(Math.min(...hit) >= 0.015 && Math.max(...hit) <= 0.45, `range ${Math.min(...hit)}..${Math.max(...hit)}`);
    const mean = hit.reduce((a, b) => a + b, 0) / hit.length;
    assert.ok(mean > 0.1 && mean < 0.25, `mean erased fraction ${mean}`);
    // The pixels changed are exactly the planned regions, sample by sample.
    const plans = planBatch(eraser, count, { height: size, width: size, channels: 1 }, 'float32', Rng.fromSeed(11));
    plans.forEach((plan, i) => {
      const area = plan.regions.reduce((a, r) => a + r.height * r.width, 0);
      assert.equal(changed[i], area, `sample ${i}`);
    });
    assert.ok(new Set(hit).size > hit.length / 2, 'samples get their own regions');
    tf.dispose([images, erased]);
  });

  it('rejects a tensor that is not NHWC and a missing seed', async () => {
    await setupBackend({ backend: 'cpu' });
    const flat = tf.zeros([4, 4, 3]);
    assert.throws(() => randomErasing(flat as unknown as tf.Tensor4D, { seed: 1 }), /rank-4 NHWC tensor, got shape \[4, 4, 3\]/);
    const batch = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    assert.throws(() => randomErasing(batch, {}), /options.seed .* or options.rng is required/);
    tf.dispose([flat, batch]);
  });
});
