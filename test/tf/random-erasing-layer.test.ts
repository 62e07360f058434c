/**
 * The Random Erasing layers: identity unless training (apply, predict, evaluate), erasing each sample
 * as the op does in training (fit passes training), every preset and option, NCHW, reproducible per
 * seed, and model.save / tf.loadLayersModel round trips, including a Keras 3 RandomErasing config.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PRESETS, type PresetName } from '../../src/core/presets.js';
import { Rng } from '../../src/core/rng.js';
import { setupBackend } from '../../src/tf/backend.js';
import { KerasRandomErasing, RandomErasingLayer } from '../../src/tf/random-erasing-layer.js';
import { randomErasing } from '../../src/tf/random-erasing-op.js';
import { tf, tfl } from '../../src/tf/tf.js';

const SHAPE = [6, 10, 12, 3] as const;

function images(): tf.Tensor4D {
  const rng = Rng.fromSeed(3);
  return tf.tensor4d(Float32Array.from({ length: SHAPE.reduce((a: number, b: number) => a * b, 1) }, () => rng.next()), [...SHAPE]);
}

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Save a model to memory and load it back. */
async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
}

function layerTopology(model: tfl.LayersModel, index: number): Record<string, unknown> {
  const topology = model.toJSON(null, false) as unknown as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const layer = topology.config.layers[index];
  return { className: layer.class_name, ...layer.config };
}

describe('RandomErasingLayer', () => {
  before(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  it('is the identity in apply without training, predict and evaluate; erases as the op with training', () => {
    const x = images();
    const layer = new RandomErasingLayer({ preset: 'paper', options: { p: 1 }, seed: 9 });
    assert.deepEqual(values(layer.apply(x) as tf.Tensor), values(x));
    assert.deepEqual(values(layer.apply(x, { training: false }) as tf.Tensor), values(x));
    const model = tfl.sequential({ layers: [new RandomErasingLayer({ preset: 'paper', options: { p: 1 }, seed: 9, inputShape: [10, 12, 3] })] });
    assert.deepEqual(values(model.predict(x) as tf.Tensor), values(x));
    assert.equal(layer.trainingCalls, 0);
    const erased = layer.apply(x, { training: true }) as tf.Tensor;
    const expected = randomErasing(x, { erasing: 'paper', overrides: { p: 1 }, rng: Rng.fromSeed(9).derive(0) });
    assert.deepEqual(values(erased), values(expected));
    assert.notDeepEqual(values(erased), values(x));
    assert.equal(layer.trainingCalls, 1);
    const second = layer.apply(x, { training: true }) as tf.Tensor;
    assert.notDeepEqual(values(second), values(erased), 'each training call draws new regions');
    tf.dispose([x, erased, expected, second]);
  });

  it('model.fit calls it in training mode, once per batch; evaluate does not', async () => {
    const layer = new RandomErasingLayer({ preset: 'reference', seed: 1, inputShape: [10, 12, 3] });
    const model = tfl.sequential({ layers: [layer, tfl.layers.flatten(), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = images();
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1], 'int32'), 2);
    await model.fit(x, y, { batchSize: 2, epochs: 1, verbose: 0 });
    assert.equal(layer.trainingCalls, 3);
    tf.dispose(model.evaluate(x, y) as tf.Scalar);
    assert.equal(layer.trainingCalls, 3);
    tf.dispose([x, y]);
  });

  it('takes every preset and channels-first input; bad settings are named', () => {
    const x = images();
    const nchw = tf.transpose(x, [0, 3, 1, 2]);
    for (const preset of Object.keys(PRESETS) as PresetName[]) {
      const layer = new RandomErasingLayer({ preset, options: { p: 1 }, seed: 4, dataFormat: 'channelsFirst' });
      const out = layer.apply(nchw, { training: true }) as tf.Tensor;
      const expected = randomErasing(nchw, { erasing: preset, overrides: { p: 1 }, rng: Rng.fromSeed(4).derive(0), dataFormat: 'channelsFirst' });
      assert.deepEqual(values(out), values(expected), preset);
      assert.equal(layer.erasingOptions.sl, PRESETS[preset].sl);
      tf.dispose([out, expected]);
    }
    assert.throws(() => new RandomErasingLayer({ preset: 'imagenet' as never }), /preset must be one of/);
    assert.throws(() => new RandomErasingLayer({ options: { p: 2 } }), /option p: expected a number in \[0, 1\], got 2/);
    assert.throws(() => new RandomErasingLayer({ dataFormat: 'nchw' as never }), /dataFormat must be 'channelsLast' or 'channelsFirst', got 'nchw'/);
    assert.throws(() => { new RandomErasingLayer({ seed: 1 }).trainingCalls = -1; }, /trainingCalls must be an integer >= 0, got -1/);
    tf.dispose([x, nchw]);
  });

  it('model.save and tf.loadLayersModel round-trip it with every option, the seed and the stream', async () => {
    const options = { p: 0.9, sl: 0.1, fill: { kind: 'normal', std: 0.5, per: 'channel' }, minCount: 1, maxCount: 2, aspectSampling: 'log-uniform' } as const;
    const layer = new RandomErasingLayer({ preset: 'timm', options, seed: 77, sameOnBatch: true, inputShape: [10, 12, 3] });
    const model = tfl.sequential({ layers: [layer] });
    const loaded = await roundTrip(model);
    const copy = loaded.layers[0] as RandomErasingLayer;
    assert.ok(copy instanceof RandomErasingLayer);
    assert.deepEqual(copy.getConfig(), layer.getConfig());
    assert.deepEqual(copy.erasingOptions, layer.erasingOptions);
    assert.equal(layerTopology(model, 0).className, 'RandomErasingLayer');
    const x = images();
    const [a, b] = [layer, copy].map((l) => l.apply(x, { training: true }) as tf.Tensor);
    assert.deepEqual(values(a), values(b));
    assert.notDeepEqual(values(a), values(x));
    tf.dispose([x, a, b]);
  });

  it('a default seed is drawn and kept in the config', () => {
    const [a, b] = [new RandomErasingLayer(), new RandomErasingLayer()];
    assert.notEqual(a.seed, b.seed);
    assert.equal(a.getConfig().seed, a.seed);
  });
});

/** A model.json topology as TF.js' converter writes it for a Keras 3 model holding RandomErasing. */
function kerasTopology(config: Record<string, unknown>): tf.io.ModelArtifacts {
  return {
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 10, 12, 3], dtype: 'float32', sparse: false, name: 'input_layer' } },
          { class_name: 'RandomErasing', config },
        ],
      },
      keras_version: '3.10.0',
      backend: 'tensorflow',
    },
    weightSpecs: [],
    weightData: new ArrayBuffer(0),
  };
}

