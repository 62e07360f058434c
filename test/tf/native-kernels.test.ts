/**
 * The native oneDNN kernels (`npm run build:native`) against the cpu backend and the pure wasm
 * kernels: every convolution geometry of the wasm tests plus batches that span several native
 * tasks, forward (with bias and ReLU fused) and both gradients; the batch-norm kernels, alone and
 * with the ReLU fused; results
 * bit-identical for any thread count and run to run. Skipped when the addon is not built, unless
 * RANDOM_ERASING_REQUIRE_NATIVE=1 (CI), where a missing addon fails.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from '../../src/tf/kernels/native-batch-norm.js';
import { RELU_GRAD } from '../../src/tf/kernels/native-relu.js';
import { setupBackend } from '../../src/tf/backend.js';
import { activeNative, loadNativeAddon } from '../../src/tf/native-addon.js';
import { tf } from '../../src/tf/tf.js';
import { cases, label, outShape, type Case } from './conv-cases.js';
import { relativeError, runKernelOn, seededInput, type KernelResult } from './helpers.js';
import { nativeSkip } from './native-availability.js';

const skip = nativeSkip;

/** Batches of several native tasks (16 images each): partial filter gradients summed across tasks. */
const MULTI_TASK: Case[] = [
  { batch: 37, height: 9, width: 9, kernel: 3, stride: 1, pad: 'same', inChannels: 5, outChannels: 7 },
  { batch: 33, height: 8, width: 11, kernel: 3, stride: 2, pad: 'same', inChannels: 16, outChannels: 32 },
  { batch: 20, height: 7, width: 7, kernel: 1, stride: 2, pad: 'valid', inChannels: 8, outChannels: 16 },
];

type Inputs = Parameters<typeof runKernelOn>[2];

/** Runs a kernel on wasm with the native kernels on and returns its output. */
async function runNative(name: string, inputs: Inputs, attrs: Record<string, unknown>): Promise<KernelResult> {
  await setupBackend({ backend: 'wasm', native: true });
  return runKernelOn('wasm', name, inputs, attrs);
}

async function runPureWasm(name: string, inputs: Inputs, attrs: Record<string, unknown>): Promise<KernelResult> {
  await setupBackend({ backend: 'wasm', native: false });
  return runKernelOn('wasm', name, inputs, attrs);
}

function assertClose(actual: KernelResult, expected: KernelResult, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, what);
  const error = relativeError(actual.values, expected.values);
  assert.ok(error <= 1e-4, `${what}: relative error ${error}`);
}

/** Native against cpu and against the pure wasm kernels, each at 1e-4. */
async function expectAllPathsAgree(name: string, inputs: Inputs, attrs: Record<string, unknown>): Promise<void> {
  const cpu = await runKernelOn('cpu', name, inputs, attrs);
  const native = await runNative(name, inputs, attrs);
  const wasm = await runPureWasm(name, inputs, attrs);
  assertClose(native, cpu, 'native vs cpu');
  assertClose(native, wasm, 'native vs pure wasm');
}

function convInputs(c: Case) {
  const xShape = [c.batch, c.height, c.width, c.inChannels];
  const filterShape = [c.kernel, c.kernel, c.inChannels, c.outChannels];
  const common = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  return { xShape, filterShape, common };
}

describe('native convolution kernels match cpu and the pure wasm kernels', { skip }, () => {
  for (const c of [...cases(), ...MULTI_TASK]) {
    const { xShape, filterShape, common } = convInputs(c);

    it(`Conv2DBackpropFilter ${label(c)}`, async () => {
      const inputs = { x: seededInput(xShape, 1), dy: seededInput(outShape(c), 2) };
      await expectAllPathsAgree(tf.Conv2DBackpropFilter, inputs, { ...common, filterShape });
    });

    it(`Conv2DBackpropInput ${label(c)}`, async () => {
      const inputs = { dy: seededInput(outShape(c), 3), filter: seededInput(filterShape, 4) };
      await expectAllPathsAgree(tf.Conv2DBackpropInput, inputs, { ...common, inputShape: xShape });
    });

    it(`Conv2D and FusedConv2D (bias, ReLU) ${label(c)}`, async () => {
      const inputs = { x: seededInput(xShape, 5), filter: seededInput(filterShape, 6) };
      const attrs = { ...common, dilations: [1, 1] };
      await expectAllPathsAgree(tf.Conv2D, inputs, attrs);
      const bias = seededInput([c.outChannels], 7);
      await expectAllPathsAgree(tf.FusedConv2D, { ...inputs, bias }, { ...attrs, activation: 'relu' });
    });
  }
});

