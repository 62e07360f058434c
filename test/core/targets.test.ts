/**
 * Every target of a sample erased with the same regions: segmentation mask (ignore label or kept),
 * keypoints (occluded or dropped), boxes (kept, clipped, dropped by visible fraction), with image-level
 * and object-aware erasers; the image is erased exactly as the eraser's own apply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectAwareErasing, RandomErasing, Rng, eraseSample, imageView, type Box, type Keypoint } from '../../src/core/index.js';

const [H, W] = [12, 16];
const FILL = 9;

function scene() {
  const image = imageView(new Float32Array(H * W * 3).fill(0.5), { height: H, width: W, channels: 3 });
  const mask = Uint8Array.from({ length: H * W }, (_, i) => i % 3);
  const keypoints: Keypoint[] = Array.from({ length: H * W }, (_, i) => ({ x: (i % W) + 0.5, y: Math.floor(i / W) + 0.5 }));
  const boxes: Box[] = [{ x1: 0, y1: 0, x2: W, y2: H }, { x1: 2.5, y1: 1, x2: 7, y2: 6.5 }, { x1: 9, y1: 4, x2: 15, y2: 11 }];
  return { image, mask, keypoints, boxes };
}

/** Which pixels the erased image changed (the fill differs from every pixel value). */
function changed(data: Float32Array): boolean[] {
  return Array.from({ length: H * W }, (_, i) => data[3 * i] === FILL);
}

test('one call: mask gets the ignore label, keypoints are occluded, exactly on the erased pixels; image as apply', () => {
  const eraser = new RandomErasing('reference', { p: 1, fill: { kind: 'constant', value: FILL } });
  let erasedSome = 0;
  for (let seed = 0; seed < 20; seed++) {
    const s = scene();
    const out = eraseSample(eraser, s, Rng.fromSeed(seed));
    const own = eraser.apply(s.image, Rng.fromSeed(seed));
    assert.deepEqual(out.image.data, own.image.data);
    assert.deepEqual(out.regions, own.regions);
    const hit = changed(out.image.data as Float32Array);
    erasedSome += hit.filter(Boolean).length;
    hit.forEach((h, i) => {
      assert.equal(out.mask?.[i], h ? 255 : s.mask[i], `mask pixel ${i}`);
      assert.equal(out.keypoints?.[i].visible ?? true, !h, `keypoint ${i}`);
    });
    assert.deepEqual(out.keypointsKept, s.keypoints.map((_, i) => i));
    assert.deepEqual(s.mask, Uint8Array.from({ length: H * W }, (_, i) => i % 3), 'input mask untouched');
    assert.deepEqual(out.boxes, s.boxes, 'boxes kept by default');
  }
  assert.ok(erasedSome > 20 * 10, `erased ${erasedSome} pixels over 20 samples`);
});

test('maskFill keep or another label; keypoints dropped; visible fractions of boxes', () => {
  const eraser = new RandomErasing('paper', { p: 1, fill: { kind: 'constant', value: FILL } });
  const s = { ...scene(), mask: Int32Array.from({ length: H * W }, () => 4) };
  const kept = eraseSample(eraser, s, Rng.fromSeed(3), { maskFill: 'keep' });
  assert.deepEqual(kept.mask, s.mask);
  const out = eraseSample(eraser, s, Rng.fromSeed(3), { maskFill: -1, keypoints: 'drop' });
  const hit = changed(out.image.data as Float32Array);
  assert.deepEqual(Array.from(out.mask ?? []), hit.map((h) => (h ? -1 : 4)));
  assert.deepEqual(out.keypointsKept, hit.flatMap((h, i) => (h ? [] : [i])));
  assert.ok(out.keypoints?.every((k) => k.visible === undefined));
  const hidden = hit.filter(Boolean).length;
  assert.ok(hidden > 0);
  assert.equal(out.visible?.[0], 1 - hidden / (H * W));
});

