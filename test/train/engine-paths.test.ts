/**
 * The trainer's step (our ResNet with TorchBatchNorm, PyTorch SGD) on the three engine paths: cpu,
 * wasm with the pure wasm kernels, and wasm with the native oneDNN kernels. Same weights and data
 * give the same losses within 1e-4 on every path and the same weights within 1e-4 on native; the
 * native path repeats bit for bit for any thread count; no path leaks tensors.
 *
 * The pure wasm path's weights agree only to ~1e-3: its batch-norm reductions (Σdy over N·H·W)
 * accumulate in float32 (XNNPACK pooling), and the gradient of a convolution followed by batch
 * norm is a small difference of large sums, so early layers' gradients carry relative errors of
 * ~1e-2 here (cpu and native accumulate those sums in double). The native cases are skipped when the addon is not built (unless
 * RANDOM_ERASING_REQUIRE_NATIVE=1, as in CI).
 */
import type { Batch } from '../../src/data/batch.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { LayerFactory } from '../../src/models/layer-factory.js';
import { projection } from '../../src/models/resnet.js';
import { setupBackend, type SetupBackendOptions } from '../../src/tf/backend.js';
import { tf, tfl } from '../../src/tf/tf.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep } from '../../src/train/step.js';
import { nativeSkip } from '../tf/native-availability.js';

const skip = nativeSkip;

const SHAPE: [number, number, number] = [8, 8, 3];
const STEPS = 4;

/** 18 seeded samples: two native tasks of 9 images per convolution. */
function batch(): Batch {
  const rng = Rng.fromSeed(3);
  const count = 18;
  const x = Float32Array.from({ length: count * SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => rng.normal());
  const y = Int32Array.from({ length: count }, (_, i) => i % 4);
  return { x, y, count, height: SHAPE[0], width: SHAPE[1], channels: SHAPE[2] };
}

interface Run {
  losses: number[];
  weights: Float32Array[];
  tensorsPerStep: number[];
}

/**
 * A narrow ResNet from the model layers (TorchBatchNorm, PyTorch padding and initialisation): stem,
 * one basic block at stride 1 and one at stride 2 with a 1x1 projection, pool, linear. Narrow
 * because the cpu backend's filter gradient is slow.
 */
function smallResNet(): tfl.LayersModel {
  const f = new LayerFactory(1, 0);
  const input = tfl.input({ shape: SHAPE });
  let x = f.bnRelu(f.conv(input, { filters: 6, kernel: 3, name: 'stem' }), 'stem');
  for (const [filters, stride, name] of [[6, 1, 'a'], [10, 2, 'b']] as const) {
    const h = f.bnRelu(f.conv(x, { filters, kernel: 3, stride, name: `${name}1` }), `${name}1`);
    const branch = f.bn(f.conv(h, { filters, kernel: 3, name: `${name}2` }), `${name}2_bn`);
    x = f.relu(f.add(branch, projection(f, x, filters, stride, name), `${name}_add`), `${name}_out`);
  }
  return tfl.model({ inputs: input, outputs: f.classifier(x, 4) });
}

/** The small ResNet trained STEPS steps on one path. */
async function train(options: SetupBackendOptions): Promise<Run> {
  await setupBackend(options);
  const model = smallResNet();
  const sgd = new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const data = batch();
  const losses: number[] = [];
  const tensorsPerStep: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    losses.push((await trainStep(model, sgd, data, 0.05, 0.1)).loss);
    tensorsPerStep.push(tf.memory().numTensors);
  }
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  sgd.dispose();
  model.dispose();
  return { losses, weights, tensorsPerStep };
}

function assertSameRun(actual: Run, expected: Run, tolerance: number, what: string, weightTolerance = tolerance): void {
  actual.losses.forEach((loss, i) => {
    const bound = tolerance * Math.max(1, Math.abs(expected.losses[i]));
    assert.ok(Math.abs(loss - expected.losses[i]) <= bound, `${what}, step ${i}: loss ${loss} vs ${expected.losses[i]}`);
  });
  actual.weights.forEach((w, i) => {
    let diff = 0;
    let scale = 0;
    for (let j = 0; j < w.length; j++) {
      diff = Math.max(diff, Math.abs(w[j] - expected.weights[i][j]));
      scale = Math.max(scale, Math.abs(expected.weights[i][j]));
    }
    assert.ok(diff <= weightTolerance * Math.max(1, scale), `${what}, weight ${i}: differs by ${diff}`);
  });
}

describe('trainer step on every engine path', () => {
  let cpu: Run;

  it('cpu: the loss falls and no tensor leaks', async () => {
    cpu = await train({ backend: 'cpu' });
    assert.ok(cpu.losses[STEPS - 1] < cpu.losses[0], `losses ${cpu.losses.join(', ')}`);
    assert.equal(cpu.tensorsPerStep.at(-1), cpu.tensorsPerStep[1], `tensors per step ${cpu.tensorsPerStep.join(', ')}`);
  });

  it('pure wasm kernels match cpu (losses 1e-4, weights 2e-3) and do not leak', async () => {
    const wasm = await train({ backend: 'wasm', native: false });
    assertSameRun(wasm, cpu, 1e-4, 'wasm vs cpu', 2e-3);
    assert.equal(wasm.tensorsPerStep.at(-1), wasm.tensorsPerStep[1]);
  });

  it('native kernels match cpu within 1e-4 (and pure wasm as closely as it matches cpu) and do not leak', { skip }, async () => {
    const native = await train({ backend: 'wasm', native: true, threads: 2 });
    const wasm = await train({ backend: 'wasm', native: false });
    assertSameRun(native, cpu, 1e-4, 'native vs cpu');
    assertSameRun(native, wasm, 1e-4, 'native vs wasm', 2e-3);
    assert.equal(native.tensorsPerStep.at(-1), native.tensorsPerStep[1]);
  });

  it('native kernels give bit-identical training with 1 and 3 threads', { skip }, async () => {
    const one = await train({ backend: 'wasm', native: true, threads: 1 });
    const three = await train({ backend: 'wasm', native: true, threads: 3 });
    assert.deepEqual(three.losses, one.losses);
    three.weights.forEach((w, i) => assert.deepEqual(w, one.weights[i], `weight ${i}`));
  });
});
