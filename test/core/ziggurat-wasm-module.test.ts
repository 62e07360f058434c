/** The embedded WebAssembly module is what assembly/normal-ziggurat.ts compiles to (run `npm run build:wasm` after editing it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileZigguratKernel, embeddingModule } from '../../scripts/build-wasm.js';

test('src/core/ziggurat-wasm-module.ts matches a fresh compile of the kernel source', async () => {
  const embedded = readFileSync(new URL('../../src/core/ziggurat-wasm-module.ts', import.meta.url), 'utf8');
  assert.equal(embedded, embeddingModule(await compileZigguratKernel()), 'stale module: run npm run build:wasm');
});