test('boxes clipped to their unerased part, dropped when hidden or below minVisible', () => {
  // Regions of exactly 12 x 6 pixels (area 72 = 0.375, aspect 2), corner anywhere it fits (paper placement).
  const eraser = new RandomErasing('paper', { p: 1, sl: 0.375, sh: 0.375, r1: 2, r2: 2, fill: { kind: 'constant', value: FILL } });
  const box: Box = { x1: 0, y1: 0, x2: W, y2: H };
  const small: Box = { x1: 1, y1: 1, x2: 2, y2: 2 };
  const seen = new Set<string>();
  for (let seed = 0; seed < 40; seed++) {
    const out = eraseSample(eraser, { image: scene().image, boxes: [box, small] }, Rng.fromSeed(seed), { boxes: 'clip' });
    const [r] = out.regions;
    assert.deepEqual([r.top, r.height, r.width], [0, 12, 6]);
    const full = out.boxes?.[0];
    if (r.left === 0) assert.deepEqual(full, { x1: 6, y1: 0, x2: W, y2: H });
    else if (r.left === W - 6) assert.deepEqual(full, { x1: 0, y1: 0, x2: W - 6, y2: H });
    else assert.deepEqual(full, box, 'a band inside leaves the bounding box whole');
    const smallHidden = r.left <= 1 && r.left + 6 >= 2;
    assert.deepEqual(out.boxesKept, smallHidden ? [0] : [0, 1]);
    seen.add(r.left === 0 ? 'left' : r.left === W - 6 ? 'right' : 'inside');
    if (smallHidden) seen.add('dropped');
  }
  assert.deepEqual([...seen].sort(), ['dropped', 'inside', 'left', 'right']);
  const strict = eraseSample(eraser, { image: scene().image, boxes: [box] }, Rng.fromSeed(1), { minVisible: 0.7 });
  assert.deepEqual(strict.boxesKept, [], 'visible 0.625 < 0.7');
});

test('object-aware erasers carry their regions to every target; errors name the target', () => {
  const inner: Box = { x1: 4, y1: 3, x2: 12, y2: 10 };
  const ore = new ObjectAwareErasing({ mode: 'object', objectEraser: new RandomErasing('paper', { p: 1, fill: { kind: 'constant', value: FILL } }) });
  const s = scene();
  const out = eraseSample(ore, { image: s.image, mask: s.mask, boxes: [inner] }, Rng.fromSeed(5));
  const hit = changed(out.image.data as Float32Array);
  assert.ok(hit.some(Boolean));
  hit.forEach((h, i) => {
    const [y, x] = [Math.floor(i / W), i % W];
    if (h) assert.ok(y >= 3 && y < 10 && x >= 4 && x < 12, `pixel ${y},${x} erased outside the box`);
    assert.equal(out.mask?.[i], h ? 255 : s.mask[i]);
  });
  const eraser = new RandomErasing('paper');
  assert.throws(() => eraseSample(ore, s, Rng.fromSeed(1), { minVisible: 0.5 }), /give it to the ObjectAwareErasing/);
  assert.throws(() => eraseSample(eraser, { image: s.image, mask: new Uint8Array(5) }, Rng.fromSeed(1)), /mask has 5 labels, expected 192/);
  assert.throws(() => eraseSample(eraser, { image: s.image, mask: s.mask }, Rng.fromSeed(1), { maskFill: 300 }), /maskFill 300 does not fit in a Uint8Array/);
  assert.throws(() => eraseSample(eraser, { image: s.image, keypoints: [{ x: 17, y: 1 }] }, Rng.fromSeed(1)), /keypoints\[0\] .* must lie in 0 <= x <= 16/);
  assert.throws(() => eraseSample(eraser, { image: s.image }, Rng.fromSeed(1), { keypoints: 'hide' as never }), /keypoints must be 'occlude' or 'drop', got 'hide'/);
  assert.throws(() => eraseSample(eraser, { image: s.image, boxes: [{ x1: 3, y1: 0, x2: 2, y2: 4 }] }, Rng.fromSeed(1)), /boxes\[0\] .* must satisfy/);
});
