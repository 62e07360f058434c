/**
 * The wasm Sum/Mean pooling fast path (and its fall-backs) against the cpu backend, and the broadcasting
 * FusedBatchNorm gradient against autodiff through an explicit composition of elementary ops.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';
import { relativeError, runKernelOn, seededInput, seededValues } from './helpers.js';

describe('wasm Sum and Mean', () => {
  before(async () => {
    await setupBackend({ backend: 'wasm' });
  });

  const shapes: Array<[number[], number | number[], boolean]> = [
    [[4, 6, 5, 3], [0, 1, 2], false],
    [[4, 6, 5, 3], [2, 0, 1], true],
    [[7, 9], 0, false],
    [[3, 4, 5], [0, 1, 2], false],
    [[3, 4, 5], [1, 2], false],
    [[3, 4, 5], -1, true],
    [[1, 4, 5], [0], false],
    [[5, 6, 7, 4], [1, 2], false],
    [[2, 3, 4, 5, 6], [3, 1, 2], true],
    [[6, 1, 5, 2], [1], false],
  ];
  for (const kernelName of [tf.Sum, tf.Mean]) {
    for (const [shape, axis, keepDims] of shapes) {
      it(`${kernelName} of ${shape.join('x')} over ${JSON.stringify(axis)} keepDims=${keepDims}`, async () => {
        const inputs = { x: seededInput(shape, 5) };
        const attrs = { axis, keepDims };
        const expected = await runKernelOn('cpu', kernelName, inputs, attrs);
        const actual = await runKernelOn('wasm', kernelName, inputs, attrs);
        assert.deepEqual(actual.shape, expected.shape);
        assert.ok(relativeError(actual.values, expected.values) <= 1e-5);
      });
    }
  }

  it('leaves int32 reductions to the stock kernel', async () => {
    await tf.setBackend('wasm');
    const total = tf.tidy(() => tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0).arraySync());
    assert.deepEqual(total, [4, 6]);
  });
});

describe('FusedBatchNorm gradient', () => {
  const shape = [3, 4, 5, 6];
  const size = shape.reduce((a, b) => a * b);
  const epsilon = 1e-3;

  /** Gradients of Σ r·BN(x) w.r.t. x, mean, variance, scale, offset for one formulation. */
  function gradients(fused: boolean): Float32Array[] {
    return tf.tidy(() => {
      const x = tf.tensor(seededValues(size, 6), shape);
      const r = tf.tensor(seededValues(size, 7), shape);
      const mean = tf.tensor1d(seededValues(6, 8));
      const variance = tf.add(tf.abs(tf.tensor1d(seededValues(6, 9))), 0.5);
      const scale = tf.tensor1d(seededValues(6, 10));
      const offset = tf.tensor1d(seededValues(6, 11));
      const f = (xs: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
        const y = fused
          ? tf.batchNorm(xs, m, v, o, s, epsilon)
          : tf.add(tf.mul(tf.mul(tf.sub(xs, m), tf.rsqrt(tf.add(v, epsilon))), s), o);
        return tf.sum(tf.mul(y, r));
      };
      return tf.grads(f)([x, mean, variance, scale, offset]).map((g) => g.dataSync() as Float32Array);
    });
  }

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matches autodiff of the explicit formula on ${backend}`, async () => {
      await setupBackend({ backend });
      const fused = gradients(true);
      const explicit = gradients(false);
      for (let i = 0; i < fused.length; i++) {
        assert.ok(relativeError(fused[i], explicit[i]) <= 1e-4, `input ${i}`);
      }
    });
  }
});
