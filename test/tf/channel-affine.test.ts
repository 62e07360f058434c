/**
 * The wasm per-channel affine kernels (FusedBatchNorm forward, broadcast Multiply/Add/Sub) against
 * cpu, on the pure wasm path (XNNPACK) and on the native kernels.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setupBackend } from '../../src/tf/backend.js';
import { relativeError, runKernelOn, seededInput } from './helpers.js';
import { nativeSkip } from './native-availability.js';

type Inputs = Parameters<typeof runKernelOn>[2];

async function compare(name: string, inputs: Inputs, attrs: Record<string, unknown>): Promise<void> {
  const expected = await runKernelOn('cpu', name, inputs, attrs);
  const actual = await runKernelOn('wasm', name, inputs, attrs);
  assert.deepEqual(actual.shape, expected.shape);
  assert.ok(relativeError(actual.values, expected.values) <= 1e-5);
}

function input(shape: number[], seed: number, positive = false) {
  const { values } = seededInput(shape, seed);
  return { values: positive ? values.map((v) => Math.abs(v) + 0.1) : values, shape };
}

for (const native of [false, true]) describe(`wasm per-channel affine kernels (${native ? 'native' : 'pure wasm'})`, { skip: native && nativeSkip }, () => {
  before(async () => {
    await setupBackend({ backend: 'wasm', native });
  });

  for (const shape of [[4, 5, 6, 7], [3, 9], [2, 3, 4, 5, 8]]) {
    const c = shape[shape.length - 1];
    it(`FusedBatchNorm of ${shape.join('x')} with scale and offset`, async () => {
      await compare(
        'FusedBatchNorm',
        { x: input(shape, 1), mean: input([c], 2), variance: input([c], 3, true), offset: input([c], 4), scale: input([c], 5) },
        { varianceEpsilon: 1e-3 },
      );
    });
  }

  it('FusedBatchNorm without scale and offset', async () => {
    await compare('FusedBatchNorm', { x: input([3, 4, 4, 6], 6), mean: input([6], 7), variance: input([6], 8, true) }, { varianceEpsilon: 1e-5 });
  });

  it('FusedBatchNorm with full-shape statistics falls back to the stock kernel', async () => {
    const shape = [2, 3, 3, 4];
    await compare(
      'FusedBatchNorm',
      { x: input(shape, 9), mean: input(shape, 10), variance: input(shape, 11, true) },
      { varianceEpsilon: 1e-3 },
    );
  });

  const products: Array<[number[], number[]]> = [
    [[4, 5, 6, 7], [7]],
    [[1, 1, 1, 7], [4, 5, 6, 7]],
    [[6, 16], [1, 16]],
    [[4, 5, 6, 7], [4, 5, 6, 7]],
    [[4, 5, 6, 7], [5, 1, 1]],
    [[3], [3]],
    [[], []],
    [[4, 5, 6, 7], []],
    [[], [6, 7]],
  ];
  for (const kernel of ['Multiply', 'Add', 'Sub']) {
    for (const [a, b] of products) {
      it(`${kernel} ${a.join('x')} and ${b.join('x')}`, async () => {
        await compare(kernel, { a: input(a, 12), b: input(b, 13) }, {});
      });
    }
  }
});
