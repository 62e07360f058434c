import type { Batch } from '../../src/data/batch.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buildModel } from '../../src/models/index.js';
import { setupBackend } from '../../src/tf/backend.js';
import { tf, tfl } from '../../src/tf/tf.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { readDropoutRng } from '../../src/train/model-state.js';
import { ReplicaPool } from '../../src/train/replica-pool.js';
import { blocksOf, microBatchSizes, replicaStep } from '../../src/train/replica-step.js';
import { completeSpec, modelSpecOf, type RunSpec } from '../../src/train/run-spec.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep } from '../../src/train/step.js';
import { train } from '../../src/train/trainer.js';
import { runCli } from '../cli/fixtures.js';
import { CLASSES, SHAPE, tempDir, tinyData } from './fixtures.js';

await setupBackend({ backend: 'wasm', native: false });

const SPEC: RunSpec = { seed: 3, arch: 'resnet', depth: 8, epochs: 1, schedule: [], trainBatch: 16, microBatch: 8, labelSmoothing: 0.1, weightDecay: 0.01, nesterov: true };
const modelSpec = (spec: RunSpec = SPEC) => modelSpecOf(completeSpec(spec), CLASSES, SHAPE);
const sgdOf = (model: tfl.LayersModel) => new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 0.01, nesterov: true });
const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

async function batches(n: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of tinyData(1, 16).train.epoch(0)) if (out.length < n) out.push(batch);
  return out;
}

test('micro-batches are spread over threads in contiguous blocks, the main thread first, none empty', () => {
  assert.deepEqual(microBatchSizes(16, 8), [8, 8]);
  assert.deepEqual(microBatchSizes(13, 4), [4, 4, 4, 1]);
  assert.deepEqual(blocksOf(4, 2), [[0, 2], [2, 4]]);
  assert.deepEqual(blocksOf(4, 3), [[0, 2], [2, 3], [3, 4]]);
  assert.deepEqual(blocksOf(2, 8), [[0, 1], [1, 2]]);
  assert.deepEqual(blocksOf(5, 1), [[0, 5]]);
});

/**
 * Three steps of batch 16 in micro-batches of `microBatch` on `workers` + 1 threads against trainStep
 * on this thread alone: the same weights (BatchNorm statistics included), losses and counts, bit for bit.
 */
async function checkReplicaSteps(microBatch: number, workers: number, spec = SPEC): Promise<void> {
  const data = await batches(3);
  const single = buildModel(modelSpec(spec));
  const sgd = sgdOf(single);
  const expected = [];
  for (const batch of data) expected.push(await trainStep(single, sgd, batch, 0.1, 0.1, microBatch));
  sgd.dispose();

  const model = buildModel(modelSpec(spec));
  const initial = weightsOf(model).flat();
  const pool = new ReplicaPool(workers, { spec: modelSpec(spec), backend: 'wasm', labelSmoothing: 0.1 });
  const replicaSgd = sgdOf(model);
  const ctx = { model, sgd: replicaSgd, pool, lr: 0.1, labelSmoothing: 0.1, microBatch };
  try {
    const results: Awaited<ReturnType<typeof replicaStep>>[] = [await replicaStep(ctx, data[0])];
    const tensors = tf.memory().numTensors;
    for (const batch of data.slice(1)) results.push(await replicaStep(ctx, batch));
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(weightsOf(model), weightsOf(single));
    assert.ok(weightsOf(model).flat().some((v, i) => Math.abs(v - initial[i]) > 1e-3), 'the steps changed the weights');
    assert.deepEqual(results, expected);
    assert.deepEqual(readDropoutRng(model), readDropoutRng(single), 'dropout generators end where the one-thread step leaves them');
  } finally {
    replicaSgd.dispose();
    await pool.close();
  }
}

test('2 threads with micro-batches of 8 at batch 16: the one-thread step bit for bit, tensors flat', async () => {
  await checkReplicaSteps(8, 1);
});

test('4 micro-batches on 2 and on 3 threads (uneven blocks): the one-thread step bit for bit', async () => {
  await checkReplicaSteps(4, 1);
  await checkReplicaSteps(4, 2);
});

