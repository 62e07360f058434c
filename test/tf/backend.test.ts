/** Backend selection: default order, explicit choice, clear errors, training kernels registered. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupBackend, type BackendName } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';

describe('setupBackend', () => {
  it('falls back to wasm when tfjs-node is not installed and says why', async () => {
    const info = await setupBackend();
    assert.equal(info.backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(info.skipped[0]?.backend, 'tensorflow');
    assert.ok(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm') !== undefined);
  });

  it('starts the cpu backend on request', async () => {
    const info = await setupBackend({ backend: 'cpu' });
    assert.deepEqual([info.backend, tf.getBackend(), info.simd], ['cpu', 'cpu', false]);
  });

  it('throws a clear error when the requested backend cannot start', async () => {
    await assert.rejects(setupBackend({ backend: 'tensorflow' }), /backend 'tensorflow' cannot start: .*@tensorflow\/tfjs-node/);
  });

  it('rejects an unknown backend name', async () => {
    await assert.rejects(setupBackend({ backend: 'webgpu' as BackendName }), /unknown backend 'webgpu'/);
  });
});