/**
 * The two batch-norm kernels' outputs on wasm (native) as plain arrays: y, mean, variance, dx, dgamma,
 * dbeta. With `relu` the kernels run with the ReLU fused.
 */
async function batchNormOnNative(x: Inputs[string], gamma: Inputs[string], beta: Inputs[string], dy: Inputs[string], relu = false) {
  await setupBackend({ backend: 'wasm', native: true });
  return tf.tidy(() => {
    const t = (v: Inputs[string]) => tf.tensor(v.values, v.shape);
    const [xs, g, b] = [t(x), t(gamma), t(beta)];
    const attrs = { epsilon: 1e-5, relu };
    const [y, mean, variance, scale] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x: xs, gamma: g, beta: b }, attrs) as tf.Tensor[];
    const inputs = { dy: t(dy), x: xs, gamma: g, mean, variance, ...(relu ? { beta: b, scale } : {}) };
    const backward = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, inputs, attrs) as tf.Tensor[];
    return [y, mean, variance, ...backward].map((r) => r.dataSync() as Float32Array);
  });
}

/** The batch-norm kernels without the ReLU, then the ReLU and its gradient as separate kernels. */
async function batchNormThenReluOnNative(x: Inputs[string], gamma: Inputs[string], beta: Inputs[string], dy: Inputs[string]) {
  await setupBackend({ backend: 'wasm', native: true });
  return tf.tidy(() => {
    const t = (v: Inputs[string]) => tf.tensor(v.values, v.shape);
    const [xs, g] = [t(x), t(gamma)];
    const attrs = { epsilon: 1e-5, relu: false };
    const [pre, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x: xs, gamma: g, beta: t(beta) }, attrs) as tf.Tensor[];
    const dz = tf.engine().runKernel(RELU_GRAD, { dy: t(dy), x: pre }) as tf.Tensor;
    const backward = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { dy: dz, x: xs, gamma: g, mean, variance }, attrs) as tf.Tensor[];
    return [tf.relu(pre), mean, variance, ...backward].map((r) => r.dataSync() as Float32Array);
  });
}

/** The same quantities from the plain formula (then a ReLU with `relu`) by autodiff on cpu. */
async function batchNormOnCpu(x: Inputs[string], gamma: Inputs[string], beta: Inputs[string], dy: Inputs[string], relu = false) {
  await tf.setBackend('cpu');
  return tf.tidy(() => {
    const t = (v: Inputs[string]) => tf.tensor(v.values, v.shape);
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, axes);
      const y = tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
      return relu ? tf.relu(y) : y;
    };
    const [xs, g, b, d] = [t(x), t(gamma), t(beta), t(dy)];
    const { mean, variance } = tf.moments(xs, axes);
    const grads = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(a, gg, bb), d)))([xs, g, b]);
    return [f(xs, g, b), mean, variance, ...grads].map((r) => r.dataSync() as Float32Array);
  });
}

describe('native batch-norm kernels', { skip }, () => {
  const SHAPES = [
    [3, 5, 6, 4],
    [40, 8, 8, 16],
    [2, 3, 3, 1],
  ];
  for (const [shape, relu] of SHAPES.flatMap((shape) => [false, true].map((relu) => [shape, relu] as const))) {
    it(`forward (y, mean, variance) and gradients (dx, dgamma, dbeta) match autodiff on cpu for [${shape}]${relu ? ', ReLU fused' : ''}`, async () => {
      const channels = shape[3];
      // An offset mean and a spread well away from 1, where a one-pass variance would lose digits.
      const x = seededInput(shape, 11);
      x.values = x.values.map((v) => 3 + 2.5 * v);
      const [gamma, beta, dy] = [seededInput([channels], 12), seededInput([channels], 13), seededInput(shape, 14)];
      const native = await batchNormOnNative(x, gamma, beta, dy, relu);
      const cpu = await batchNormOnCpu(x, gamma, beta, dy, relu);
      const names = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
      names.forEach((name, i) => {
        const error = relativeError(native[i], cpu[i]);
        assert.ok(error <= 1e-4, `${name}: relative error ${error}`);
      });
    });
  }
});

