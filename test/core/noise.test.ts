import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageView } from '../../src/core/image.js';
import { randomNoise } from '../../src/core/noise.js';
import { Rng } from '../../src/core/rng.js';

test('replaces about `fraction` of the pixels, every channel, and leaves the input untouched', () => {
  const input = imageView(new Uint8Array(64 * 64 * 3).fill(7), { height: 64, width: 64, channels: 3 });
  const out = randomNoise(0.2)(input, Rng.fromSeed(1));
  assert.ok(input.data.every((v) => v === 7));
  let replaced = 0;
  for (let p = 0; p < 64 * 64; p++) {
    const changed = [0, 1, 2].filter((c) => out.data[3 * p + c] !== 7).length;
    if (changed > 0) replaced++;
  }
  // 4096 Bernoulli(0.2) draws: sd 26; a value equal to 7 on all channels is rare (1/255^3).
  assert.ok(Math.abs(replaced - 819) < 110, `replaced ${replaced}`);
  const values = Array.from(out.data).filter((v) => v !== 7);
  assert.ok(Math.max(...values) > 240 && Math.min(...values) < 15);
});

test('float images get values in [low, high); same seed, same noise; fraction 0 is identity', () => {
  const input = imageView(new Float32Array(16 * 16).fill(-5), { height: 16, width: 16, channels: 1 });
  const noise = randomNoise(0.5, { low: -1, high: 1 });
  const a = noise(input, Rng.fromSeed(3));
  assert.deepEqual(a.data, noise(input, Rng.fromSeed(3)).data);
  assert.ok(Array.from(a.data).every((v) => v === -5 || (v >= -1 && v < 1)));
  assert.deepEqual(randomNoise(0)(input, Rng.fromSeed(3)).data, input.data);
  assert.throws(() => randomNoise(1.5), /fraction must be in \[0, 1\], got 1.5/);
});
