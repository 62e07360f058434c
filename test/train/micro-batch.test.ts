import type { Batch } from '../../src/data/batch.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tf, tfl } from '../../src/tf/tf.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { crossEntropy } from '../../src/train/metrics.js';
import { isOutOfMemory, OutOfMemoryError } from '../../src/train/out-of-memory.js';
import { completeSpec } from '../../src/train/run-spec.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep, type BatchResult } from '../../src/train/step.js';
import { train } from '../../src/train/trainer.js';
import { runCli } from '../cli/fixtures.js';
import { CLASSES, SHAPE, tempDir, tinyData, tinyModel } from './fixtures.js';

await tf.setBackend('cpu');

const OPTIONS = { momentum: 0.9, weightDecay: 0.01, nesterov: true };

/** conv 3x3 (4) → ReLU → global average pool → dense logits: no layer mixes the samples of a batch. */
function modelWithoutBatchNorm(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: CLASSES, kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** The first `n` training batches of the tiny data (batch 16). */
async function batches(n: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of tinyData(1, 16).train.epoch(0)) if (out.length < n) out.push(batch);
  return out;
}

const sgdOf = (model: tfl.LayersModel) => new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), OPTIONS);
const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

function assertClose(actual: number[][], expected: number[][], tol: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((values, i) => values.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= tol, `weight ${i}[${j}]: ${v} vs ${expected[i][j]}`)));
}

/** Train `steps` batches with the given micro-batch size; returns the final weights and the step results. */
async function trainWith(model: tfl.LayersModel, data: Batch[], microBatch?: number) {
  const sgd = sgdOf(model);
  const results: BatchResult[] = [];
  for (const batch of data) results.push(await trainStep(model, sgd, batch, 0.1, 0.1, microBatch));
  sgd.dispose();
  return { weights: weightsOf(model), results };
}

test('without BatchNorm, micro-batches (uneven split) give the weights and metrics of the whole batch', async () => {
  const data = await batches(3);
  const whole = modelWithoutBatchNorm();
  const initial = weightsOf(whole).flat();
  const a = await trainWith(whole, data);
  const b = await trainWith(modelWithoutBatchNorm(), data, 5);
  assertClose(b.weights, a.weights, 1e-5);
  assert.ok(a.weights.flat().some((v, i) => Math.abs(v - initial[i]) > 1e-3), 'the steps changed the weights');
  a.results.forEach((r, i) => {
    const s = b.results[i];
    assert.equal(s.count, r.count);
    assert.ok(Math.abs(s.loss - r.loss) < 1e-6, `loss ${s.loss} vs ${r.loss}`);
    assert.deepEqual([s.correct1, s.correct5], [r.correct1, r.correct5]);
  });
});

test('a micro-batch at least the batch size is the whole-batch step bit for bit', async () => {
  const data = await batches(2);
  const a = await trainWith(tinyModel(), data);
  const b = await trainWith(tinyModel(), data, 16);
  const c = await trainWith(tinyModel(), data, 1000);
  assert.deepEqual(b.weights, a.weights);
  assert.deepEqual(c.weights, a.weights);
  assert.deepEqual(b.results, a.results);
});

test('with BatchNorm, the step equals per-micro-batch gradients averaged by hand, statistics updated per micro-batch', async () => {
  const [batch] = await batches(1);
  const stepped = tinyModel();
  const sgd = sgdOf(stepped);
  await trainStep(stepped, sgd, batch, 0.1, 0, 8);
  sgd.dispose();

  const manual = tinyModel();
  const variables = manual.trainableWeights.map((w) => w.read() as tf.Variable);
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const halves = [0, 8].map((start) => {
    const x = tf.tensor4d(batch.x.slice(start * size, (start + 8) * size), [8, ...SHAPE]);
    const y = tf.tensor1d(batch.y.slice(start, start + 8), 'int32');
    const { value, grads } = tf.variableGrads(() => crossEntropy(manual.apply(x, { training: true }) as tf.Tensor2D, y), variables);
    tf.dispose([x, y, value]);
    return grads;
  });
  // First SGD step: the momentum buffer is the decayed gradient d, and Nesterov moves by d + m d.
  variables.forEach((v) => {
    const updated = tf.tidy(() => {
      const g = tf.mul(tf.add(halves[0][v.name], halves[1][v.name]), 0.5);
      const d = tf.add(g, tf.mul(v, OPTIONS.weightDecay));
      return tf.sub(v, tf.mul(tf.mul(d, 1 + OPTIONS.momentum), 0.1));
    });
    v.assign(updated);
    updated.dispose();
  });
  halves.forEach((grads) => tf.dispose(Object.values(grads)));
  assertClose(weightsOf(stepped), weightsOf(manual), 1e-6);

  const whole = tinyModel();
  const wholeSgd = sgdOf(whole);
  await trainStep(whole, wholeSgd, batch, 0.1, 0);
  wholeSgd.dispose();
  const movingMean = (m: tfl.LayersModel) => Array.from(m.weights.find((w) => w.name.includes('moving_mean'))?.read().dataSync() ?? []);
  assert.ok(
    movingMean(stepped).some((v, i) => Math.abs(v - movingMean(whole)[i]) > 1e-4),
    'two statistics updates differ from one over the whole batch',
  );
});

