/** Object-aware erasing (IRE / ORE / I+ORE) and occlusion for evaluation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectAwareErasing, RandomErasing, Rng, boxWindow, imageView, occlude, occlusionRegion, type Box } from '../../src/core/index.js';

const H = 40;
const W = 60;
const boxes: Box[] = [
  { x1: 2.5, y1: 3, x2: 20, y2: 30 },
  { x1: 30, y1: 10, x2: 60, y2: 40 },
];
const sure = new RandomErasing('paper', { p: 1 });

function image() {
  return imageView(new Uint8Array(H * W * 3).fill(100), { height: H, width: W, channels: 3 });
}

function inWindow(r: { top: number; left: number; height: number; width: number }, b: Box): boolean {
  const w = boxWindow(b);
  return r.top >= w.top && r.left >= w.left && r.top + r.height <= w.top + w.height && r.left + r.width <= w.left + w.width;
}

test('ORE erases inside each box independently; IRE erases the image; I+ORE both', () => {
  const rng = Rng.fromSeed(1);
  for (let i = 0; i < 200; i++) {
    const ore = new ObjectAwareErasing({ mode: 'object', objectEraser: sure }).apply(image(), boxes, rng);
    assert.equal(ore.regions.length, 2);
    assert.ok(inWindow(ore.regions[0], boxes[0]) && inWindow(ore.regions[1], boxes[1]), JSON.stringify(ore.regions));
  }
  const ire = new ObjectAwareErasing({ mode: 'image', imageEraser: sure }).apply(image(), boxes, Rng.fromSeed(2));
  assert.equal(ire.regions.length, 1);
  const both = new ObjectAwareErasing({ mode: 'image+object', imageEraser: sure, objectEraser: sure }).apply(image(), boxes, Rng.fromSeed(3));
  assert.equal(both.regions.length, 3);
  assert.deepEqual(both.boxes, boxes);
});

test('visible fractions are measured; boxes below minVisible are dropped, all kept by default', () => {
  const big = new RandomErasing('reference', { p: 1, sl: 0.5, sh: 0.5, r1: 1, fit: 'inclusive' });
  const kept = new ObjectAwareErasing({ mode: 'object', objectEraser: big }).apply(image(), boxes, Rng.fromSeed(4));
  assert.equal(kept.boxes.length, 2);
  for (const [i, r] of kept.regions.entries()) {
    const w = boxWindow(boxes[i]);
    assert.ok(Math.abs(kept.visible[i] - (1 - (r.height * r.width) / (w.height * w.width))) < 1e-12);
  }
  const dropped = new ObjectAwareErasing({ mode: 'object', objectEraser: big, minVisible: 0.6 }).apply(image(), boxes, Rng.fromSeed(4));
  assert.deepEqual(dropped.kept, []);
  assert.deepEqual(dropped.visible, kept.visible);
});

test('object-aware bad input: boxes outside the image, bad mode, bad threshold', () => {
  const oa = new ObjectAwareErasing({ mode: 'object' });
  assert.throws(() => oa.apply(image(), [{ x1: 10, y1: 0, x2: 61, y2: 5 }], Rng.fromSeed(1)), /boxes\[0\] .* must satisfy 0 <= x1 < x2 <= 60/);
  assert.throws(() => oa.apply(image(), [{ x1: 5, y1: 5, x2: 5, y2: 9 }], Rng.fromSeed(1)), /boxes\[0\]/);
  assert.throws(() => new ObjectAwareErasing({ mode: 'boxes' as never }), /object-aware mode must be .* got 'boxes'/);
  assert.throws(() => new ObjectAwareErasing({ mode: 'object', minVisible: 1.5 }), /minVisible must be in \[0, 1\], got 1\.5/);
});

test('occlusion: area = fraction to rounding, inside, random fill, same for same (seed, index)', () => {
  for (const fraction of [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1]) {
    for (let index = 0; index < 50; index++) {
      const r = occlusionRegion(H, W, fraction, Rng.fromSeed(9).derive(index));
      assert.ok(r && r.top >= 0 && r.left >= 0 && r.top + r.height <= H && r.left + r.width <= W, JSON.stringify(r));
      // Sides are rounded, so the area is within half a row and half a column of the target.
      const target = fraction * H * W;
      assert.ok(Math.abs(r.height * r.width - target) <= (r.height + r.width) / 2 + 1, `fraction ${fraction}: ${JSON.stringify(r)}`);
    }
  }
  const a = occlude(image(), 0.3, 7, 12);
  assert.deepEqual(a, occlude(image(), 0.3, 7, 12));
  assert.notDeepEqual(a.region, occlude(image(), 0.3, 7, 13).region);
  const r = a.region!;
  const values = new Set<number>();
  for (let y = r.top; y < r.top + r.height; y++) for (let x = r.left; x < r.left + r.width; x++) values.add(a.image.data[(y * W + x) * 3]);
  assert.ok(values.size > 200, `only ${values.size} distinct fill values`);
  assert.equal(occlude(image(), 0, 7, 12).region, null);
  assert.throws(() => occlude(image(), 1.2, 7, 1), /occlusion fraction must be in \[0, 1\], got 1\.2/);
});
