/**
 * Exported models are portable: their topology holds stock tfjs-layers classes only, a separate TF.js
 * program that knows none of this package's layers loads them, and their outputs equal the original
 * model's on random inputs (cpu backend).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { buildCenterNet, buildModel, type ModelSpec } from '../../src/models/index.js';
import { tf, tfl } from '../../src/tf/tf.js';
import { KerasRandomErasing, RandomErasingLayer } from '../../src/tf/random-erasing-layer.js';
import { exportLayersModel, fileLoadHandler } from '../../src/train/export.js';
import { STOCK_LAYER_CLASSES } from '../../src/train/portable-model.js';

const SHAPE: [number, number, number] = [8, 8, 3];
const BATCH = 2;
const TOLERANCE = 1e-4;
const CUSTOM = ['TorchBatchNorm', 'SeededDropout', 'GroupedConv2D'];

const SPECS: Record<string, ModelSpec> = {
  resnet8: { arch: 'resnet', depth: 8, numClasses: 5, inputShape: SHAPE, seed: 1, convDropout: 0.2 },
  'resnet44 (bottleneck)': { arch: 'resnet', depth: 44, numClasses: 5, inputShape: SHAPE, seed: 2 },
  'wrn-10-1 (drop 0.3)': { arch: 'wrn', depth: 10, widenFactor: 1, drop: 0.3, numClasses: 5, inputShape: SHAPE, seed: 3 },
  'resnext11-2x1d': { arch: 'resnext', depth: 11, cardinality: 2, baseWidth: 1, numClasses: 5, inputShape: SHAPE, seed: 4 },
};
/** Every exported case: the classifiers above and the detector (upsampling, concatenation, input rescaling). */
const BUILDERS: Record<string, () => tfl.LayersModel> = {
  ...Object.fromEntries(Object.entries(SPECS).map(([name, spec]) => [name, () => buildModel(spec)])),
  'centernet-w4': () => buildCenterNet({ numClasses: 3, inputShape: SHAPE, width: 4, seed: 5, normalize: { mean: 0.3, std: 0.5 } }),
};

/** Batch-norm statistics and affine parameters away from their identity initial values, seeded. */
function perturbBatchNorms(model: tfl.LayersModel, seed: number): void {
  const ranges: Record<string, [number, number]> = { gamma: [0.5, 1.5], beta: [-0.3, 0.3], moving_mean: [-0.3, 0.3], moving_variance: [0.2, 1.5] };
  model.weights.forEach((w, i) => {
    const range = ranges[w.originalName.split('/').pop() ?? ''];
    if (range) w.write(tf.randomUniform(w.shape as number[], range[0], range[1], 'float32', seed * 1000 + i));
  });
}

interface Exported {
  modelJson: string;
  input: string;
  shape: number[];
  expected: Float32Array;
}

let dir = '';
const exported = new Map<string, Exported>();

async function exportCase(name: string, build: () => tfl.LayersModel, index: number): Promise<Exported> {
  const model = build();
  try {
    perturbBatchNorms(model, index + 1);
    const x = tf.randomNormal([BATCH, ...SHAPE], 0, 1, 'float32', 100 + index);
    const y = model.predict(x) as tf.Tensor;
    const expected = (await y.data()) as Float32Array;
    const input = path.join(dir, `input-${index}.f32`);
    await writeFile(input, new Uint8Array((await x.data()).buffer));
    tf.dispose([x, y]);
    const files = await exportLayersModel(model, path.join(dir, name.replace(/\W+/g, '_')));
    return { modelJson: files.modelJson, input, shape: x.shape, expected };
  } finally {
    model.dispose();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'output sizes differ');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

before(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'export-test-'));
  for (const [i, [name, build]] of Object.entries(BUILDERS).entries()) exported.set(name, await exportCase(name, build, i));
});

after(() => rm(dir, { recursive: true, force: true }));

test('a TF.js program without this package loads every exported model and predicts the same outputs', async () => {
  const cases = [...exported.values()].map(({ modelJson, input, shape }) => ({ modelJson, input, shape }));
  const casesFile = path.join(dir, 'cases.json');
  await writeFile(casesFile, JSON.stringify(cases));
  const script = path.join(import.meta.dirname, 'stock-load.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, casesFile], { maxBuffer: 1 << 24 });
  const { registered, results } = JSON.parse(stdout) as { registered: string[]; results: { classes: string[]; output: number[] }[] };
  for (const custom of CUSTOM) assert.ok(!registered.includes(custom), `${custom} leaked into the stock loader`);
  [...exported.entries()].forEach(([name, c], i) => {
    const diff = maxAbsDiff(results[i].output, c.expected);
    assert.ok(diff < TOLERANCE, `${name}: max |diff| ${diff} >= ${TOLERANCE}`);
    for (const cls of results[i].classes) assert.ok(registered.includes(cls), `${name}: ${cls} is not a stock class`);
  });
});

test('exported topologies use stock classes only; fileLoadHandler reads them back with the same outputs', async () => {
  for (const [name, c] of exported) {
    const model = await tfl.loadLayersModel(fileLoadHandler(c.modelJson));
    const classes = model.layers.map((l) => l.getClassName());
    for (const cls of classes) assert.ok(STOCK_LAYER_CLASSES.has(cls), `${name}: layer class ${cls} is not stock`);
    const bytes = await readFile(c.input);
    const x = tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), c.shape);
    const y = model.predict(x) as tf.Tensor;
    const diff = maxAbsDiff(await y.data(), c.expected);
    tf.dispose([x, y]);
    model.dispose();
    assert.ok(diff < TOLERANCE, `${name}: max |diff| ${diff} >= ${TOLERANCE}`);
  }
});

