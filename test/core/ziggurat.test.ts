/** The ziggurat normal generator against the exact normal law. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { zigguratNormal } from '../../src/core/ziggurat.js';
import { chiSquare, chiSquareBound, normalCdf } from './stats.js';

test('ziggurat draws follow N(0, 1): chi-square over 42 bins including both tails, moments', () => {
  const n = 400_000;
  const rng = Rng.fromSeed(17);
  const edges = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
  const counts = new Array<number>(42).fill(0);
  let sum = 0;
  let sum4 = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const v = zigguratNormal(rng);
    sum += v;
    sum4 += v ** 4;
    if (Math.abs(v) > 3.442619855899) tail++;
    counts[v < -4 ? 0 : v >= 4 ? 41 : Math.min(40, 1 + Math.floor((v + 4) / 0.2))]++;
  }
  const cdf = [0, ...edges.map(normalCdf), 1];
  const expected = counts.map((_, i) => n * (cdf[i + 1] - cdf[i]));
  const chi = chiSquare(counts, expected);
  assert.ok(chi < chiSquareBound(41), `chi-square ${chi.toFixed(1)}`);
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(sum4 / n - 3) < 0.06, `fourth moment ${sum4 / n}`);
  const tailExpected = 2 * n * (1 - normalCdf(3.442619855899));
  assert.ok(Math.abs(tail - tailExpected) < 5 * Math.sqrt(tailExpected), `tail beyond R: ${tail} vs ${tailExpected}`);
});