describe('native batch norm with the ReLU fused', { skip }, () => {
  for (const shape of [
    [3, 5, 6, 4],
    [40, 8, 8, 16],
  ]) {
    it(`equals the kernels without it, then Relu and ReluGrad, bit for bit, for [${shape}]`, async () => {
      const channels = shape[3];
      const [x, gamma, beta, dy] = [seededInput(shape, 41), seededInput([channels], 42), seededInput([channels], 43), seededInput(shape, 44)];
      const fused = await batchNormOnNative(x, gamma, beta, dy, true);
      const separate = await batchNormThenReluOnNative(x, gamma, beta, dy);
      const names = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
      names.forEach((name, i) => assert.deepEqual(fused[i], separate[i], name));
      const zeros = fused[0].filter((v) => v === 0).length;
      assert.ok(zeros > fused[0].length / 4 && zeros < (3 * fused[0].length) / 4, `the ReLU zeroes some outputs, not all (${zeros})`);
    });
  }

  it('refuses a fused gradient without the forward scale and beta', async () => {
    await setupBackend({ backend: 'wasm', native: true });
    const x = tf.ones([2, 2, 2, 2]);
    const c = tf.ones([2]);
    assert.throws(
      () => tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { dy: x, x, gamma: c, mean: c, variance: c }, { epsilon: 1e-5, relu: true }),
      /with relu needs inputs beta and scale/,
    );
    tf.dispose([x, c]);
  });
});

describe('native ReLU and its gradient', { skip }, () => {
  it('equal cpu exactly, NaN, zero and negative zero included', async () => {
    const values = Float32Array.from([...seededInput([4, 7, 9, 5], 31).values, NaN, 0, -0, -3, 2]);
    const dys = Float32Array.from([...seededInput([4, 7, 9, 5], 32).values, 1, 1, 1, NaN, 2]);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor1d(values);
        const [y, dx] = [tf.relu(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), tf.tensor1d(dys))))(x)];
        return [y.dataSync(), dx.dataSync()].map((v) => Array.from(v));
      });
    await setupBackend({ backend: 'cpu' });
    const cpu = run();
    await setupBackend({ backend: 'wasm', native: true });
    assert.deepEqual(run(), cpu);
  });
});

/** Outputs of a filter gradient, an input gradient and a batch norm on the native kernels. */
async function nativeOutputs(threads: number): Promise<Float32Array[]> {
  await setupBackend({ backend: 'wasm', native: true, threads });
  const c = MULTI_TASK[0];
  const { xShape, filterShape, common } = convInputs(c);
  const dw = await runKernelOn('wasm', tf.Conv2DBackpropFilter, { x: seededInput(xShape, 21), dy: seededInput(outShape(c), 22) }, { ...common, filterShape });
  const dx = await runKernelOn('wasm', tf.Conv2DBackpropInput, { dy: seededInput(outShape(c), 23), filter: seededInput(filterShape, 24) }, { ...common, inputShape: xShape });
  const bnShape = [64, 16, 16, 8];
  const bnInputs = [seededInput(bnShape, 25), seededInput([8], 26), seededInput([8], 27), seededInput(bnShape, 28)] as const;
  const bn = await batchNormOnNative(...bnInputs);
  const bnRelu = await batchNormOnNative(...bnInputs, true);
  return [dw.values, dx.values, ...bn, ...bnRelu];
}

describe('native kernels are deterministic', { skip }, () => {
  let reference: Float32Array[];
  before(async () => {
    reference = await nativeOutputs(1);
  });

  for (const threads of [1, 2, 3, 7]) {
    it(`gives bit-identical results with ${threads} thread(s)`, async () => {
      const outputs = await nativeOutputs(threads);
      outputs.forEach((values, i) => assert.deepEqual(values, reference[i], `output ${i}`));
    });
  }

  it('reports the thread count it runs with', async () => {
    const info = await setupBackend({ backend: 'wasm', native: true, threads: 3 });
    assert.equal(info.native.threads, 3);
    assert.equal(activeNative()?.info().threads, 3);
  });
});

describe('native addon argument checks', { skip }, () => {
  it('rejects arrays of the wrong length instead of writing out of bounds', async () => {
    const addon = await loadNativeAddon();
    const geometry = Int32Array.of(1, 4, 4, 2, 4, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
    const small = new Float32Array(3);
    assert.throws(() => addon.convBackwardWeights(geometry, new Float32Array(32), new Float32Array(32), small), /dw has 3 values, expected 36/);
    const two = new Float32Array(2);
    assert.throws(() => addon.batchNormForward(4, 2, new Float32Array(8), small, small, 1e-5, false, small, small, small, small), /gamma has 3 values, expected 2/);
    const eight = new Float32Array(8);
    assert.throws(
      () => addon.batchNormBackward(4, 2, eight, eight, two, two, two, 1e-5, two, null, eight, two, two),
      /reluScale and reluBeta must both be given or both be null/,
    );
    assert.throws(() => addon.setThreads(0), /threads must be a positive integer/);
  });
});
