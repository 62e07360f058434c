/**
 * Step-for-step comparison of our trainer with PyTorch (the fidelity test and `npm run bench fidelity`):
 * our `train` runs a short ResNet-20 schedule on Fashion-MNIST, recording its initial weights and every
 * batch it saw; torch_steps.py then runs the reference script's loop from those weights on those
 * batches, in float32 and optionally float64, and the final weights, BatchNorm running statistics and
 * losses are compared.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, type Dataset } from '../../src/data/index.js';
import { createLoader } from '../../src/data/loader.js';
import { buildModel } from '../../src/models/registry.js';
import { resolveSpec } from '../../src/models/spec.js';
import type { BackendName } from '../../src/tf/backend.js';
import { setupBackend } from '../../src/tf/backend.js';
import type { tf, tfl } from '../../src/tf/tf.js';
import { completeRuntime, type CompleteRuntime } from '../../src/train/run-runtime.js';
import { completeSpec, modelSpecOf, type CompleteSpec } from '../../src/train/run-spec.js';
import { loadSplit, openTrainData, testLoaderOf, trainPipelineOf, type TrainData } from '../../src/train/data-source.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { writeWeights } from '../../src/train/model-state.js';
import { evaluate, trainEpoch, type BatchSource } from '../../src/train/passes.js';
import { createReporter } from '../../src/train/progress.js';
import { learningRateAt } from '../../src/train/schedule.js';
import { Sgd } from '../../src/train/sgd.js';
import { train } from '../../src/train/trainer.js';
import { Blob, layerArrays, TORCH_NETS_DIR, type ArrayRef } from '../models/torch-python.js';

const STEPS_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'torch_steps.py');

/** PyTorch dtypes torch_steps.py can run in. */
export type TorchDtype = 'float32' | 'float64';

/** One comparison: backend, erasing, hyper-parameters and data size. */
export interface StepCase {
  readonly name: string;
  readonly backend: BackendName;
  readonly p: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly trainBatch: number;
  readonly trainSubset: number;
  readonly testSubset: number;
  /** Train on centre crops of this size (the cpu backend's stock filter gradient is ~100x slower than wasm's). */
  readonly crop?: number;
  readonly dtypes: readonly TorchDtype[];
}

/** A case's run: its spec and how it runs. */
export interface StepRun {
  readonly spec: CompleteSpec;
  readonly runtime: CompleteRuntime;
}

/**
 * The run of a case: two epochs (LR x 0.1 from the second), momentum 0.9, whole-batch BatchNorm (no
 * micro-batches) as the reference, on one thread.
 */
export function stepRun(c: StepCase, dir: string): StepRun {
  const spec = completeSpec({
    seed: 3, dataset: 'fashion-mnist', arch: 'resnet', depth: 20, p: c.p, epochs: 2, schedule: [1], gamma: 0.1, lr: c.lr, momentum: 0.9,
    weightDecay: c.weightDecay, trainBatch: c.trainBatch, microBatch: c.trainBatch, trainSubset: c.trainSubset, testSubset: c.testSubset,
  });
  return { spec, runtime: completeRuntime({ testBatch: 50, workers: 0, threads: 1, backend: c.backend, checkpoint: dir }) };
}

/** The centre `size` x `size` window of every image. */
function centreCrop(d: Dataset, size: number): Dataset {
  const top = (d.height - size) >> 1;
  const left = (d.width - size) >> 1;
  const row = size * d.channels;
  const images = new Uint8Array(d.count * size * row);
  for (let i = 0; i < d.count; i++) {
    for (let y = 0; y < size; y++) {
      const from = ((i * d.height + top + y) * d.width + left) * d.channels;
      images.set(d.images.subarray(from, from + row), (i * size + y) * row);
    }
  }
  return { ...d, images, height: size, width: size };
}