test('with dropout, replicas draw the masks of the one-thread step', async () => {
  const dropout = { ...SPEC, convDropout: 0.3 };
  assert.ok(buildModel(modelSpec(dropout)).layers.some((l) => l.getClassName() === 'SeededDropout'), 'the model has dropout layers');
  await checkReplicaSteps(8, 1, dropout);
  await checkReplicaSteps(4, 2, dropout);
});

test('train() gives the same weights on 1, 2 and 3 threads bit for bit; config.json records the threads; a resume may change them', async () => {
  const run = async (threads: number, spec: RunSpec = { ...SPEC, microBatch: 4 }) => {
    const dir = await tempDir();
    const result = await train({ spec, runtime: { checkpoint: dir, threads, backend: 'wasm', native: false } }, { data: tinyData(), keepModel: true });
    const weights = weightsOf(result.model as tfl.LayersModel);
    result.model?.dispose();
    return { dir, result, weights, history: result.history.map(({ seconds: _, ...r }) => r) };
  };
  const one = await run(1);
  // 8 threads: more than the 4 micro-batches of a step, so 4 are started.
  for (const [threads, started] of [[2, 2], [3, 3], [8, 4]]) {
    const other = await run(threads);
    assert.deepEqual(other.weights, one.weights, `${threads} threads`);
    assert.deepEqual(other.history, one.history, `${threads} threads`);
    assert.equal(other.result.runId, one.result.runId, 'the run id does not depend on the threads');
    assert.equal(JSON.parse(await readFile(`${other.dir}/config.json`, 'utf8')).runtime.threads, started);
  }
  const resumed = await train({ resume: `${one.dir}/checkpoint.ckpt`, spec: { epochs: 2 }, runtime: { threads: 2, backend: 'wasm', native: false } }, { data: tinyData() });
  const straight = await run(1, { ...SPEC, microBatch: 4, epochs: 2 });
  assert.deepEqual((await loadCheckpoint(`${one.dir}/checkpoint.ckpt`)).weights, (await loadCheckpoint(`${straight.dir}/checkpoint.ckpt`)).weights);
  assert.equal(resumed.epochs, 2);
});

test('--threads is validated naming the flag; a custom model runs on one thread and may not ask for more', async () => {
  const dir = await tempDir();
  const { code, stderr } = await runCli(['train', '-c', `${dir}/run`, '--threads', '0']);
  assert.notEqual(code, 0);
  assert.match(stderr, /--threads: expected an integer >= 1, got 0/);
  assert.match((await runCli(['train', '--help'])).stdout, /--threads <n>/);
  const custom = await train({ spec: SPEC, runtime: { checkpoint: await tempDir(), backend: 'wasm', native: false } }, { data: tinyData(), buildModel: () => buildModel(modelSpec()) });
  assert.equal(custom.runtime.threads, 1);
  await assert.rejects(
    train({ spec: SPEC, runtime: { checkpoint: await tempDir(), threads: 2, backend: 'wasm', native: false } }, { data: tinyData(), buildModel: () => buildModel(modelSpec()) }),
    /run option threads: replica workers build the model from the spec/,
  );
});

test('a replica worker failure surfaces with its message', async () => {
  const [batch] = await batches(1);
  const model = buildModel(modelSpec());
  const sgd = sgdOf(model);
  // The worker's model has more classes: the weights it is sent do not fit it.
  const pool = new ReplicaPool(1, { spec: { ...modelSpec(), numClasses: CLASSES + 2 }, backend: 'wasm', labelSmoothing: 0 });
  try {
    const tensors = tf.memory().numTensors;
    await assert.rejects(replicaStep({ model, sgd, pool, lr: 0.1, labelSmoothing: 0, microBatch: 8 }, batch), (e: unknown) => e instanceof Error && /^replica worker failed: .+/.test(e.message) && !/replicas closed/.test(e.message));
    assert.equal(tf.memory().numTensors, tensors);
  } finally {
    sgd.dispose();
    await pool.close();
  }
});
