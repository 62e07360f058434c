/** Property tests (fast-check) of RandomErasing over random shapes, layouts, dtypes, presets and fills. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  RandomErasing,
  Rng,
  batchView,
  imageView,
  offsetOf,
  sampleOf,
  type Fill,
  type ImageView,
  type PixelArray,
  type PresetName,
  type Region,
} from '../../src/core/index.js';

const FILLS: Fill[] = [
  { kind: 'constant', value: 7 },
  { kind: 'uniform', per: 'pixel' },
  { kind: 'uniform', per: 'channel', low: 10, high: 20 },
  { kind: 'normal', per: 'pixel', mean: 100, std: 50 },
  { kind: 'normal', per: 'channel' },
];

interface Case {
  image: ImageView;
  preset: PresetName;
  fill: Fill;
  seed: number;
  maxCount: number;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    height: fc.integer({ min: 1, max: 14 }),
    width: fc.integer({ min: 1, max: 14 }),
    channels: fc.integer({ min: 1, max: 4 }),
    layout: fc.constantFrom('hwc' as const, 'chw' as const),
    float: fc.boolean(),
    preset: fc.constantFrom<PresetName>('reference', 'paper', 'torchvision', 'timm'),
    fill: fc.constantFrom(...FILLS),
    seed: fc.nat(),
    maxCount: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ height, width, channels, layout, float, ...rest }) => {
    const n = height * width * channels;
    const data: PixelArray = float ? Float32Array.from({ length: n }, (_, i) => -1 - i) : Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256);
    return { image: imageView(data, { height, width, channels, layout }), ...rest };
  });

function eraser(c: Case, p = 1): RandomErasing {
  return new RandomErasing(c.preset, { p, fill: c.fill, maxCount: c.maxCount });
}

function inside(r: Region, y: number, x: number): boolean {
  return y >= r.top && y < r.top + r.height && x >= r.left && x < r.left + r.width;
}

/** Write a plan into a copy of the image, regions in order. */
function replay(image: ImageView, regions: Region[], fills: Float32Array[]): PixelArray {
  const data = image.data.slice();
  regions.forEach((r, k) => {
    const f = fills[k];
    for (let y = r.top; y < r.top + r.height; y++) {
      for (let x = r.left; x < r.left + r.width; x++) {
        for (let c = 0; c < image.channels; c++) {
          // Per-pixel fills come in the image's memory order within the region.
          const i =
            image.layout === 'hwc'
              ? ((y - r.top) * r.width + (x - r.left)) * image.channels + c
              : (c * r.height + (y - r.top)) * r.width + (x - r.left);
          data[offsetOf(image, y, x, c)] = f.length === 1 ? f[0] : f.length === image.channels ? f[c] : f[i];
        }
      }
    }
  });
  return data;
}

const RUNS = { numRuns: 300 };

test('shape and dtype kept, regions in bounds, pixels outside regions unchanged, input untouched', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const before = c.image.data.slice();
      const { image, regions } = eraser(c).apply(c.image, Rng.fromSeed(c.seed));
      assert.equal(image.data.constructor, c.image.data.constructor);
      assert.deepEqual([image.height, image.width, image.channels, image.layout], [c.image.height, c.image.width, c.image.channels, c.image.layout]);
      assert.deepEqual(c.image.data, before);
      for (const r of regions) {
        assert.ok(r.top >= 0 && r.left >= 0 && r.top + r.height <= image.height && r.left + r.width <= image.width, JSON.stringify(r));
      }
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          if (regions.some((r) => inside(r, y, x))) continue;
          for (let ch = 0; ch < image.channels; ch++) assert.equal(image.data[offsetOf(image, y, x, ch)], before[offsetOf(image, y, x, ch)]);
        }
      }
    }),
    RUNS,
  );
});

test('plan reproduces apply exactly (same regions, same values, uint8 values integral in 0..255)', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const dtype = c.image.data instanceof Uint8Array ? 'uint8' : 'float32';
      const plan = eraser(c).plan(c.image, dtype, Rng.fromSeed(c.seed));
      const applied = eraser(c).apply(c.image, Rng.fromSeed(c.seed));
      assert.deepEqual(plan.regions, applied.regions);
      plan.fills.forEach((f, k) => {
        const r = plan.regions[k];
        assert.ok([1, c.image.channels, r.height * r.width * c.image.channels].includes(f.length), `fill length ${f.length}`);
        if (dtype === 'uint8') for (const v of f) assert.ok(Number.isInteger(v) && v >= 0 && v <= 255, `uint8 fill ${v}`);
      });
      assert.deepEqual(replay(c.image, plan.regions, plan.fills), applied.image.data);
    }),
    RUNS,
  );
});

test('p = 0 leaves the image identical; same seed gives identical output; inPlace writes the input', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      assert.deepEqual(eraser(c, 0).apply(c.image, Rng.fromSeed(c.seed)).image.data, c.image.data);
      const a = eraser(c).apply(c.image, Rng.fromSeed(c.seed));
      const b = eraser(c).apply(c.image, Rng.fromSeed(c.seed));
      assert.deepEqual(a, b);
      const copy = { ...c.image, data: c.image.data.slice() };
      const inPlace = eraser(c).apply(copy, Rng.fromSeed(c.seed), { inPlace: true });
      assert.equal(inPlace.image.data, copy.data);
      assert.deepEqual(copy.data, a.image.data);
      const out = c.image.data.slice().fill(3);
      const into = eraser(c).apply(c.image, Rng.fromSeed(c.seed), { out });
      assert.equal(into.image.data, out);
      assert.deepEqual(out, a.image.data);
    }),
    RUNS,
  );
});

