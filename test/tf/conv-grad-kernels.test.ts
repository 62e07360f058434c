/**
 * The wasm convolution-gradient kernels against the cpu backend over many geometries: strides 1
 * and 2, same / valid / explicit padding, 1x1, 3x3 and 5x5 kernels, odd and even sizes, batch 1
 * and > 1, channels 1..64.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';
import { cases, label, outShape } from './conv-cases.js';
import { relativeError, runKernelOn, seededInput } from './helpers.js';

/** Runs a kernel on cpu and wasm and asserts the same shape and a relative error <= 1e-4. */
async function expectSameOnBackends(name: string, inputs: Parameters<typeof runKernelOn>[2], attrs: Record<string, unknown>) {
  const expected = await runKernelOn('cpu', name, inputs, attrs);
  const actual = await runKernelOn('wasm', name, inputs, attrs);
  assert.deepEqual(actual.shape, expected.shape);
  const error = relativeError(actual.values, expected.values);
  assert.ok(error <= 1e-4, `relative error ${error}`);
}

describe('wasm convolution gradient kernels (pure wasm path) match the cpu backend', () => {
  before(async () => {
    await setupBackend({ backend: 'wasm', native: false });
  });

  for (const c of cases()) {
    const xShape = [c.batch, c.height, c.width, c.inChannels];
    const filterShape = [c.kernel, c.kernel, c.inChannels, c.outChannels];
    const common = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };

    it(`Conv2DBackpropFilter ${label(c)}`, async () => {
      const inputs = { x: seededInput(xShape, 1), dy: seededInput(outShape(c), 2) };
      await expectSameOnBackends(tf.Conv2DBackpropFilter, inputs, { ...common, filterShape });
    });

    it(`Conv2DBackpropInput ${label(c)}`, async () => {
      const inputs = { dy: seededInput(outShape(c), 3), filter: seededInput(filterShape, 4) };
      await expectSameOnBackends(tf.Conv2DBackpropInput, inputs, { ...common, inputShape: xShape });
    });
  }

  it('rejects NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 2]);
    assert.throws(
      () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
          strides: [1, 1],
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 2, 2],
        } as unknown as tf.NamedAttrMap),
      /supports dataFormat 'NHWC' only/,
    );
    tf.dispose([x, dy]);
  });
});