/** The run's data (seeded subsets, its training pipeline), cropped to `size`. */
async function croppedData({ spec, runtime }: StepRun, size: number): Promise<TrainData> {
  const train = centreCrop(await loadSplit(spec, runtime.dataDir, 'train'), size);
  const test = centreCrop(await loadSplit(spec, runtime.dataDir, 'test'), size);
  const trainLoader = createLoader({ dataset: train, pipeline: trainPipelineOf(spec), batchSize: spec.trainBatch, seed: spec.seed });
  const testLoader = testLoaderOf(spec, runtime.testBatch, test);
  return {
    train: trainLoader,
    test: testLoader,
    numClasses: train.classNames.length,
    inputShape: [size, size, train.channels],
    close: () => Promise.all([trainLoader.close(), testLoader.close()]).then(() => undefined),
  };
}

type Batches = Array<{ x: ArrayRef; y: ArrayRef }>;

/** Every batch of `epochs` epochs of `source`, added to `blob`. */
async function batchesOf(source: BatchSource, epochs: number, blob: Blob): Promise<Batches[]> {
  const out: Batches[] = [];
  for (let e = 0; e < epochs; e++) {
    const batches: Batches = [];
    for await (const b of source.epoch(e)) {
      batches.push({ x: blob.add(b.x.slice(), [b.count, b.height, b.width, b.channels]), y: blob.add(Float32Array.from(b.y), [b.count]) });
    }
    out.push(batches);
  }
  return out;
}

/** Weights by layer name, each layer's arrays in tfjs order. */
export type Layers = Map<string, Float32Array[]>;

/** What a run produced: per-epoch LR, losses and test error (%), final weights. */
export interface RunOutcome {
  readonly lr: number[];
  readonly trainLoss: number[];
  readonly testLoss: number[];
  readonly testError: number[];
  readonly layers: Layers;
}

const weightsOf = (model: tfl.LayersModel): Layers =>
  new Map(model.layers.filter((l) => l.getWeights().length > 0).map((l) => [l.name, l.getWeights().map((w) => w.dataSync() as Float32Array)]));

