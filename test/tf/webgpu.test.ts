/**
 * The webgpu backend on the adapter this machine has (in CI Dawn's OpenGL backend on Mesa's llvmpipe,
 * a software rasteriser; on a GPU machine the GPU) against the CPU: the output and gradients of every
 * kernel the models train with against the cpu backend; whole-model gradients of each architecture, a
 * few-step loss curve of the trainer's step, flat tensor counts and one `train` run end to end against
 * the CPU training path, wasm (whose kernels test/tf checks against cpu; the cpu backend itself takes
 * seconds per step of even a tiny ResNet). Skipped, saying why, where webgpu cannot start (the
 * optional packages or the Mesa EGL/GL libraries missing).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Batch } from '../../src/data/batch.js';
import { buildModel, TorchBatchNorm, type ModelSpec } from '../../src/models/index.js';
import { setupBackend, type BackendInfo } from '../../src/tf/backend.js';
import { groupedConv2d } from '../../src/tf/grouped-conv.js';
import { tf, type tfl } from '../../src/tf/tf.js';
import { describeAdapter } from '../../src/tf/webgpu.js';
import { crossEntropy } from '../../src/train/metrics.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep } from '../../src/train/step.js';
import { train } from '../../src/train/trainer.js';
import { tempDir, tinyData } from '../train/fixtures.js';
import { FUSED_KERNEL_NAMES } from '../../src/tf/kernels/index.js';
import { relativeError, seededValues } from './helpers.js';

const started: BackendInfo | Error = await setupBackend({ backend: 'webgpu' }).catch((error: Error) => error);
const adapter = started instanceof Error ? undefined : started.adapter;
const skip = started instanceof Error ? `webgpu cannot start here, tests skipped: ${started.message}` : false;
console.log(adapter ? `webgpu tests run on ${describeAdapter(adapter)}` : skip);

type Backend = 'cpu' | 'wasm' | 'webgpu';

/** Run `f` on `backend` and read its output tensors (disposed). */
async function valuesOn(backend: Backend, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  try {
    return (await Promise.all(out.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(out);
  }
}

/** Largest relative error of each output of `f` on webgpu against `reference`. */
async function webgpuError(f: () => tf.Tensor[], reference: Backend = 'cpu'): Promise<number[]> {
  const expected = await valuesOn(reference, f);
  const actual = await valuesOn('webgpu', f);
  assert.equal(actual.length, expected.length);
  return actual.map((a, i) => relativeError(a, expected[i]));
}

const seeded = (shape: number[], seed: number) => tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape);

/**
 * Gradients of sum(op(inputs) · r), r a fixed random weighting of the output, with respect to every
 * input, with the output itself.
 */
function gradientsOf(op: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][]): () => tf.Tensor[] {
  return () => {
    const inputs = shapes.map((shape, i) => seeded(shape, 11 + i));
    const output = op(...inputs);
    const weights = seeded(output.shape, 99);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), weights)))(inputs);
    return [output, ...grads];
  };
}

/** Every kernel the models train with, at small shapes: the op and its inputs' shapes. */
const KERNELS: Record<string, { op: (...xs: tf.Tensor[]) => tf.Tensor; shapes: number[][] }> = {
  'conv2d 3x3 stride 1 same': { op: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), shapes: [[2, 6, 6, 3], [3, 3, 3, 4]] },
  'conv2d 3x3 stride 2 pad 1': { op: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]), shapes: [[2, 7, 7, 4], [3, 3, 4, 5]] },
  'conv2d 1x1 stride 2 (projection)': { op: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid'), shapes: [[2, 6, 6, 4], [1, 1, 4, 8]] },
  'grouped conv 3x3 groups 2 stride 2': { op: (x, w) => groupedConv2d(x as tf.Tensor4D, w as tf.Tensor4D, { groups: 2, strides: 2, pad: 1 }), shapes: [[2, 6, 6, 4], [3, 3, 2, 6]] },
  'batchNorm (inference)': { op: (x, m, v, b, g) => tf.batchNorm(x as tf.Tensor4D, m as tf.Tensor1D, tf.add(tf.abs(v), 0.5) as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5), shapes: [[2, 4, 4, 3], [3], [3], [3], [3]] },
  'relu and residual add': { op: (a, b) => tf.relu(tf.add(a, b)), shapes: [[2, 4, 4, 3], [2, 4, 4, 3]] },
  'global average pool': { op: (x) => tf.mean(x, [1, 2]), shapes: [[2, 4, 4, 6]] },
  'dense (matMul + bias)': { op: (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b), shapes: [[4, 6], [6, 3], [3]] },
  'dropout mask (seeded)': { op: (x) => tf.dropout(x, 0.3, undefined, 5), shapes: [[2, 4, 4, 3]] },
};