describe('KerasRandomErasing (Keras 3 RandomErasing)', () => {
  before(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  const kerasConfig = {
    name: 'random_erasing',
    trainable: true,
    dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
    factor: [0.0, 0.8],
    scale: [0.05, 0.2],
    fill_value: null,
    value_range: [0, 1],
    seed: 42,
    data_format: 'channels_last',
  };

  it('loads a Keras 3 config with its keys and samples as the keras preset with those arguments', async () => {
    const model = await tfl.loadLayersModel(tf.io.fromMemory(kerasTopology(kerasConfig)));
    const layer = model.layers[model.layers.length - 1] as KerasRandomErasing;
    assert.ok(layer instanceof KerasRandomErasing);
    assert.equal(layer.name, 'random_erasing');
    assert.equal(layer.seed, 42);
    const o = layer.erasingOptions;
    assert.deepEqual([o.p, o.sl, o.sh, o.sizeSampling, o.placement], [0.4, 0.05, 0.2, 'per-side', 'continuous']);
    assert.deepEqual(o.fill, { kind: 'normal', mean: 0, std: 1, per: 'pixel', clip: [0, 1] });
    const x = images();
    assert.deepEqual(values(model.predict(x) as tf.Tensor), values(x), 'identity at inference');
    const erased = layer.apply(x, { training: true }) as tf.Tensor;
    const expected = randomErasing(x, { erasing: 'keras', overrides: { p: 0.4, sl: 0.05, sh: 0.2, fill: o.fill }, rng: Rng.fromSeed(42).derive(0) });
    assert.deepEqual(values(erased), values(expected));
    assert.ok(values(erased).every((v) => v >= 0 && v <= 1), 'noise clipped to value_range');
    tf.dispose([x, erased, expected]);
  });

  it('saves in Keras keys under the class name RandomErasing and loads back the same', async () => {
    const model = await tfl.loadLayersModel(tf.io.fromMemory(kerasTopology({ ...kerasConfig, fill_value: [0.5, 2, -1], data_format: 'channels_first' })));
    const saved = layerTopology(model, 1);
    assert.equal(saved.className, 'RandomErasing');
    assert.deepEqual(
      { factor: saved.factor, scale: saved.scale, fill_value: saved.fill_value, value_range: saved.value_range, seed: saved.seed, data_format: saved.data_format },
      { factor: [0, 0.8], scale: [0.05, 0.2], fill_value: [0.5, 2, -1], value_range: [0, 1], seed: 42, data_format: 'channels_first' },
    );
    const layers = (await roundTrip(model)).layers;
    const layer = layers[layers.length - 1] as KerasRandomErasing;
    assert.deepEqual(layer.erasingOptions.fill, { kind: 'constant', value: [0.5, 1, 0] });
    assert.equal(layer.dataFormat, 'channelsFirst');
  });

  it('Keras defaults, and bad Keras arguments named', () => {
    const layer = new KerasRandomErasing({ seed: 5 });
    assert.deepEqual(layer.keras, { factor: [0, 1], scale: [0.02, 0.33], fillValue: null, valueRange: [0, 255] });
    assert.equal(layer.erasingOptions.p, 0.5);
    assert.throws(() => new KerasRandomErasing({ factor: [0.2, 1.4] }), /argument factor: expected a number or a pair of numbers in \[0, 1\]/);
    assert.throws(() => new KerasRandomErasing({ dtype: { config: { name: 'mixed_float16' } } }), /dtype must be float32 or int32/);
    assert.throws(() => new KerasRandomErasing({ dataFormat: 'channels_middle' }), /dataFormat must be/);
  });
});
