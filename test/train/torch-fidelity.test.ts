/**
 * Training fidelity against PyTorch: our trainer (`train`: data pipeline with Random Erasing, SGD with
 * momentum and weight decay, step LR schedule, last partial batch, BatchNorm running statistics,
 * eval-mode test pass) trains ResNet-20 for two epochs of three batches (the last one partial) on a
 * Fashion-MNIST subset, and PyTorch runs the reference script's loop from the same initial weights on the
 * same batches (torch-steps.ts). Skipped when python3 with torch or the Fashion-MNIST files are missing.
 *
 * Why the learning rate is 0.001 and not the recipe's 0.1: from initialisation at LR 0.1, float32
 * rounding alone makes trajectories part within a few steps (PyTorch float32 and float64 runs of these
 * batches differ by 1e-2, global relative weight error, after six steps; ours by as much: see
 * `npm run bench fidelity -- --steps-only`), so no float32 trainer could meet a 1e-4 bound there. At 0.001
 * that drift is 2e-5. Weight decay is 0.05 so that lr x decay equals the recipe's (0.1 x 5e-4): decay
 * shrinks every weight as much per step as in the recipe, and decay missing on BatchNorm parameters
 * (3e-4 on gamma), Keras-style momentum with the LR inside the buffer (5e-4 on weights) or an LR
 * schedule off by one epoch break these bounds.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Blob, findTorchPython } from '../models/torch-python.js';
import { fashionMnistPresent, KINDS, relativeError, runOurs, runTorch, type Kind, type RunOutcome, type StepCase } from './torch-steps.js';

const HYPER = { lr: 0.001, weightDecay: 0.05, dtypes: ['float32'] } as const;

const CASES: StepCase[] = [
  { name: 'wasm, no erasing', backend: 'wasm', p: 0, trainBatch: 32, trainSubset: 80, testSubset: 100, ...HYPER },
  { name: 'wasm, Random Erasing p 0.5', backend: 'wasm', p: 0.5, trainBatch: 32, trainSubset: 80, testSubset: 100, ...HYPER },
  { name: 'cpu, Random Erasing p 0.5, 8x8 crops', backend: 'cpu', p: 0.5, trainBatch: 2, trainSubset: 3, testSubset: 4, crop: 8, ...HYPER },
];

/**
 * Bounds on ||ours - PyTorch|| / ||PyTorch|| per kind after the six steps. Float32 drift measured for
 * the wasm cases: weights 2e-5, gamma 2e-6, running 3e-4, beta 4e-2, the same for PyTorch float32 against
 * float64. Beta's gradient is a small difference of large sums (the next BatchNorm removes most of a
 * shift), so its relative error is large in any float32 run.
 */
const BOUNDS: Record<Kind, number> = { weights: 1e-4, gamma: 1e-4, running: 2e-3, beta: 0.15 };
/** Bound on the relative difference of each epoch's mean training loss and test loss. */
const LOSS_BOUND = 2e-4;

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('training matches PyTorch step for step (ResNet-20, two epochs, LR step, momentum, weight decay)', async () => {
  const python = findTorchPython();
  const skip = python === undefined ? 'no python3 with torch' : !(await fashionMnistPresent()) ? 'no Fashion-MNIST files' : false;
  const ours: RunOutcome[] = [];
  let torch: RunOutcome[] = [];

  before(async () => {
    if (skip) return;
    const blob = new Blob();
    const manifest = [];
    for (const c of CASES) {
      const run = await runOurs(c, blob);
      ours.push(run.ours);
      manifest.push(run.manifest);
    }
    torch = (await runTorch(python as string, manifest, blob)).map((r) => r.float32 as RunOutcome);
  });

  CASES.forEach((c, i) => {
    it(c.name, { skip }, (t) => {
      const [mine, reference] = [ours[i], torch[i]];
      assert.equal(mine.lr.length, 2);
      mine.lr.forEach((lr, k) => assert.ok(relative(lr, reference.lr[k]) < 1e-12, `epoch ${k + 1} LR: ours ${lr}, PyTorch ${reference.lr[k]}`));
      reference.trainLoss.forEach((loss, k) => {
        assert.ok(relative(mine.trainLoss[k], loss) <= LOSS_BOUND, `epoch ${k + 1} training loss: ours ${mine.trainLoss[k]}, PyTorch ${loss}`);
        assert.ok(relative(mine.testLoss[k], reference.testLoss[k]) <= LOSS_BOUND, `epoch ${k + 1} test loss: ours ${mine.testLoss[k]}, PyTorch ${reference.testLoss[k]}`);
      });
      const errors = KINDS.map((kind) => [kind, relativeError(mine.layers, reference.layers, kind)] as const);
      t.diagnostic(`relative errors: ${errors.map(([kind, e]) => `${kind} ${e.toExponential(1)}`).join(', ')}`);
      for (const [kind, error] of errors) assert.ok(error <= BOUNDS[kind], `${kind}: relative error ${error} against PyTorch, bound ${BOUNDS[kind]}`);
    });
  });
});
