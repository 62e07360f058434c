/**
 * The tensor Random Erasing op: identical to the core transform applied sample by sample for the
 * same seed (every preset and fill kind, float32 and uint8 pixels, cpu and wasm, one image or a batch,
 * channels last or first, one plan per sample or for the whole batch), and the erased fraction
 * behaves as the options say.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RandomErasingOptions } from '../../src/core/erasing-options.js';
import type { PresetName } from '../../src/core/presets.js';
import { RandomErasing } from '../../src/core/random-erasing.js';
import { Rng } from '../../src/core/rng.js';
import { setupBackend } from '../../src/tf/backend.js';
import { ErasingStream, planBatch, randomErasing } from '../../src/tf/random-erasing-op.js';
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
  ['keras', {}],
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

  it('rejects a tensor of another rank or dtype, a bad data format, a missing seed, overrides of an instance', async () => {
    await setupBackend({ backend: 'cpu' });
    const flat = tf.zeros([4, 12]);
    assert.throws(() => randomErasing(flat as unknown as tf.Tensor4D, { seed: 1 }), /rank-3 HWC image or a rank-4 NHWC batch, got shape \[4, 12\]/);
    const batch = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    assert.throws(() => randomErasing(batch, {}), /options.seed .* or options.rng is required/);
    assert.throws(() => randomErasing(batch, { seed: 1, dataFormat: 'nchw' as never }), /dataFormat must be 'channelsLast' or 'channelsFirst', got 'nchw'/);
    assert.throws(() => randomErasing(tf.cast(batch, 'bool') as tf.Tensor4D, { seed: 1 }), /must be float32 or int32, got bool/);
    assert.throws(() => randomErasing(batch, { seed: 1, erasing: new RandomErasing('paper'), overrides: { p: 1 } }), /overrides cannot change a RandomErasing instance/);
    tf.dispose([flat, batch]);
  });
});

/** NHWC data to NCHW (or HWC to CHW with count 1). */
function toChannelsFirst(data: Float32Array | Uint8Array, [count, height, width, channels]: readonly number[]): Float32Array | Uint8Array {
  const out = data.slice();
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < height * width; i++) {
      for (let c = 0; c < channels; c++) out[((n * channels + c) * height * width) + i] = data[(n * height * width + i) * channels + c];
    }
  }
  return out;
}

describe('randomErasing op: layouts, one image, one plan per batch, streams', () => {
  const [count, height, width, channels] = SHAPE;
  const OVERRIDES: Partial<RandomErasingOptions> = { p: 0.8, fill: { kind: 'normal', per: 'pixel' } };

  for (const dtype of ['float32', 'uint8'] as const) {
    it(`NCHW equals the core applyBatch on an nchw batch (${dtype}, per-pixel fill)`, async () => {
      await setupBackend({ backend: 'cpu' });
      const data = toChannelsFirst(pixels(dtype), SHAPE);
      const expected = new RandomErasing('paper', OVERRIDES).applyBatch({ data, count, height, width, channels, layout: 'nchw' }, Rng.fromSeed(5));
      const input = tf.tensor4d(data, [count, channels, height, width], dtype === 'uint8' ? 'int32' : 'float32');
      const output = randomErasing(input, { erasing: 'paper', overrides: OVERRIDES, seed: 5, dataFormat: 'channelsFirst' });
      assert.deepEqual(Array.from(output.dataSync()), Array.from(expected.batch.data));
      assert.ok(expected.regions.filter((r) => r.length > 0).length >= 5);
      tf.dispose([input, output]);
    });
  }

  for (const dataFormat of ['channelsLast', 'channelsFirst'] as const) {
    it(`one image (rank 3, ${dataFormat}) equals the core apply with the generator itself`, async () => {
      await setupBackend({ backend: 'wasm' });
      const hwc = pixels('float32').slice(0, height * width * channels);
      const first = dataFormat === 'channelsFirst';
      const data = first ? toChannelsFirst(hwc, [1, height, width, channels]) : hwc;
      const eraser = new RandomErasing('torchvision', { p: 1, fill: { kind: 'normal', per: 'pixel' } });
      const expected = eraser.apply({ data, height, width, channels, layout: first ? 'chw' : 'hwc' }, Rng.fromSeed(8));
      const input = tf.tensor3d(data, first ? [channels, height, width] : [height, width, channels]);
      const output = randomErasing(input, { erasing: eraser, seed: 8, dataFormat });
      assert.deepEqual(output.shape, input.shape);
      assert.deepEqual(Array.from(output.dataSync()), Array.from(expected.image.data));
      assert.equal(expected.regions.length, 1);
      tf.dispose([input, output]);
    });
  }

  it('sameOnBatch erases every image as the core apply erases one image with the generator itself', async () => {
    await setupBackend({ backend: 'wasm' });
    const data = pixels('float32') as Float32Array;
    const eraser = new RandomErasing('timm', { p: 1, fill: { kind: 'normal', per: 'pixel' } });
    const input = tf.tensor4d(data, [...SHAPE]);
    const output = randomErasing(input, { erasing: eraser, seed: 4, sameOnBatch: true });
    const values = output.dataSync();
    const size = height * width * channels;
    for (let n = 0; n < count; n++) {
      const image = { data: data.slice(n * size, (n + 1) * size), height, width, channels, layout: 'hwc' as const };
      const expected = eraser.apply(image, Rng.fromSeed(4));
      assert.deepEqual(Array.from(values.subarray(n * size, (n + 1) * size)), Array.from(expected.image.data), `sample ${n}`);
    }
    tf.dispose([input, output]);
  });

  it('ErasingStream: call k erases with rng.derive(k); calls can be set to resume', async () => {
    await setupBackend({ backend: 'cpu' });
    const input = tf.tensor4d(pixels('float32'), [...SHAPE]);
    const stream = new ErasingStream({ erasing: 'reference', overrides: { p: 1 }, seed: 21 });
    const outputs = [stream.apply(input), stream.apply(input)];
    const expected = [0, 1].map((k) => randomErasing(input, { erasing: 'reference', overrides: { p: 1 }, rng: Rng.fromSeed(21).derive(k) }));
    for (let k = 0; k < 2; k++) assert.deepEqual(Array.from(outputs[k].dataSync()), Array.from(expected[k].dataSync()), `call ${k}`);
    assert.notDeepEqual(Array.from(outputs[0].dataSync()), Array.from(outputs[1].dataSync()));
    const resumed = new ErasingStream({ erasing: 'reference', overrides: { p: 1 }, seed: 21 });
    resumed.calls = 1;
    const again = resumed.apply(input);
    assert.deepEqual(Array.from(again.dataSync()), Array.from(outputs[1].dataSync()));
    assert.equal(stream.calls, 2);
    tf.dispose([input, again, ...outputs, ...expected]);
  });
});
