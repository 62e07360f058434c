/** Pipeline transforms: crop with zero padding, flip, toFloat, normalize, compose. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Rng,
  compose,
  horizontalFlip,
  imageView,
  normalize,
  offsetOf,
  randomCrop,
  toFloat,
  type ImageLayout,
  type ImageView,
} from '../../src/core/index.js';

function ramp(height: number, width: number, channels: number, layout: ImageLayout, float: boolean): ImageView {
  const n = height * width * channels;
  const data = float ? Float32Array.from({ length: n }, (_, i) => i + 1) : Uint8Array.from({ length: n }, (_, i) => (i % 255) + 1);
  return imageView(data, { height, width, channels, layout });
}

const imageArb = fc
  .record({
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    c: fc.integer({ min: 1, max: 3 }),
    layout: fc.constantFrom<ImageLayout>('hwc', 'chw'),
    float: fc.boolean(),
  })
  .map(({ h, w, c, layout, float }) => ramp(h, w, c, layout, float));

test('randomCrop is a zero-padded shift by an offset in -padding..padding, both ends reached', () => {
  fc.assert(
    fc.property(imageArb, fc.integer({ min: 0, max: 4 }), fc.nat(), (image, padding, seed) => {
      const out = randomCrop(padding)(image, Rng.fromSeed(seed));
      assert.equal(out.data.constructor, image.data.constructor);
      // Find the shift: the output must equal the input shifted by some (oy, ox) with zeros outside.
      const matches = (oy: number, ox: number) => {
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            for (let c = 0; c < image.channels; c++) {
              const sy = y + oy;
              const sx = x + ox;
              const want = sy >= 0 && sy < image.height && sx >= 0 && sx < image.width ? image.data[offsetOf(image, sy, sx, c)] : 0;
              if (out.data[offsetOf(out, y, x, c)] !== want) return false;
            }
          }
        }
        return true;
      };
      let found = false;
      for (let oy = -padding; oy <= padding && !found; oy++) for (let ox = -padding; ox <= padding && !found; ox++) found = matches(oy, ox);
      assert.ok(found, 'output is not a padded shift of the input');
    }),
    { numRuns: 200 },
  );
  const image = ramp(3, 3, 1, 'hwc', true);
  const rng = Rng.fromSeed(1);
  const corners = new Set<number>();
  for (let i = 0; i < 400; i++) corners.add(randomCrop(2)(image, rng).data[0]);
  assert.ok(corners.has(0) && corners.has(9), 'offsets at both ends of 0..2*padding are drawn');
  assert.throws(() => randomCrop(-1), /randomCrop padding must be an integer >= 0, got -1/);
});

test('horizontalFlip mirrors columns with probability p and never changes the input', () => {
  const image = ramp(2, 3, 2, 'hwc', false);
  const flipped = horizontalFlip(1)(image, Rng.fromSeed(1));
  assert.deepEqual(Array.from(flipped.data), [5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8]);
  const chw = horizontalFlip(1)(ramp(2, 3, 2, 'chw', true), Rng.fromSeed(1));
  assert.deepEqual(Array.from(chw.data), [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
  assert.deepEqual(Array.from(image.data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const rng = Rng.fromSeed(2);
  let count = 0;
  for (let i = 0; i < 10_000; i++) if (horizontalFlip(0.3)(image, rng).data[0] === 5) count++;
  assert.ok(Math.abs(count - 3000) < 5 * Math.sqrt(10_000 * 0.21), `flipped ${count} of 10000`);
  assert.throws(() => horizontalFlip(2), /horizontalFlip p must be in \[0, 1\], got 2/);
});

test('toFloat scales uint8 to [0, 1]; normalize is per channel in both layouts', () => {
  const u8 = imageView(Uint8Array.from([0, 255, 51, 102]), { height: 1, width: 2, channels: 2 });
  const f = toFloat()(u8, Rng.fromSeed(0));
  assert.deepEqual(Array.from(f.data), [0, 1, 0.2, 0.4].map(Math.fround));
  const n = normalize([0.5, 0], [0.5, 2])(f, Rng.fromSeed(0));
  assert.deepEqual(Array.from(n.data), [-1, 0.5, Math.fround(Math.fround(0.2) - 0.5) / 0.5, Math.fround(0.4) / 2].map(Math.fround));
  const chw = imageView(Float32Array.from([1, 2, 10, 20]), { height: 1, width: 2, channels: 2, layout: 'chw' });
  assert.deepEqual(Array.from(normalize([1, 10], [1, 10])(chw, Rng.fromSeed(0)).data), [0, 1, 0, 1]);
  assert.throws(() => normalize([0.5], [0])(f, Rng.fromSeed(0)), /normalize std\[0\] must be > 0, got 0/);
  assert.throws(() => normalize([0, 0, 0], [1])(f, Rng.fromSeed(0)), /normalize mean must have 1 or 2 entries, got 3/);
  assert.throws(() => normalize([0], [1])(u8, Rng.fromSeed(0)), /normalize needs a float32 image/);
});

test('compose applies left to right from one generator, reproducibly', () => {
  const pipeline = compose(randomCrop(2), horizontalFlip(0.5), toFloat(), normalize([0.5], [0.25]));
  const image = ramp(6, 5, 3, 'hwc', false);
  const a = pipeline(image, Rng.fromSeed(4));
  assert.deepEqual(a, pipeline(image, Rng.fromSeed(4)));
  assert.ok(a.data instanceof Float32Array);
  const rng = Rng.fromSeed(4);
  const manual = normalize([0.5], [0.25])(toFloat()(horizontalFlip(0.5)(randomCrop(2)(image, rng), rng), rng), rng);
  assert.deepEqual(a, manual);
});
