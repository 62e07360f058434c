/** Rng.fillNormal (ziggurat) against the exact normal law. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { chiSquare, chiSquareBound, normalCdf } from './stats.js';

test('fillNormal draws follow N(0, 1): chi-square over 42 bins including both tails, moments', () => {
  const n = 400_000;
  // Filled in calls of 333 values, so every call seeds its generators and ends in a partial group of 4.
  const values = new Float32Array(n);
  const rng = Rng.fromSeed(17);
  for (let i = 0; i < n; i += 333) rng.fillNormal(values, i, Math.min(333, n - i));
  const edges = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
  const counts = new Array<number>(42).fill(0);
  let sum = 0;
  let sum4 = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    sum4 += v ** 4;
    if (Math.abs(v) > 3.5) tail++;
    counts[v < -4 ? 0 : v >= 4 ? 41 : Math.min(40, 1 + Math.floor((v + 4) / 0.2))]++;
  }
  const cdf = [0, ...edges.map(normalCdf), 1];
  const expected = counts.map((_, i) => n * (cdf[i + 1] - cdf[i]));
  const chi = chiSquare(counts, expected);
  assert.ok(chi < chiSquareBound(41), `chi-square ${chi.toFixed(1)}`);
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(sum4 / n - 3) < 0.06, `fourth moment ${sum4 / n}`);
  const tailExpected = 2 * n * (1 - normalCdf(3.5));
  assert.ok(Math.abs(tail - tailExpected) < 5 * Math.sqrt(tailExpected), `tail beyond 3.5: ${tail} vs ${tailExpected}`);
});
