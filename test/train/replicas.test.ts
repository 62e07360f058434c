import type { Batch } from '../../src/data/batch.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buildModel } from '../../src/models/index.js';
import { tf, tfl } from '../../src/tf/tf.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { ConfigError, makeConfig, modelSpecOf, validateConfig, type TrainConfig } from '../../src/train/config.js';
import { ReplicaPool } from '../../src/train/replica-pool.js';
import { replicaStep } from '../../src/train/replica-step.js';
import { readDropoutRng } from '../../src/train/model-state.js';
import { combineUpdates } from '../../src/train/running-stats.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep } from '../../src/train/step.js';
import { train } from '../../src/train/trainer.js';
import { runCli } from '../cli/fixtures.js';
import { CLASSES, SHAPE, tempDir, tinyData } from './fixtures.js';

await tf.setBackend('cpu');

const CONFIG = makeConfig({ seed: 3, arch: 'resnet', depth: 8, epochs: 1, schedule: [], trainBatch: 16, labelSmoothing: 0.1, weightDecay: 0.01, nesterov: true, backend: 'cpu', checkpoint: 'unused' });
const spec = (config: TrainConfig = CONFIG) => modelSpecOf(config, CLASSES, SHAPE);
const sgdOf = (model: tfl.LayersModel) => new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 0.01, nesterov: true });
const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

async function batches(n: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of tinyData(1, 16).train.epoch(0)) if (out.length < n) out.push(batch);
  return out;
}

function assertClose(actual: number[][], expected: number[][], tol: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((values, i) => values.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= tol, `weight ${i}[${j}]: ${v} vs ${expected[i][j]}`)));
}

test('the running statistics of replicas merge into the sequential updates', () => {
  const m = 0.1;
  const r0 = Float32Array.from([1, -2, 0.5]);
  const s = [Float32Array.from([3, 1, 0]), Float32Array.from([-1, 4, 2]), Float32Array.from([0.5, 0.5, 7])];
  const sequential = s.reduce((r, sk) => r.map((v, i) => (1 - m) * v + m * sk[i]), r0);
  const merged = combineUpdates(r0, s.map((sk) => r0.map((v, i) => (1 - m) * v + m * sk[i])), m);
  merged.forEach((v, i) => assert.ok(Math.abs(v - sequential[i]) < 1e-6, `${v} vs ${sequential[i]}`));
});

test('replicas that each made several updates (micro-batches) merge into the sequential updates', () => {
  const m = 0.1;
  const r0 = Float32Array.from([1, -2, 0.5]);
  // Slice k's micro-batch statistics, 2, 1 and 3 updates.
  const slices = [[[3, 1, 0], [2, 2, 2]], [[-1, 4, 2]], [[0.5, 0.5, 7], [1, 0, -3], [4, 4, 4]]].map((ss) => ss.map((v) => Float32Array.from(v)));
  const update = (r: Float32Array, stats: Float32Array[]) => stats.reduce((acc, sk) => acc.map((v, i) => (1 - m) * v + m * sk[i]), r);
  const sequential = update(r0, slices.flat());
  const merged = combineUpdates(r0, slices.map((stats) => update(r0, stats)), m, slices.map((stats) => stats.length));
  merged.forEach((v, i) => assert.ok(Math.abs(v - sequential[i]) < 1e-6, `${v} vs ${sequential[i]}`));
  // Taking every slice as one update would be wrong here.
  const naive = combineUpdates(r0, slices.map((stats) => update(r0, stats)), m);
  assert.ok(naive.some((v, i) => Math.abs(v - sequential[i]) > 1e-3));
});

/**
 * Three steps on 2 replicas at batch 16 (micro-batches of `microBatch` within each slice of 8) against
 * trainStep with `reference` micro-batches, for the model of `config`.
 */
async function checkReplicaSteps(microBatch: number | undefined, reference: number, config = CONFIG): Promise<void> {
  const data = await batches(3);
  const single = buildModel(spec(config));
  const sgd = sgdOf(single);
  const expected = data.map((batch) => trainStep(single, sgd, batch, 0.1, 0.1, reference));
  sgd.dispose();

  const model = buildModel(spec(config));
  const initial = weightsOf(model).flat();
  const pool = new ReplicaPool(1, { spec: spec(config), backend: 'cpu', labelSmoothing: 0.1, microBatch });
  const replicaSgd = sgdOf(model);
  const ctx = { model, sgd: replicaSgd, pool, lr: 0.1, labelSmoothing: 0.1, sliceSize: 8, microBatch };
  try {
    const results: Awaited<ReturnType<typeof replicaStep>>[] = [await replicaStep(ctx, data[0])];
    const tensors = tf.memory().numTensors;
    for (const batch of data.slice(1)) results.push(await replicaStep(ctx, batch));
    assert.equal(tf.memory().numTensors, tensors);
    assertClose(weightsOf(model), weightsOf(single), 1e-5);
    assert.ok(weightsOf(model).flat().some((v, i) => Math.abs(v - initial[i]) > 1e-3), 'the steps changed the weights');
    results.forEach((r, i) => {
      assert.ok(Math.abs(r.loss - expected[i].loss) < 1e-6, `loss ${r.loss} vs ${expected[i].loss}`);
      assert.deepEqual([r.count, r.correct1, r.correct5], [expected[i].count, expected[i].correct1, expected[i].correct5]);
    });
    assert.deepEqual(readDropoutRng(model), readDropoutRng(single), 'dropout generators end where the sequential path leaves them');
  } finally {
    replicaSgd.dispose();
    await pool.close();
  }
}