test('batch norm (then its fused ReLU), dropout and grouped convolution are rewritten with the stated settings', async () => {
  const json = JSON.parse(await readFile(exported.get('resnext11-2x1d')!.modelJson, 'utf8')) as tf.io.ModelJSON;
  const layers = (json.modelTopology as { config: { layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown }[] } }).config.layers;
  const byName = new Map(layers.map((l) => [l.name, l]));
  assert.deepEqual(byName.get('stem_bn')?.config, { name: 'stem_bn', trainable: true, axis: -1, momentum: 0.9, epsilon: 1e-5, center: true, scale: true });
  const strided = byName.get('s2b0_group');
  assert.equal(strided?.class_name, 'Conv2D');
  assert.deepEqual([strided?.config.strides, strided?.config.padding, strided?.config.use_bias], [[2, 2], 'valid', false]);
  assert.deepEqual(strided?.inbound_nodes, [[['s2b0_group_pad', 0, 0, {}]]]);
  assert.deepEqual(byName.get('s2b0_group_pad')?.inbound_nodes, [[['s2b0_reduce_bn_relu', 0, 0, {}]]]);
  const relu = byName.get('s2b0_reduce_bn_relu');
  assert.deepEqual([relu?.class_name, relu?.inbound_nodes], ['ReLU', [[['s2b0_reduce_bn', 0, 0, {}]]]], 'the fused ReLU follows its batch norm');
  const kernel = json.weightsManifest[0].weights.find((w) => w.name === 's2b0_group/kernel');
  assert.deepEqual(kernel?.shape, [3, 3, 4, 4]);
  const wrn = JSON.parse(await readFile(exported.get('wrn-10-1 (drop 0.3)')!.modelJson, 'utf8')) as tf.io.ModelJSON;
  const drops = (wrn.modelTopology as { config: { layers: { class_name: string; config: { rate?: number } }[] } }).config.layers.filter((l) => l.class_name === 'Dropout');
  assert.ok(drops.length > 0 && drops.every((l) => l.config.rate === 0.3), 'wrn dropout layers keep rate 0.3');
});

class Doubler extends tfl.layers.Layer {
  static readonly className = 'Doubler';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 2);
  }
}
tf.serialization.registerClass(Doubler);

test('a layer class with no stock equivalent fails the export, naming the layer and the class', async () => {
  const input = tfl.input({ shape: [4] });
  const model = tfl.model({ inputs: input, outputs: new Doubler({ name: 'twice' }).apply(input) as tfl.SymbolicTensor });
  const out = path.join(dir, 'custom');
  await assert.rejects(exportLayersModel(model, out), /layer 'twice'.*class 'Doubler'/);
  await assert.rejects(readFile(path.join(out, 'model.json')), { code: 'ENOENT' });
  model.dispose();
});

test('the Random Erasing layers export as stock identity layers: same predictions, loadable without this package', async () => {
  const input = tfl.input({ shape: SHAPE });
  const erased = new KerasRandomErasing({ factor: 1, seed: 3, name: 'keras_erase' }).apply(new RandomErasingLayer({ preset: 'paper', seed: 2, name: 'erase' }).apply(input) as tfl.SymbolicTensor);
  const output = tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(tfl.layers.flatten().apply(erased) as tfl.SymbolicTensor);
  const model = tfl.model({ inputs: input, outputs: output as tfl.SymbolicTensor });
  const x = tf.randomUniform([BATCH, ...SHAPE], 0, 1, 'float32', 7);
  const expected = (model.predict(x) as tf.Tensor).dataSync();
  const files = await exportLayersModel(model, path.join(dir, 'erasing'));
  const json = JSON.parse(await readFile(files.modelJson, 'utf8'));
  const layers = json.modelTopology.config.layers as Array<{ class_name: string; config: { name: string; activation?: string } }>;
  assert.deepEqual(layers.filter((l) => l.config.name.includes('erase')).map((l) => [l.class_name, l.config.activation]), [['Activation', 'linear'], ['Activation', 'linear']]);
  const loaded = await tfl.loadLayersModel(fileLoadHandler(files.modelJson));
  assert.ok(maxAbsDiff((loaded.predict(x) as tf.Tensor).dataSync(), expected) === 0);
  model.dispose();
  loaded.dispose();
});