/** Train a case with our trainer; returns its outcome and the case's entry for torch_steps.py. */
export async function runOurs(c: StepCase, blob: Blob): Promise<{ ours: RunOutcome; manifest: object }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fidelity-'));
  const run = stepRun(c, dir);
  const { spec } = run;
  // The data the trainer would open itself, kept to replay the same batches to PyTorch.
  const data = c.crop === undefined ? await openTrainData(spec, run.runtime) : await croppedData(run, c.crop);
  try {
    let initial: ReturnType<typeof layerArrays> = [];
    const result = await train(run, {
      keepModel: true,
      data,
      buildModel: (s, classes, shape) => {
        const model = buildModel(modelSpecOf(s, classes, shape));
        initial = layerArrays(model, blob);
        return model;
      },
    });
    const model = result.model as tfl.LayersModel;
    const layers = weightsOf(model);
    model.dispose();
    const epochs = await batchesOf(data.train, spec.epochs, blob);
    const [test] = await batchesOf(data.test, 1, blob);
    const modelSpec = resolveSpec(modelSpecOf(spec, data.numClasses, data.inputShape));
    const { lr, momentum, weightDecay, nesterov, schedule, gamma } = spec;
    const history = result.history;
    return {
      ours: { lr: history.map((h) => h.lr), trainLoss: history.map((h) => h.trainLoss), testLoss: history.map((h) => h.testLoss), testError: history.map((h) => 100 - h.testTop1), layers },
      manifest: { spec: modelSpec, layers: initial, epochs, test, lr, momentum, weightDecay, nesterov, schedule, gamma, dtypes: c.dtypes },
    };
  } finally {
    await data.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One more epoch from a checkpoint of ours (weights, BatchNorm statistics, momentum buffers), on the
 * batches the run would train next: ours with the trainer's epoch pass, and the case for
 * torch_steps.py starting from the same state. Shows whether the two engines still agree over a
 * whole epoch at batch 128 from a trained state (where a short test from initialisation may not look).
 */
export async function continueRun(file: string, blob: Blob, dtypes: readonly TorchDtype[]): Promise<{ ours: RunOutcome; manifest: object; epoch: number }> {
  const saved = await loadCheckpoint(file);
  const { spec } = saved;
  const runtime = { ...saved.runtime, workers: 0 };
  await setupBackend({ backend: runtime.backend ?? 'wasm', native: runtime.native, threads: runtime.threads });
  const model = buildModel(modelSpecOf(spec, saved.model.numClasses, saved.model.inputShape));
  writeWeights(model, saved.weights, file);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const sgd = new Sgd(variables, { momentum: spec.momentum, weightDecay: spec.weightDecay, nesterov: spec.nesterov });
  sgd.setState({ steps: saved.optimizerSteps, buffers: saved.optimizer.map((a) => a.values) });
  const layers = layerArrays(model, blob);
  const byLayer = new Map<string, ArrayRef[]>();
  model.trainableWeights.forEach((w, i) => {
    const name = w.originalName.split('/')[0];
    byLayer.set(name, [...(byLayer.get(name) ?? []), blob.add(saved.optimizer[i].values, [...w.shape] as number[])]);
  });
  const data = await openTrainData(spec, runtime);
  try {
    const lr = learningRateAt(saved.epoch, spec.lr, spec.schedule, spec.gamma);
    const reporter = createReporter('silent');
    const context = { model, sgd, source: data.train, lr, labelSmoothing: spec.labelSmoothing, microBatch: spec.microBatch, reporter };
    const outcome = await trainEpoch(context, saved.epoch, null);
    assert.ok(outcome.complete);
    const test = await evaluate(model, data.test, reporter);
    const ours: RunOutcome = { lr: [lr], trainLoss: [outcome.metrics.loss], testLoss: [test.loss], testError: [100 - test.top1], layers: weightsOf(model) };
    const [batches] = await batchesOf({ batchesPerEpoch: data.train.batchesPerEpoch, epoch: () => data.train.epoch(saved.epoch) }, 1, blob);
    const [testBatches] = await batchesOf(data.test, 1, blob);
    const manifest = {
      spec: resolveSpec(modelSpecOf(spec, saved.model.numClasses, saved.model.inputShape)), layers, buffers: [...byLayer].map(([name, arrays]) => ({ name, arrays })), epochs: [batches], test: testBatches,
      lr, momentum: spec.momentum, weightDecay: spec.weightDecay, nesterov: spec.nesterov, schedule: [], gamma: spec.gamma, dtypes,
    };
    return { ours, manifest, epoch: saved.epoch };
  } finally {
    sgd.dispose();
    model.dispose();
    await data.close();
  }
}

/**
 * The case for torch_steps.py that replays a whole run of ours without training it: the initial
 * weights our trainer starts the spec from and every batch its loader gives, epoch by epoch (the
 * batches the trainer trains on: the loader is seeded), with the spec's schedule. PyTorch trained on
 * it shows whether a difference between a run of ours and the reference script's comes from the
 * training arithmetic or from the draws (initial weights, order, augmentation).
 */
export async function replayCase(spec: CompleteSpec, runtime: CompleteRuntime, blob: Blob, dtypes: readonly TorchDtype[]): Promise<object> {
  await setupBackend({ backend: runtime.backend, native: runtime.native, threads: runtime.threads });
  const data = await openTrainData(spec, runtime);
  try {
    const model = buildModel(modelSpecOf(spec, data.numClasses, data.inputShape));
    const layers = layerArrays(model, blob);
    model.dispose();
    const epochs = await batchesOf(data.train, spec.epochs, blob);
    const [test] = await batchesOf(data.test, 1, blob);
    const { lr, momentum, weightDecay, nesterov, schedule, gamma } = spec;
    return { spec: resolveSpec(modelSpecOf(spec, data.numClasses, data.inputShape)), layers, epochs, test, lr, momentum, weightDecay, nesterov, schedule, gamma, dtypes };
  } finally {
    await data.close();
  }
}

interface TorchRun {
  epochs: Array<{ lr: number; trainLoss: number; testLoss: number; testError: number }>;
  layers: Array<{ name: string; arrays: ArrayRef[] }>;
}

/** A child process's exit status and output, without blocking the event loop (a run of ours may share it). */
function exec(command: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const text = (stream: NodeJS.ReadableStream) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    return () => Buffer.concat(chunks).toString('utf8');
  };
  const [stdout, stderr] = [text(child.stdout), text(child.stderr)];
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: stdout(), stderr: stderr() }));
  });
}

