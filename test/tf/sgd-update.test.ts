/**
 * The fused SgdUpdate kernel (wasm) against the composed tf-op update (cpu): the same float32
 * results bit for bit, for plain, momentum, weight-decay and Nesterov SGD, over several steps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SGD_UPDATE } from '../../src/tf/kernels/sgd-update.js';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';
import { Sgd, type SgdOptions } from '../../src/train/sgd.js';
import { seededValues } from './helpers.js';

const SHAPES = [[3, 3, 4, 5], [7], [2, 9]];

/** Parameters after three SGD steps with seeded gradients on the current backend. */
function run(options: SgdOptions): Float32Array[] {
  const params = SHAPES.map((shape, i) => tf.variable(tf.tensor(seededValues(tf.util.sizeFromShape(shape), 40 + i), shape)));
  const sgd = new Sgd(params, options);
  for (let step = 0; step < 3; step++) {
    const grads = SHAPES.map((shape, i) => tf.tensor(seededValues(tf.util.sizeFromShape(shape), 50 + 10 * step + i), shape));
    sgd.step(grads, 0.05 * (step + 1));
    tf.dispose(grads);
  }
  const values = params.map((p) => p.dataSync() as Float32Array);
  sgd.dispose();
  tf.dispose(params);
  return values;
}

const CASES: Array<[string, SgdOptions]> = [
  ['plain', { momentum: 0, weightDecay: 0, nesterov: false }],
  ['momentum', { momentum: 0.9, weightDecay: 0, nesterov: false }],
  ['momentum and weight decay', { momentum: 0.9, weightDecay: 5e-4, nesterov: false }],
  ['Nesterov with weight decay', { momentum: 0.9, weightDecay: 1e-3, nesterov: true }],
];

describe('fused SGD kernel', () => {
  for (const [name, options] of CASES) {
    it(`${name}: wasm's SgdUpdate equals the composed update on cpu bit for bit`, async () => {
      await setupBackend({ backend: 'cpu' });
      const composed = run(options);
      await setupBackend({ backend: 'wasm' });
      assert.ok(tf.getKernel(SGD_UPDATE, 'wasm') !== undefined);
      const fused = run(options);
      fused.forEach((values, i) => assert.deepEqual(values, composed[i], `parameter ${i}`));
    });
  }

  it('rejects inputs of different shapes', async () => {
    await setupBackend({ backend: 'wasm' });
    const [p, g, b] = [tf.zeros([3]), tf.zeros([4]), tf.zeros([3])];
    assert.throws(
      () => tf.engine().runKernel(SGD_UPDATE, { param: p, grad: g, buffer: b }, { lr: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false }),
      /SgdUpdate: grad must be float32 of shape \[3\], got float32 \[4\]/,
    );
    tf.dispose([p, g, b]);
  });
});
