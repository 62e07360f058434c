/** The ziggurat kernels: WebAssembly against its JavaScript reference, the slow path's own exp and log, lane independence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { drawNormals, normalKernelName, type ZigguratKernel } from '../../src/core/ziggurat-kernel.js';
import { jsZigguratKernel } from '../../src/core/ziggurat-js.js';
import { expNonPositive, logUnit, xoshiroStep } from '../../src/core/ziggurat-slow.js';
import { AREA, kn, LAYER_BITS, LAYERS, R, wf, wn } from '../../src/core/ziggurat-tables.js';
import { wasmZigguratKernel } from '../../src/core/ziggurat-wasm.js';

function draw(kernel: ZigguratKernel, seed: number, n: number, mean: number, std: number): Uint32Array {
  const out = new Float32Array(n);
  drawNormals(Rng.fromSeed(seed), n, mean, std, (values, first, count) => out.set(values.subarray(0, count), first), kernel);
  return new Uint32Array(out.buffer);
}

test('Node runs the WebAssembly SIMD kernel', () => {
  assert.equal(normalKernelName(), 'wasm-simd');
});

test('the WebAssembly kernel gives the bits of the JavaScript reference (tails and chunk ends included)', () => {
  const wasm = wasmZigguratKernel();
  assert.ok(wasm, 'WebAssembly SIMD kernel unavailable');
  const js = jsZigguratKernel();
  // Sizes around the groups of 4 and 8 and the 16384-value chunk: with the four fills, about 2.6
  // million values, 5,800 slow paths and 60 tails.
  const sizes = [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 16383, 16384, 16385, 600_000];
  const fills: [number, number][] = [[0, 1], [0.5, 2], [128, 60], [-3, 1e-3]];
  for (const [k, n] of sizes.entries()) {
    for (const [mean, std] of fills) {
      const a = draw(wasm, 1000 + k, n, mean, std);
      const b = draw(js, 1000 + k, n, mean, std);
      const differ = a.findIndex((v, i) => v !== b[i]);
      assert.equal(differ, -1, `n ${n}, N(${mean}, ${std}): value ${differ} differs`);
    }
  }
});

test('the generators are xoshiro128++ (outputs of the published C code from state 1, 2, 3, 4)', () => {
  const reference = [641, 1573767, 3222811527, 3517856514, 836907274, 4247214768];
  const st = Int32Array.of(1, 2, 3, 4);
  assert.deepEqual(reference.map(() => xoshiroStep(st, 0)), reference);
  // Lane 0 of each kernel: values 0, 4, 8, ... come from these draws (hz = u >> 11, iz = u & 2047),
  // all six accepted by the fast test.
  let checked = 0;
  for (const kernel of [jsZigguratKernel(), wasmZigguratKernel()!]) {
    kernel.state.fill(7);
    [1, 2, 3, 4].forEach((word, j) => (kernel.state[4 * j] = word));
    kernel.normals(24, 0, 1);
    reference.forEach((u, step) => {
      const [hz, iz] = [(u | 0) >> LAYER_BITS, u & (LAYERS - 1)];
      if (Math.abs(hz) >= kn[iz]) return;
      assert.equal(kernel.values[4 * step], Math.fround(hz * wf[iz]), `${kernel.name} step ${step}`);
      checked++;
    });
  }
  assert.equal(checked, 12);
});

test('the layer tables close: 2048 layers of area AREA reach the peak, AREA matches R', () => {
  const x1 = wn[1] * 2 ** (31 - LAYER_BITS);
  assert.ok(Math.abs(Math.exp(-0.5 * x1 * x1) + AREA / x1 - 1) < 1e-9, `top layer ends at ${Math.exp(-0.5 * x1 * x1) + AREA / x1}`);
  // Tail beyond R by Simpson's rule on [R, R + 12] (the rest is below 1e-30).
  const steps = 20_000;
  const h = 12 / steps;
  let tail = 0;
  for (let k = 0; k <= steps; k++) tail += (k === 0 || k === steps ? 1 : k % 2 ? 4 : 2) * Math.exp(-0.5 * (R + k * h) ** 2);
  tail *= h / 3;
  assert.ok(Math.abs(R * Math.exp(-0.5 * R * R) + tail - AREA) < 1e-15, `area ${R * Math.exp(-0.5 * R * R) + tail} vs ${AREA}`);
});

test('a call draws 20 words of the caller generator, whatever n', () => {
  for (const n of [1, 50, 40_000]) {
    const rng = Rng.fromSeed(9);
    drawNormals(rng, n, 0, 1, () => undefined);
    const reference = Rng.fromSeed(9);
    for (let i = 0; i < 20; i++) reference.nextUint32();
    assert.equal(rng.nextUint32(), reference.nextUint32(), `n ${n}`);
  }
});

test('slow-path exp and log agree with Math.exp and Math.log to a few ulp, edges exact', () => {
  const rng = Rng.fromSeed(4);
  let worstExp = 0;
  let worstLog = 0;
  for (let i = 0; i < 200_000; i++) {
    const a = -7 * rng.next();
    worstExp = Math.max(worstExp, Math.abs(expNonPositive(a) / Math.exp(a) - 1));
    const u = rng.nextUint32();
    const exact = Math.log(1 - u / 2 ** 32);
    if (exact !== 0) worstLog = Math.max(worstLog, Math.abs(logUnit(u) / exact - 1));
  }
  assert.ok(worstExp < 1e-15, `exp relative error ${worstExp}`);
  assert.ok(worstLog < 1e-15, `log relative error ${worstLog}`);
  assert.equal(expNonPositive(0), 1);
  assert.equal(logUnit(0), 0);
  assert.equal(logUnit(2 ** 31), -Math.LN2);
  assert.ok(Math.abs(logUnit(2 ** 32 - 1) / (-32 * Math.LN2) - 1) < 1e-15);
});

test('neighbouring values and lanes are uncorrelated (lags 1 to 8)', () => {
  const n = 400_000;
  const values = new Float32Array(n);
  Rng.fromSeed(21).fillNormal(values, 0, n);
  for (let lag = 1; lag <= 8; lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += values[i] * values[i - lag];
    const r = sum / (n - lag);
    // The standard error of r is 1/sqrt(n) = 0.0016: 5 of them.
    assert.ok(Math.abs(r) < 0.008, `lag ${lag}: correlation ${r}`);
  }
});