test('different streams give different erasures', () => {
  fc.assert(
    fc.property(fc.nat(), (seed) => {
      const re = new RandomErasing('paper', { p: 1 });
      const image = imageView(new Float32Array(3 * 16 * 16), { height: 16, width: 16, channels: 3 });
      const root = Rng.fromSeed(seed);
      assert.notDeepEqual(re.apply(image, root.derive(0)).image.data, re.apply(image, root.derive(1)).image.data);
    }),
    { numRuns: 100 },
  );
});

test('applyBatch erases sample i with rng.derive(i), for nhwc and nchw', () => {
  for (const layout of ['nhwc', 'nchw'] as const) {
    const data = Float32Array.from({ length: 5 * 3 * 8 * 9 }, (_, i) => i);
    const batch = batchView(data, { count: 5, height: 8, width: 9, channels: 3, layout });
    const re = new RandomErasing('torchvision', { p: 0.7, fill: { kind: 'normal' } });
    const rng = Rng.fromSeed(5);
    const out = re.applyBatch(batch, rng);
    assert.deepEqual(batch.data, data);
    for (let i = 0; i < 5; i++) {
      const single = re.apply(sampleOf(batch, i), rng.derive(i));
      assert.deepEqual(out.regions[i], single.regions);
      assert.deepEqual(sampleOf(out.batch, i).data, single.image.data);
    }
  }
});

test('fills: per-channel values constant across a region, uniform uint8 covers 0..255, normal matches mean/std', () => {
  const rng = Rng.fromSeed(9);
  const perChannel = new RandomErasing('timm', { p: 1, fill: { kind: 'normal', per: 'channel' } });
  const plan = perChannel.plan({ height: 32, width: 32, channels: 3 }, 'float32', rng);
  assert.equal(plan.fills[0].length, 3);
  const bytes = new RandomErasing('paper', { p: 1, sl: 0.3, sh: 0.3 }).plan({ height: 64, width: 64, channels: 3 }, 'uint8', rng);
  const seen = new Set(bytes.fills[0]);
  assert.ok(seen.has(0) && seen.has(255) && seen.size === 256, `distinct uint8 fill values ${seen.size}`);
  const normal = new RandomErasing('torchvision', { p: 1, sl: 0.3, sh: 0.3, fill: { kind: 'normal', mean: 2, std: 3 } });
  const values = normal.plan({ height: 200, width: 200, channels: 3 }, 'float32', rng).fills[0];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  assert.ok(values.length > 30_000 && Math.abs(mean - 2) < 0.06 && Math.abs(sd - 3) < 0.06, `mean ${mean} sd ${sd}`);
});

test('reference preset writes its channel means, and the first mean into grayscale images', () => {
  const re = new RandomErasing('reference', { p: 1 });
  const rgb = re.plan({ height: 32, width: 32, channels: 3 }, 'float32', Rng.fromSeed(1));
  assert.deepEqual(Array.from(rgb.fills[0]), [0.4914, 0.4822, 0.4465].map(Math.fround));
  const gray = re.plan({ height: 28, width: 28, channels: 1 }, 'float32', Rng.fromSeed(1));
  assert.deepEqual(Array.from(gray.fills[0]), [Math.fround(0.4914)]);
});

test('transform() erases a copy like apply; applyBatch honours inPlace and out', () => {
  const re = new RandomErasing('paper', { p: 1 });
  const image = imageView(Float32Array.from({ length: 3 * 10 * 12 }, (_, i) => i), { height: 10, width: 12, channels: 3 });
  assert.deepEqual(re.transform()(image, Rng.fromSeed(2)), re.apply(image, Rng.fromSeed(2)).image);
  const data = Uint8Array.from({ length: 4 * 6 * 6 * 2 }, (_, i) => i % 251);
  const batch = batchView(data.slice(), { count: 4, height: 6, width: 6, channels: 2 });
  const copy = re.applyBatch(batch, Rng.fromSeed(8));
  const out = new Uint8Array(data.length);
  assert.equal(re.applyBatch(batch, Rng.fromSeed(8), { out }).batch.data, out);
  assert.deepEqual(out, copy.batch.data);
  assert.deepEqual(batch.data, data);
  re.applyBatch(batch, Rng.fromSeed(8), { inPlace: true });
  assert.deepEqual(batch.data, copy.batch.data);
});

test('the default apply returns a copy in its own buffer, small and large images, both pixel types', () => {
  const re = new RandomErasing('reference', { p: 1 });
  for (const [height, width] of [[4, 5], [96, 96]]) {
    for (const data of [Float32Array.from({ length: height * width * 3 }, (_, i) => i / 7), Uint8Array.from({ length: height * width * 3 }, (_, i) => i & 255)]) {
      const before = data.slice();
      const image = imageView(data, { height, width, channels: 3 });
      const { image: erased, regions } = re.apply(image, Rng.fromSeed(5));
      const out = erased.data;
      assert.equal(out.constructor, data.constructor);
      assert.notEqual(out.buffer, data.buffer, 'a buffer of its own');
      assert.equal(out.buffer.byteLength, data.byteLength);
      assert.deepEqual(data, before, 'the input is untouched');
      assert.ok(regions.length > 0);
      const expected = data.slice();
      re.apply(imageView(expected, { height, width, channels: 3 }), Rng.fromSeed(5), { inPlace: true });
      assert.deepEqual(out, expected, 'the copy holds the erased image');
      out.fill(0);
      assert.deepEqual(data, before, 'writing the copy leaves the input alone');
    }
  }
});
