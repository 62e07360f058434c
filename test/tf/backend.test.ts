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

  it('reports whether the native kernels run, and why not', async () => {
    const off = await setupBackend({ backend: 'wasm', native: false });
    assert.deepEqual(off.native, { active: false, reason: 'switched off (native: false)' });
    const cpu = await setupBackend({ backend: 'cpu' });
    assert.deepEqual(cpu.native, { active: false, reason: "backend 'cpu' does not use them" });
    await assert.rejects(setupBackend({ backend: 'cpu', native: true }), /native kernels run on the wasm backend only, not 'cpu'/);
    await assert.rejects(setupBackend({ backend: 'wasm', threads: 0 }), /threads must be a positive integer, got 0/);
    const wasm = await setupBackend({ backend: 'wasm' });
    assert.equal(wasm.native.active, wasm.native.reason === undefined);
  });

  it('rejects an unknown backend name', async () => {
    await assert.rejects(setupBackend({ backend: 'webgpu' as BackendName }), /unknown backend 'webgpu'/);
  });
});