/** The model specs checked, one per architecture (preresnet18 is wrn's pre-activation network with fixed widths, too wide for a software adapter). */
const MODELS: ModelSpec[] = [
  { arch: 'resnet', depth: 8, numClasses: 5, inputShape: [8, 8, 3], seed: 1 },
  { arch: 'wrn', depth: 10, widenFactor: 1, drop: 0.3, numClasses: 5, inputShape: [8, 8, 3], seed: 1 },
  { arch: 'resnext', depth: 11, cardinality: 2, baseWidth: 2, numClasses: 5, inputShape: [8, 8, 3], seed: 1 },
];

/** The first `count` training batches of the tiny data (16 samples of 8x8x1, 3 classes). */
async function firstBatches(count: number): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of tinyData(4).train.epoch(0)) if (batches.length < count) batches.push(batch);
  return batches;
}

/** Copy `from`'s weights into `to` (models of one spec built on different backends). */
async function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel): Promise<void> {
  const values = await Promise.all(from.getWeights().map(async (w) => ({ shape: w.shape, values: await w.data() })));
  const tensors = values.map((v) => tf.tensor(v.values, v.shape));
  to.setWeights(tensors);
  tf.dispose(tensors);
}

describe(`webgpu backend against the CPU backends (${adapter ? describeAdapter(adapter) : 'no adapter'})`, { skip }, () => {
  it('reports the adapter: vendor, architecture, device, software or hardware, limits', () => {
    assert.ok(adapter);
    assert.ok([adapter.vendor, adapter.architecture, adapter.device, adapter.description].some((s) => s !== ''), 'the adapter is named');
    assert.equal(typeof adapter.software, 'boolean');
    assert.ok(adapter.limits.maxStorageBufferBindingSize >= 1 << 27, `storage buffers of ${adapter.limits.maxStorageBufferBindingSize} bytes`);
    assert.ok(['core', 'compatibility'].includes(adapter.featureLevel));
  });

  it('every kernel a training step of each architecture calls (convolution dropout included) is registered on webgpu', async () => {
    const [batch] = await firstBatches(1);
    const used = new Set<string>();
    // Both wasm paths (with and without the native kernels): between them, every kernel a step may call.
    for (const native of [undefined, false]) {
      await setupBackend({ backend: 'wasm', native });
      for (const spec of [...MODELS, { ...MODELS[0], convDropout: 0.1 }]) {
        const model = buildModel({ ...spec, numClasses: 3, inputShape: [8, 8, 1] });
        const sgd = new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 5e-4, nesterov: true });
        const profile = await tf.profile(async () => void (await trainStep(model, sgd, batch, 0.1, 0.1, 8)));
        profile.kernelNames.forEach((name) => used.add(name));
        sgd.dispose();
        model.dispose();
      }
    }
    // The profile also names op scopes (fusedConv2d__op, …): kernels are the names a backend registers.
    // Our fused kernels (batch norm, ReLU gradient, SGD) run only where registered; elsewhere their composed ops do.
    const kernels = [...used].filter((name) => (tf.getKernel(name, 'cpu') !== undefined || tf.getKernel(name, 'wasm') !== undefined) && !FUSED_KERNEL_NAMES.includes(name)).sort();
    assert.ok(kernels.length >= 20, `kernels used: ${kernels.join(', ')}`);
    assert.deepEqual(kernels.filter((name) => tf.getKernel(name, 'webgpu') === undefined), [], `kernels used: ${kernels.join(', ')}`);
  });

  for (const [name, { op, shapes }] of Object.entries(KERNELS)) {
    it(`${name}: output and input gradients within 1e-4 of cpu`, async () => {
      const errors = await webgpuError(gradientsOf(op, shapes));
      errors.forEach((e, i) => assert.ok(e <= 1e-4, `${i === 0 ? 'output' : `gradient ${i}`}: relative error ${e}`));
    });
  }

  it('TorchBatchNorm training: output, gradients of x, gamma and beta, and the running statistics within 1e-4 of cpu', async () => {
    const errors = await webgpuError(() => {
      const layer = new TorchBatchNorm({ name: 'bn' });
      layer.build([null, 4, 4, 3]);
      const x = tf.variable(seeded([4, 4, 4, 3], 21));
      const weights = seeded([4, 4, 4, 3], 22);
      const vars = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(tf.mul(x, 3), { training: true }) as tf.Tensor, weights)), vars);
      const running = layer.getWeights().slice(2).map((t) => tf.clone(t));
      const out = [value, ...vars.map((v) => grads[v.name]), ...running];
      layer.weights.forEach((w) => w.dispose());
      x.dispose();
      return out;
    });
    errors.forEach((e, i) => assert.ok(e <= 1e-4, `output ${i}: relative error ${e}`));
  });

  for (const spec of MODELS) {
    it(`${spec.arch}: loss and every weight gradient of a training-mode pass within 1e-3 of wasm`, async () => {
      await setupBackend({ backend: 'wasm' });
      const reference = buildModel(spec);
      await tf.setBackend('webgpu');
      const model = buildModel(spec);
      await copyWeights(reference, model);
      const pass = (m: tfl.LayersModel) => () => {
        const x = seeded([4, ...spec.inputShape], 31);
        const y = tf.tensor1d([0, 1, 2, 3], 'int32');
        const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => crossEntropy(m.apply(x, { training: true }) as tf.Tensor2D, y, 0.1), vars);
        return [value, ...vars.map((v) => grads[v.name])];
      };
      const expected = await valuesOn('wasm', pass(reference));
      const actual = await valuesOn('webgpu', pass(model));
      const worst = Math.max(...actual.map((a, i) => relativeError(a, expected[i])));
      assert.ok(worst <= 1e-3, `largest relative error over ${actual.length - 1} gradients: ${worst}`);
      assert.ok(Math.abs(actual[0][0] - expected[0][0]) <= 1e-4, `loss ${actual[0][0]} vs ${expected[0][0]}`);
      reference.dispose();
      model.dispose();
    });
  }

  it('the trainer step (micro-batches of 8) gives the wasm loss curve within 1e-3, the loss falls, and no tensor leaks', async () => {
    const spec: ModelSpec = { arch: 'resnet', depth: 8, numClasses: 3, inputShape: [8, 8, 1], seed: 2 };
    const batches = await firstBatches(3);
    const curve = async (backend: Backend, model: tfl.LayersModel): Promise<{ losses: number[]; tensors: number[] }> => {
      await tf.setBackend(backend);
      const sgd = new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 5e-4, nesterov: false });
      const losses: number[] = [];
      const tensors: number[] = [];
      for (let step = 0; step < 6; step++) {
        losses.push((await trainStep(model, sgd, batches[step % batches.length], 0.1, 0, 8)).loss);
        tensors.push(tf.memory().numTensors);
      }
      sgd.dispose();
      return { losses, tensors };
    };
    await setupBackend({ backend: 'wasm' });
    const reference = buildModel(spec);
    await tf.setBackend('webgpu');
    const model = buildModel(spec);
    await copyWeights(reference, model);
    const cpu = await curve('wasm', reference);
    const gpu = await curve('webgpu', model);
    gpu.losses.forEach((loss, i) => assert.ok(Math.abs(loss - cpu.losses[i]) <= 1e-3 * Math.max(1, cpu.losses[i]), `step ${i}: ${loss} vs ${cpu.losses[i]}`));
    assert.ok(gpu.losses.at(-1)! < gpu.losses[0], `loss fell: ${gpu.losses.map((l) => l.toFixed(4)).join(' ')}`);
    assert.deepEqual(gpu.tensors.slice(1), gpu.tensors.slice(1).map(() => gpu.tensors[1]), 'numTensors flat from step 2 on');
    reference.dispose();
    model.dispose();
  });

  it('train() runs end to end on webgpu on one thread, records the adapter, and follows the wasm run', async () => {
    const run = async (backend: Backend) => {
      const dir = await tempDir('re-webgpu-');
      const spec = { arch: 'resnet' as const, depth: 8, epochs: 2, schedule: [1], lr: 0.05, trainBatch: 16, microBatch: 8, seed: 5 };
      const result = await train({ spec, runtime: { checkpoint: dir, backend, threads: 3 } }, { data: tinyData(5) });
      return { result, config: JSON.parse(await readFile(`${dir}/config.json`, 'utf8')) };
    };
    const gpu = await run('webgpu');
    assert.equal(gpu.result.runtime.backend, 'webgpu');
    assert.equal(gpu.result.runtime.threads, 1, 'webgpu computes each step on one thread');
    assert.equal(gpu.config.runtime.threads, 1);
    assert.deepEqual(gpu.config.adapter, adapter);
    const cpu = await run('wasm');
    assert.equal(cpu.config.adapter, undefined);
    assert.equal(gpu.result.epochs, 2);
    gpu.result.history.forEach((r, i) => {
      const c = cpu.result.history[i];
      assert.ok(Math.abs(r.trainLoss - c.trainLoss) <= 1e-3, `epoch ${i + 1} train loss ${r.trainLoss} vs ${c.trainLoss}`);
      assert.ok(Math.abs(r.testLoss - c.testLoss) <= 1e-3, `epoch ${i + 1} test loss ${r.testLoss} vs ${c.testLoss}`);
    });
  });
});
