/** Backend selection: default order, explicit choice, clear errors, training kernels registered. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setupBackend, type BackendName } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';

describe('setupBackend', () => {
  it('without tfjs-node, picks webgpu on a hardware GPU only, else wasm, and says why', async (t) => {
    const info = await setupBackend();
    assert.equal(info.skipped[0]?.backend, 'tensorflow');
    if (info.backend === 'webgpu') {
      t.diagnostic(`hardware GPU here: ${JSON.stringify(info.adapter)}`);
      assert.equal(info.adapter?.software, false);
      await setupBackend({ backend: 'wasm' });
    } else {
      assert.equal(info.backend, 'wasm');
      assert.deepEqual(info.skipped.map((s) => s.backend), ['tensorflow', 'webgpu']);
      assert.match(info.skipped[1].reason, /no GPU device file|software adapter|cannot be loaded|no WebGPU adapter/);
      assert.equal(info.adapter, undefined);
    }
    assert.equal(tf.getBackend(), 'wasm');
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
    await assert.rejects(setupBackend({ backend: 'webgl' as BackendName }), /unknown backend 'webgl'; expected one of tensorflow, webgpu, wasm, cpu/);
  });
});