test('numTensors stays flat across micro-batched steps, and the peak memory of a step drops', async () => {
  const data = await batches(3);
  const model = tinyModel();
  const sgd = sgdOf(model);
  await trainStep(model, sgd, data[0], 0.1, 0, 4);
  const after = tf.memory().numTensors;
  await trainStep(model, sgd, data[1], 0.1, 0, 4);
  await trainStep(model, sgd, data[2], 0.1, 0, 4);
  assert.equal(tf.memory().numTensors, after);
  const peak = async (microBatch?: number) => (await tf.profile(async () => void (await trainStep(model, sgd, data[0], 0.1, 0, microBatch)))).peakBytes;
  const whole = await peak();
  const split = await peak(4);
  assert.ok(split < whole, `peak ${split} bytes with micro-batch 4, ${whole} with the whole batch`);
  sgd.dispose();
});

test('--micro-batch is validated, naming the flag; at most the batch; 64 by default', async () => {
  for (const bad of [0, -2, 2.5, 17]) {
    assert.throws(() => completeSpec({ seed: 1, trainBatch: 16, microBatch: bad }), /^OptionError: run option microBatch: expected an integer in \[1, 16\], got /);
  }
  assert.equal(completeSpec({ seed: 1 }).microBatch, 64);
  assert.equal(completeSpec({ seed: 1, trainBatch: 32 }).microBatch, 32);
  const dir = await tempDir();
  const { code, stderr } = await runCli(['train', '-c', `${dir}/run`, '--micro-batch', '0']);
  assert.notEqual(code, 0);
  assert.match(stderr, /--micro-batch: expected an integer in \[1, 128\], got 0/);
  assert.match((await runCli(['train', '--help'])).stdout, /--micro-batch <n>/);
});

test('the run spec records --micro-batch; a resume keeps it and refuses another one', async () => {
  const dir = await tempDir();
  const spec = { seed: 3, epochs: 1, schedule: [], trainBatch: 16, microBatch: 5 };
  const hooks = { data: tinyData(), buildModel: () => tinyModel() };
  await train({ spec, runtime: { checkpoint: dir } }, hooks);
  assert.equal(JSON.parse(await readFile(`${dir}/config.json`, 'utf8')).spec.microBatch, 5);
  assert.equal((await loadCheckpoint(`${dir}/checkpoint.ckpt`)).spec.microBatch, 5);
  const kept = await train({ resume: `${dir}/checkpoint.ckpt`, spec: { epochs: 2 } }, hooks);
  assert.equal(kept.spec.microBatch, 5);
  await assert.rejects(train({ resume: `${dir}/checkpoint.ckpt`, spec: { microBatch: 4, epochs: 3 } }, hooks), /run option microBatch: the checkpoint's run has 5, given 4/);
});

type ApplyKwargs = Parameters<ReturnType<typeof tinyModel>['apply']>[1];

/** A tiny model whose apply throws error() whenever fails(kwargs) holds. */
function failingModel(fails: (kwargs: ApplyKwargs) => boolean, error: () => Error): ReturnType<typeof tinyModel> {
  const model = tinyModel();
  const apply = model.apply.bind(model);
  model.apply = (inputs, kwargs) => {
    if (fails(kwargs)) throw error();
    return apply(inputs, kwargs);
  };
  return model;
}

test('a backend allocation failure stops the run with a clear error and keeps the last checkpoint', async () => {
  assert.ok(isOutOfMemory(new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.')));
  assert.ok(isOutOfMemory(new RangeError('Array buffer allocation failed')));
  assert.ok(!isOutOfMemory(new Error('Aborted()')));
  assert.ok(!isOutOfMemory(new RangeError('Invalid array length')));

  const dir = await tempDir();
  let epochs = 0;
  const buildModel = () => {
    // The wasm backend's failure when malloc cannot grow the heap, from the second epoch on.
    const model = failingModel(() => epochs >= 1, () => new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'));
    // A broken heap can fail again while freeing: the run's error must still be the one reported.
    const dispose = model.dispose.bind(model);
    model.dispose = () => {
      dispose();
      throw new WebAssembly.RuntimeError('memory access out of bounds');
    };
    return model;
  };
  const request = { spec: { seed: 3, epochs: 3, schedule: [], trainBatch: 16, microBatch: 8 }, runtime: { checkpoint: dir } };
  await assert.rejects(
    train(request, { data: tinyData(), buildModel, onEpoch: () => void epochs++ }),
    (e: unknown) =>
      e instanceof OutOfMemoryError &&
      e.message === 'out of memory in a training step at batch 16 (micro-batch 8) on backend cpu: start the run again with a smaller `microBatch` (e.g. 4) or `trainBatch`',
  );
  const saved = await loadCheckpoint(`${dir}/checkpoint.ckpt`);
  assert.equal(saved.epoch, 1);
  assert.equal(saved.partial, null);
  assert.equal(new OutOfMemoryError(128, 'wasm', 128).message, 'out of memory in a training step at batch 128 on backend wasm: start the run again with a smaller `microBatch` (e.g. 64) or `trainBatch`');
});

test('running out of memory in the test pass names the test batch and keeps the last checkpoint', async () => {
  const dir = await tempDir();
  let epochs = 0;
  // Inference fails from the second epoch on; training steps still succeed.
  const buildModel = () => failingModel((kwargs) => epochs >= 1 && kwargs?.training === false, () => new RangeError('Array buffer allocation failed'));
  const request = { spec: { seed: 3, epochs: 3, schedule: [], trainBatch: 16 }, runtime: { checkpoint: dir } };
  await assert.rejects(
    train(request, { data: tinyData(), buildModel, onEpoch: () => void epochs++ }),
    (e: unknown) =>
      e instanceof OutOfMemoryError && e.message === 'out of memory in a test pass at batch 12 on backend cpu: use a smaller `testBatch`',
  );
  assert.equal((await loadCheckpoint(`${dir}/checkpoint.ckpt`)).epoch, 1);
});
