/** profileKernels: registered kernels with their call counts; composite-op and custom-gradient wrappers left out. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupBackend } from '../../src/tf/backend.js';
import { profileKernels } from '../../src/tf/kernel-profile.js';
import { tf } from '../../src/tf/tf.js';

describe('profileKernels', () => {
  it('lists the kernels a custom-gradient function runs, not the function itself', async () => {
    await setupBackend({ backend: 'wasm' });
    const square = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([x]);
      return { value: tf.mul(x, x), gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(s, 2)) };
    });
    const x = tf.ones([4, 4]);
    const kernels = await profileKernels(() => {
      tf.tidy('forward', () => void tf.sum(square(tf.relu(x)) as tf.Tensor).dataSync());
    });
    const names = kernels.map((k) => k.name);
    assert.ok(names.includes('Multiply') && names.includes('Relu') && names.includes('Sum'), names.join(', '));
    assert.ok(!names.some((n) => n === 'forward' || n === 'unnamed scope' || n.endsWith('__op')), names.join(', '));
    assert.equal(kernels.find((k) => k.name === 'Relu')?.calls, 1);
    x.dispose();
  });
});
