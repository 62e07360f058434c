/**
 * The `keras` preset and the mapping of Keras 3's RandomErasing arguments: erase probability from
 * `factor`, per-side fractions sqrt(U(scale)), real-valued placement covering pixels start <= i <
 * start + side, clipped N(0, high^2) noise. Fixed seeds, bounds a wrong law would fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomErasing, Rng, imageView, kerasErasingOptions, resolveKerasArgs, type Region } from '../../src/core/index.js';
import { chiSquareBound, chiSquareUniform, histogram } from './stats.js';

const N = 100_000;

function draws(eraser: RandomErasing, height: number, width: number, seed: number, n = N): Region[][] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => eraser.sample(height, width, rng));
}

test('factor f erases with probability f / 2, a pair [lo, hi] with (lo + hi) / 2', () => {
  for (const [factor, p] of [[1, 0.5], [0.6, 0.3], [[0.2, 0.6], 0.4], [[1, 1], 1], [0, 0]] as const) {
    const options = kerasErasingOptions({ factor });
    assert.equal(options.p, p);
    const erased = draws(new RandomErasing(options), 32, 32, 3).filter((r) => r.length > 0).length;
    const sd = Math.sqrt(N * p * (1 - p));
    assert.ok(Math.abs(erased - N * p) <= 5 * sd, `factor ${JSON.stringify(factor)}: ${erased} erased of ${N}`);
  }
});

test('each side fraction squared is uniform in scale, width and height independent, area not uniform', () => {
  const SIZE = 4000;
  const [sl, sh] = [0.02, 0.33];
  const regions = draws(new RandomErasing('keras', { p: 1 }), SIZE, SIZE, 7).map(([r]) => r);
  const w2 = regions.map((r) => (r.width / SIZE) ** 2);
  const h2 = regions.map((r) => (r.height / SIZE) ** 2);
  for (const [name, values] of [['width', w2], ['height', h2]] as const) {
    const chi = chiSquareUniform(histogram(values, sl, sh, 10));
    assert.ok(chi < chiSquareBound(9), `${name} fraction squared: chi-square ${chi.toFixed(1)}`);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mw, mh] = [mean(w2), mean(h2)];
  const correlation = mean(w2.map((w, i) => (w - mw) * (h2[i] - mh))) / Math.sqrt(mean(w2.map((w) => (w - mw) ** 2)) * mean(h2.map((h) => (h - mh) ** 2)));
  assert.ok(Math.abs(correlation) < 0.02, `width and height correlation ${correlation}`);
  // The area fraction sqrt(u1 u2) has mean E[sqrt u]^2 and is far from uniform on [sl, sh].
  const area = regions.map((r) => (r.width * r.height) / SIZE ** 2);
  const expected = ((2 / 3) * (sh ** 1.5 - sl ** 1.5) / (sh - sl)) ** 2;
  assert.ok(Math.abs(mean(area) - expected) < 0.001, `mean area ${mean(area)} vs ${expected}`);
  assert.ok(chiSquareUniform(histogram(area, sl, sh, 10)) > 100 * chiSquareBound(9), 'area fraction looks uniform');
});

test('continuous placement: the region holds floor or ceil of the real side, starts spread over the whole range', () => {
  const H = 10;
  const eraser = new RandomErasing('keras', { p: 1, sl: 0.25, sh: 0.25 }); // sides exactly 5 pixels
  const regions = draws(eraser, H, H, 11, 20_000).map(([r]) => r);
  assert.ok(regions.every((r) => r.height === 5 && r.width === 5), 'an integer side covers exactly that many pixels');
  const tops = histogram(regions.map((r) => r.top), 0, 6, 6);
  // start uniform in [0, 5): covered top = ceil(start), 0 only when start is exactly 0.
  assert.equal(tops[0], 0);
  assert.ok(chiSquareUniform(tops.slice(1)) < chiSquareBound(4), `tops ${tops}`);
  const odd = draws(new RandomErasing('keras', { p: 1, sl: 0.1225, sh: 0.1225 }), H, H, 12, 20_000).map(([r]) => r); // 3.5 pixels
  const sides = new Set(odd.flatMap((r) => [r.height, r.width]));
  assert.deepEqual([...sides].sort(), [3, 4]);
  const mean = odd.reduce((s, r) => s + r.width, 0) / odd.length;
  assert.ok(Math.abs(mean - 3.5) < 0.05, `mean covered width ${mean}, real width 3.5`);
  assert.ok(odd.every((r) => r.top + r.height <= H && r.left + r.width <= H));
});

test('default fill: N(0, 255^2) per value clipped to [0, 255]; on floats with value_range [0, 1] clipped there', () => {
  const size = 64 * 64;
  const uint8 = new RandomErasing('keras', { p: 1, sl: 1, sh: 1 }).apply(imageView(new Uint8Array(size * 3).fill(7), { height: 64, width: 64, channels: 3 }), Rng.fromSeed(2));
  const zeros = uint8.image.data.filter((v) => v === 0).length / uint8.image.data.length;
  const full = uint8.image.data.filter((v) => v === 255).length / uint8.image.data.length;
  assert.ok(Math.abs(zeros - 0.5) < 0.02, `share clipped to 0: ${zeros}`);
  assert.ok(Math.abs(full - 0.1587) < 0.015, `share clipped to 255 (P(z > 1)): ${full}`);
  const floats = new RandomErasing(kerasErasingOptions({ valueRange: [0, 1], factor: [1, 1], scale: [1, 1] }));
  const out = floats.apply(imageView(new Float32Array(size), { height: 64, width: 64, channels: 1 }), Rng.fromSeed(3)).image.data;
  assert.ok(out.every((v) => v >= 0 && v <= 1));
  const inside = out.filter((v) => v > 0 && v < 1).length / size;
  assert.ok(Math.abs(inside - 0.3413) < 0.03, `share strictly inside (0, 1): ${inside}`);
});

test('Keras arguments: defaults, fill_value clipped to value_range, ranges sorted, bad values named', () => {
  assert.deepEqual(resolveKerasArgs(), { factor: [0, 1], scale: [0.02, 0.33], fillValue: null, valueRange: [0, 255] });
  assert.deepEqual(resolveKerasArgs({ factor: [0.7, 0.1], scale: 0.3 }).factor, [0.1, 0.7]);
  assert.deepEqual(resolveKerasArgs({ scale: 0.3 }).scale, [0, 0.3]);
  assert.deepEqual(kerasErasingOptions({ fillValue: 300 }).fill, { kind: 'constant', value: 255 });
  assert.deepEqual(kerasErasingOptions({ fillValue: [-1, 0.5, 2], valueRange: [0, 1] }).fill, { kind: 'constant', value: [0, 0.5, 1] });
  assert.deepEqual(kerasErasingOptions({ valueRange: [-1, 1] }).fill, { kind: 'normal', mean: 0, std: 1, per: 'pixel', clip: [-1, 1] });
  assert.throws(() => resolveKerasArgs({ factor: 1.5 }), /argument factor: expected a number or a pair of numbers in \[0, 1\], got 1\.5/);
  assert.throws(() => resolveKerasArgs({ scale: [0.1, 0.2, 0.3] }), /argument scale: expected .*got \[0\.1, 0\.2, 0\.3\]/);
  assert.throws(() => resolveKerasArgs({ fillValue: [1, 2] }), /argument fill_value: expected null, a number or a list of three numbers, got \[1, 2\]/);
  assert.throws(() => resolveKerasArgs({ valueRange: [1, 0] }), /argument value_range: expected a pair \[low, high\] with low <= high, got \[1, 0\]/);
});
