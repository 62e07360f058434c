/** The heap-to-heap wasm Slice and SplitV against the cpu backend (contiguous, strided, every rank). */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';
import { runKernelOn, seededInput } from './helpers.js';

const CASES: Array<[number[], number[], number[]]> = [
  [[10], [3], [4]],
  [[6, 7], [1, 2], [4, 5]],
  [[6, 7], [2, 0], [3, 7]],
  [[5, 9, 9, 4], [0, 1, 1, 0], [5, 8, 8, 4]],
  [[5, 9, 9, 4], [1, 0, 3, 1], [3, 9, 2, 2]],
  [[2, 3, 4, 5, 6], [1, 1, 0, 2, 3], [1, 2, 4, 3, 3]],
  [[4, 4, 4], [0, 0, 0], [4, 4, 4]],
  [[4, 4], [1, 1], [0, 3]],
];

describe('wasm Slice', () => {
  before(async () => {
    await setupBackend({ backend: 'wasm' });
  });

  for (const [shape, begin, size] of CASES) {
    it(`slices ${size.join('x')} at [${begin.join(', ')}] of ${shape.join('x')}`, async () => {
      const inputs = { x: seededInput(shape, 14) };
      const expected = await runKernelOn('cpu', tf.Slice, inputs, { begin, size });
      const actual = await runKernelOn('wasm', tf.Slice, inputs, { begin, size });
      assert.deepEqual(actual.shape, expected.shape);
      assert.deepEqual(Array.from(actual.values), Array.from(expected.values));
    });
  }

  const SPLITS: Array<[number[], number | number[], number]> = [
    [[2, 5, 5, 12], 4, 3],
    [[2, 5, 5, 12], [2, 7, 3], -1],
    [[6, 4], [1, 5], 0],
    [[3, 8, 2], 2, 1],
  ];
  for (const [shape, splits, axis] of SPLITS) {
    it(`splits ${shape.join('x')} into ${JSON.stringify(splits)} along ${axis}`, async () => {
      const { values } = seededInput(shape, 15);
      const parts = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        return tf.tidy(() => tf.split(tf.tensor(values, shape), splits, axis).map((t) => [t.shape, Array.from(t.dataSync())]));
      };
      assert.deepEqual(await parts('wasm'), await parts('cpu'));
    });
  }

  it('slices int32 tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const part = tf.slice(x, [0, 1], [2, 2]);
    assert.deepEqual([part.dtype, ...part.dataSync()], ['int32', 2, 3, 5, 6]);
    tf.dispose([x, part]);
  });
});
