/** Backend selection: default order, explicit choice, clear errors, training kernels registered. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
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
    await assert.rejects(setupBackend({ backend: 'webgl' as BackendName }), /unknown backend 'webgl'; expected one of tensorflow, webgpu, wasm, cpu/);
  });

  it('works without the optional WebGPU packages: the library loads, wasm starts, and webgpu names the package to install', () => {
    const script = `
      const lib = await import('./src/index.ts');
      const { setupBackend } = await import('./src/tf/backend.ts');
      const auto = await setupBackend();
      const webgpu = await setupBackend({ backend: 'webgpu' }).then(() => 'started', (e) => e.message);
      console.log(JSON.stringify({ exports: Object.keys(lib).length, auto: auto.backend, webgpu }));`;
    const hook = join(import.meta.dirname, 'fixtures', 'without-webgpu.mjs');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--import', hook, '--input-type=module', '-e', script], { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    assert.ok(result.exports > 10);
    assert.equal(result.auto, 'wasm');
    assert.match(result.webgpu, /backend 'webgpu' cannot start: the optional package '(webgpu|@tensorflow\/tfjs-backend-webgpu)' cannot be loaded \(npm install /);
  });
});