/** Run torch_steps.py on the cases' manifest entries; per case, the outcome of each dtype it asked for. */
export async function runTorch(python: string, manifest: readonly object[], blob: Blob): Promise<Array<Partial<Record<TorchDtype, RunOutcome>>>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fidelity-torch-'));
  try {
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(path.join(dir, 'in.f32'), blob.bytes());
    const out = path.join(dir, 'out.f32');
    const run = await exec(python, [STEPS_SCRIPT, path.join(dir, 'manifest.json'), path.join(dir, 'in.f32'), TORCH_NETS_DIR, out]);
    assert.equal(run.status, 0, `PyTorch steps failed: ${run.stderr}`);
    const bytes = readFileSync(out);
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const results = JSON.parse(run.stdout) as Array<Partial<Record<TorchDtype, TorchRun>>>;
    return results.map((byDtype) =>
      Object.fromEntries(Object.entries(byDtype).map(([dtype, r]) => [dtype, torchOutcome(r as TorchRun, values)])),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function torchOutcome(run: TorchRun, values: Float32Array): RunOutcome {
  const layers: Layers = new Map(
    run.layers.map(({ name, arrays }) => [name, arrays.map((a) => values.subarray(a.offset, a.offset + a.shape.reduce((x, y) => x * y, 1)))]),
  );
  const epoch = <K extends keyof TorchRun['epochs'][number]>(key: K) => run.epochs.map((e) => e[key]);
  return { lr: epoch('lr'), trainLoss: epoch('trainLoss'), testLoss: epoch('testLoss'), testError: epoch('testError'), layers };
}

/** Which arrays a comparison covers: convolution and dense weights, BatchNorm gamma, beta, running statistics. */
export type Kind = 'weights' | 'gamma' | 'beta' | 'running';

export const KINDS: readonly Kind[] = ['weights', 'gamma', 'beta', 'running'];

const kindOf = (arrays: readonly Float32Array[], k: number): Kind => (arrays.length === 4 ? (['gamma', 'beta', 'running', 'running'] as const)[k] : 'weights');

/** ||a - b|| / ||b|| over the arrays of `kind` of every layer. */
export function relativeError(a: Layers, b: Layers, kind: Kind): number {
  let num = 0;
  let den = 0;
  for (const [name, arrays] of b) {
    const mine = a.get(name);
    assert.ok(mine && mine.length === arrays.length, `layer ${name} with ${arrays.length} arrays`);
    arrays.forEach((values, k) => {
      if (kindOf(arrays, k) !== kind) return;
      assert.equal(mine[k].length, values.length, `${name} array ${k}`);
      for (let i = 0; i < values.length; i++) {
        num += (mine[k][i] - values[i]) ** 2;
        den += values[i] ** 2;
      }
    });
  }
  return Math.sqrt(num / den);
}

/** Whether the Fashion-MNIST files can be found. */
export async function fashionMnistPresent(): Promise<boolean> {
  try {
    await loadDataset('fashion-mnist', { split: 'test' });
    return true;
  } catch {
    return false;
  }
}
