import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchView, imageView } from '../../src/core/image.js';
import { boxWindow, type Box } from '../../src/core/object-aware.js';
import { Rng } from '../../src/core/rng.js';
import { inMemoryDetection, type DetectionImage } from '../../src/data/detection/dataset.js';
import { detectionSource, SceneAugmenter } from '../../src/train/detection/detector-data.js';
import type { ErasingArm } from '../../src/train/detection/detector-spec.js';

const [H, W] = [32, 40];
const BOXES: Box[] = [{ x1: 2, y1: 3, x2: 14, y2: 17 }, { x1: 22.5, y1: 12, x2: 37, y2: 30 }];

/** A grey image with distinct pixel values (so any erased pixel changes). */
function image() {
  return imageView(Float32Array.from({ length: H * W }, (_, i) => ((i * 37) % 101) / 200 + 0.25), { height: H, width: W, channels: 1 });
}

function inside(y: number, x: number): boolean {
  return BOXES.some((b) => {
    const w = boxWindow(b);
    return y >= w.top && y < w.top + w.height && x >= w.left && x < w.left + w.width;
  });
}

/** Over many draws: pixels changed inside and outside the boxes. */
function changes(arm: ErasingArm): { inside: number; outside: number } {
  const augmenter = new SceneAugmenter({ erasing: arm, p: 1, sl: 0.02, sh: 0.4, r1: 0.3, flip: false });
  const source = image();
  const counts = { inside: 0, outside: 0 };
  for (let draw = 0; draw < 40; draw++) {
    const out = augmenter.apply(source, BOXES, Rng.fromSeed(3).derive(draw));
    assert.deepEqual(out.boxes, BOXES, 'boxes are kept as they are');
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (out.image.data[y * W + x] !== source.data[y * W + x]) counts[inside(y, x) ? 'inside' : 'outside']++;
      }
    }
  }
  return counts;
}

test('each arm erases where it says: none nowhere, ORE only inside boxes, IRE and I+ORE over the image', () => {
  assert.deepEqual(changes('none'), { inside: 0, outside: 0 });
  const ore = changes('object');
  assert.equal(ore.outside, 0, 'ORE never erases outside the boxes');
  assert.ok(ore.inside > 1000, `ORE erases inside the boxes (${ore.inside} pixels)`);
  const ire = changes('image');
  assert.ok(ire.outside > 1000 && ire.inside > 1000, JSON.stringify(ire));
  const both = changes('image+object');
  // I+ORE adds one region per box to IRE's: more of the boxes is erased, the same share outside.
  assert.ok(both.inside > ire.inside * 1.3, `I+ORE ${both.inside} vs IRE ${ire.inside} pixels inside`);
  assert.ok(both.outside > 1000);
});

test('the flip mirrors the image and its boxes; the erasing follows the flipped boxes', () => {
  const augmenter = new SceneAugmenter({ erasing: 'object', p: 1, sl: 0.02, sh: 0.4, r1: 0.3, flip: true });
  const source = image();
  let flips = 0;
  for (let draw = 0; draw < 20; draw++) {
    const out = augmenter.apply(source, BOXES, Rng.fromSeed(9).derive(draw));
    if (out.boxes[0].x1 === BOXES[0].x1) continue;
    flips++;
    assert.deepEqual(out.boxes[1], { x1: W - 37, y1: 12, x2: W - 22.5, y2: 30 });
    let unchanged = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) if (out.image.data[y * W + x] === source.data[y * W + (W - 1 - x)]) unchanged++;
    }
    assert.ok(unchanged > H * W * 0.6, 'mirrored pixels outside the erased regions');
  }
  assert.ok(flips > 4 && flips < 16, `${flips} of 20 flipped`);
});

test('batches: seeded order and augmentation, non-difficult targets, the same whatever batch a run starts from', () => {
  const count = 10;
  const pixels = new Uint8Array(count * H * W).map((_, i) => (i * 7) % 251);
  const images: DetectionImage[] = Array.from({ length: count }, (_, id) => ({
    id,
    file: `s${id}`,
    height: H,
    width: W,
    objects: BOXES.map((box, j) => ({ box, label: j, difficult: j === 1 && id % 2 === 0, crowd: false, area: 1 })),
  }));
  const dataset = inMemoryDetection('tiny', ['a', 'b'], images, batchView(pixels, { count, height: H, width: W, channels: 1 }));
  const augment = new SceneAugmenter({ erasing: 'image+object', p: 0.5, sl: 0.02, sh: 0.4, r1: 0.3, flip: true });
  const source = detectionSource({ dataset, batchSize: 4, augment, seed: 7 });
  assert.equal(source.batchesPerEpoch, 3);
  const epoch = [...source.epoch(2)];
  assert.deepEqual(epoch.map((b) => b.count), [4, 4, 2]);
  assert.deepEqual([...epoch.flatMap((b) => b.indices)].sort((a, b) => a - b), [...Array(count).keys()]);
  assert.notDeepEqual(epoch.flatMap((b) => b.indices), [...Array(count).keys()], 'shuffled');
  const later = [...source.epoch(2, 1)];
  assert.deepEqual(later.map((b) => [...b.x.subarray(0, 50)]), epoch.slice(1).map((b) => [...b.x.subarray(0, 50)]));
  epoch.forEach((b) => b.indices.forEach((index, k) => assert.equal(b.objects[k].length, index % 2 === 0 ? 1 : 2)));
  assert.ok(epoch.every((b) => b.x.every((v) => v >= 0 && v <= 1)));
  const test = detectionSource({ dataset, batchSize: 4, seed: 7 });
  const [first] = test.epoch(0);
  assert.deepEqual(first.indices, [0, 1, 2, 3]);
  assert.deepEqual([...first.x.subarray(0, 5)], [...pixels.subarray(0, 5)].map((v) => Math.fround(v / 255)));
});