test('2 replicas at batch 16 give the weights (BatchNorm statistics included) and metrics of micro-batch 8, tensors flat', async () => {
  await checkReplicaSteps(undefined, 8);
});

test('2 replicas with micro-batch 4 give the weights and metrics of micro-batch 4 on one thread', async () => {
  await checkReplicaSteps(4, 4);
});

test('with dropout, replicas draw the masks of the sequential micro-batch path (with and without micro-batches)', async () => {
  const dropout = { ...CONFIG, convDropout: 0.3 };
  assert.ok(buildModel(spec(dropout)).layers.some((l) => l.getClassName() === 'SeededDropout'), 'the model has dropout layers');
  await checkReplicaSteps(undefined, 8, dropout);
  await checkReplicaSteps(4, 4, dropout);
});

test('train() with --replicas 2 matches --micro-batch 8 and records replicas; --replicas 1 is the default bit for bit', async () => {
  const run = async (overrides: Partial<TrainConfig>) => {
    const dir = await tempDir();
    const result = await train({ ...CONFIG, ...overrides, checkpoint: dir }, { data: tinyData(), keepModel: true });
    const weights = weightsOf(result.model as tfl.LayersModel);
    result.model?.dispose();
    return { dir, weights, history: result.history.map(({ seconds: _, ...r }) => r) };
  };
  const micro = await run({ microBatch: 8 });
  const replicas = await run({ replicas: 2 });
  assertClose(replicas.weights, micro.weights, 1e-5);
  replicas.history.forEach((r, i) => {
    assert.ok(Math.abs(r.trainLoss - micro.history[i].trainLoss) < 1e-6);
    assert.deepEqual([r.trainTop1, r.trainTop5, r.testTop1, r.testTop5], [micro.history[i].trainTop1, micro.history[i].trainTop5, micro.history[i].testTop1, micro.history[i].testTop5]);
  });
  assert.equal(JSON.parse(await readFile(`${replicas.dir}/config.json`, 'utf8')).replicas, 2);
  const resumed = await train({ ...CONFIG, replicas: undefined, epochs: 2, checkpoint: replicas.dir, resume: `${replicas.dir}/checkpoint.ckpt` }, { data: tinyData() });
  assert.equal(resumed.config.replicas, 2);
  assert.equal((await loadCheckpoint(`${replicas.dir}/checkpoint.ckpt`)).config.replicas, 2);

  // The workers get the micro-batch size from the trainer.
  const microReplicas = await run({ replicas: 2, microBatch: 4 });
  assertClose(microReplicas.weights, (await run({ microBatch: 4 })).weights, 1e-5);

  const one = await run({ replicas: 1 });
  const plain = await run({});
  assert.deepEqual(one.weights, plain.weights);
  assert.deepEqual(one.history, plain.history);
});

test('--replicas is validated naming the flag; dropout and --micro-batch are accepted with it', async () => {
  for (const bad of [0, -1, 1.5]) {
    assert.throws(() => validateConfig(makeConfig({ seed: 1, replicas: bad })), (e: unknown) => e instanceof ConfigError && /^--replicas: expected a positive integer, got /.test(e.message));
  }
  validateConfig(makeConfig({ seed: 1, replicas: 2, convDropout: 0.1 }));
  validateConfig(makeConfig({ seed: 1, replicas: 2, arch: 'wrn', drop: 0.3 }));
  validateConfig(makeConfig({ seed: 1, replicas: 2, microBatch: 4 }));
  validateConfig(makeConfig({ seed: 1, replicas: 64 }));
  const dir = await tempDir();
  const { code, stderr } = await runCli(['train', '-c', `${dir}/run`, '--replicas', '0']);
  assert.notEqual(code, 0);
  assert.match(stderr, /--replicas: expected a positive integer, got 0/);
  assert.match((await runCli(['train', '--help'])).stdout, /--replicas <n>/);
});

test('a replica worker failure surfaces with its message', async () => {
  const [batch] = await batches(1);
  const model = buildModel(spec());
  const sgd = sgdOf(model);
  // The worker's model has more classes: the weights it is sent do not fit it.
  const pool = new ReplicaPool(1, { spec: { ...spec(), numClasses: CLASSES + 2 }, backend: 'cpu', labelSmoothing: 0 });
  try {
    const tensors = tf.memory().numTensors;
    await assert.rejects(replicaStep({ model, sgd, pool, lr: 0.1, labelSmoothing: 0, sliceSize: 8 }, batch), (e: unknown) => e instanceof Error && /^replica worker failed: .+/.test(e.message) && !/replicas closed/.test(e.message));
    assert.equal(tf.memory().numTensors, tensors);
  } finally {
    sgd.dispose();
    await pool.close();
  }
  await assert.rejects(train({ ...CONFIG, replicas: 2, checkpoint: await tempDir() }, { data: tinyData(), buildModel: () => buildModel(spec()) }), /--replicas: replica workers build the model from the config/);
});
