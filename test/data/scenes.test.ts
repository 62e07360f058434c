import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sampleOf } from '../../src/core/image.js';
import { occlude } from '../../src/core/occlusion.js';
import type { Dataset } from '../../src/data/dataset.js';
import { FASHION_MNIST_SYSTEM_DIR } from '../../src/data/fashion-mnist.js';
import type { DetectionDataset } from '../../src/data/detection/dataset.js';
import { occludeDetection } from '../../src/data/detection/occluded.js';
import { PixelNoise } from '../../src/data/detection/pixel-noise.js';
import { SceneCanvas } from '../../src/data/detection/scene-canvas.js';
import { Rng } from '../../src/core/rng.js';
import { generateScenes, loadScenes, type SceneOptions } from '../../src/data/detection/scenes.js';

/** Value of the solid rectangle in source images of class c. */
const classValue = (c: number) => 100 + 10 * c;

/** 20 grey 28x28 images, class i % 10: a solid rectangle (rows 4..23, columns 6..21) on black. */
function solidSource(): Dataset {
  const count = 20;
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    for (let y = 4; y < 24; y++) images.fill(classValue(i % 10), i * 784 + y * 28 + 6, i * 784 + y * 28 + 22);
  }
  const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'solid', images, labels, count, height: 28, width: 28, channels: 1, classNames: Array.from({ length: 10 }, (_, c) => `c${c}`) };
}

const source = solidSource();
const scenes = (options: Partial<SceneOptions> = {}) => generateScenes(source, { split: 'train', count: 40, seed: 3, ...options });

/** The most frequent pixel value of an image. */
function mode(pixels: Uint8Array): number {
  const counts = new Uint32Array(256);
  for (const v of pixels) counts[v]++;
  return counts.indexOf(Math.max(...counts));
}

describe('SceneCanvas', () => {
  it('pastes at scale 1 exactly, keeps the later piece on top and reports visible boxes and counts', () => {
    const canvas = new SceneCanvas(20, 20);
    canvas.clear();
    const pixels = new Uint8Array(400);
    const piece = (value: number, at: number) => ({
      source: new Uint8Array(100).fill(value), sourceWidth: 10, top: 0, left: 0, height: 10, width: 10, toTop: at, toLeft: at, toHeight: 10, toWidth: 10,
    });
    canvas.paste(pixels, piece(100, 0), 0);
    canvas.paste(pixels, piece(200, 5), 1);
    canvas.paste(pixels, piece(10, 12)); // below the mask level: transparent
    assert.equal(pixels[0], 100);
    assert.equal(pixels[5 * 20 + 5], 200);
    assert.equal(pixels[19 * 20 + 19], 0);
    const [a, b] = canvas.items(2);
    assert.deepEqual(a, { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, visible: 75, pasted: 100 });
    assert.deepEqual(b, { box: { x1: 5, y1: 5, x2: 15, y2: 15 }, visible: 100, pasted: 100 });
  });

  it('rescales bilinearly: a flat source stays flat at any size', () => {
    const canvas = new SceneCanvas(40, 40);
    canvas.clear();
    const pixels = new Uint8Array(1600);
    canvas.paste(pixels, { source: new Uint8Array(28 * 28).fill(150), sourceWidth: 28, top: 3, left: 2, height: 7, width: 5, toTop: 1, toLeft: 2, toHeight: 33, toWidth: 17 }, 0);
    const [item] = canvas.items(1);
    assert.deepEqual(item.box, { x1: 2, y1: 1, x2: 19, y2: 34 });
    assert.equal(item.visible, 33 * 17);
    assert.ok(pixels.every((v, i) => v === (item.box && i % 40 >= 2 && i % 40 < 19 && i >= 40 && i < 34 * 40 ? 150 : 0)));
  });
});

describe('PixelNoise', () => {
  it('adds round(N(0, sigma)): variance sigma^2 + 1/12, tail probabilities of the rounded normal, clamped', () => {
    const n = 1 << 20;
    const pixels = new Uint8Array(n).fill(128);
    new PixelNoise(8).add(pixels, Rng.fromSeed(1));
    let [sum, squares] = [0, 0];
    for (const v of pixels) [sum, squares] = [sum + v - 128, squares + (v - 128) ** 2];
    const mean = sum / n;
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(Math.sqrt(squares / n - mean * mean) - Math.sqrt(64 + 1 / 12)) < 0.03);
    // sigma 0.3: P(round(N) = +1) = P(N > 0.5) = 1 - Phi(1.667) = 0.04779; binomial sd of the count ~ 218.
    const small = new Uint8Array(n).fill(100);
    new PixelNoise(0.3).add(small, Rng.fromSeed(2));
    const count = (v: number) => small.filter((p) => p === v).length;
    for (const v of [99, 101]) assert.ok(Math.abs(count(v) - 0.04779 * n) < 4 * 218, `${v}: ${count(v)}`);
    assert.equal(count(99) + count(100) + count(101), n);
    // sigma 500 around 128: P(v = 255) = P(N >= 126.5) = 0.400 (clamped, not wrapped), likewise P(v = 0).
    const wide = new Uint8Array(4096).fill(128);
    new PixelNoise(500).add(wide, Rng.fromSeed(3));
    for (const v of [0, 255]) assert.ok(Math.abs(wide.filter((p) => p === v).length - 0.4 * 4096) < 5 * 31, `clamped to ${v}`);
  });
});

describe('generateScenes', () => {
  it('is deterministic per seed, differs across seeds and splits, and any range can be generated alone', () => {
    const a = scenes();
    const b = scenes();
    assert.deepEqual(a.batch.data, b.batch.data);
    assert.deepEqual(a.images, b.images);
    assert.notDeepEqual(scenes({ seed: 4 }).batch.data, a.batch.data);
    assert.notDeepEqual(scenes({ split: 'test' }).batch.data, a.batch.data);
    const part = scenes({ first: 25, count: 10 });
    assert.deepEqual(part.batch.data, a.batch.data.subarray(25 * 4096, 35 * 4096));
    assert.deepEqual(part.images, a.images.slice(25, 35));
    assert.equal(part.images[0].id, 25);
  });

  it('a lone item: its box is the tight box of the pixels that differ from the background, its label its class', () => {
    const set = scenes({ items: [1, 1], distractors: [0, 0], noise: 0 });
    for (let i = 0; i < set.images.length; i++) {
      const pixels = sampleOf(set.batch, i).data;
      const background = mode(pixels);
      let [x1, y1, x2, y2] = [64, 64, 0, 0];
      pixels.forEach((v, p) => {
        if (v === background) return;
        const [x, y] = [p % 64, Math.floor(p / 64)];
        [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
      });
      const [object] = set.images[i].objects;
      assert.deepEqual(object.box, { x1, y1, x2, y2 }, `scene ${i}`);
      assert.equal(Math.max(...pixels), classValue(object.label), `scene ${i}: label`);
      assert.equal(object.difficult, false);
      assert.ok(object.area > 0 && object.area <= (x2 - x1) * (y2 - y1));
    }
  });

  it('several overlapping items: boxes inside the canvas, the top item never difficult, difficult by visible fraction', () => {
    const crowded = scenes({ count: 60, items: [4, 6], itemSize: [24, 40], maxOverlap: 1, difficultBelow: 1 });
    let difficult = 0;
    for (const image of crowded.images) {
      for (const o of image.objects) {
        assert.ok(o.box.x1 >= 0 && o.box.y1 >= 0 && o.box.x2 <= 64 && o.box.y2 <= 64 && o.box.x1 < o.box.x2 && o.box.y1 < o.box.y2);
        if (o.difficult) difficult++;
      }
      assert.equal(image.objects[image.objects.length - 1].difficult, false, 'the item drawn last is fully visible');
    }
    assert.ok(difficult > 60, `with difficultBelow 1 every partly hidden item is difficult, got ${difficult}`);
    const relaxed = scenes({ count: 60, items: [4, 6], itemSize: [24, 40], maxOverlap: 1, difficultBelow: 0 });
    assert.ok(relaxed.images.every((im) => im.objects.every((o) => !o.difficult)));
    const counts = scenes({ items: [2, 3] }).images.map((im) => im.objects.length);
    assert.ok(counts.every((n) => n >= 1 && n <= 3) && counts.some((n) => n === 3));
  });

  it('a source smaller than the fragment sizes: fragments are cut to fit', () => {
    const tiny: Dataset = { ...source, images: new Uint8Array(20 * 36).fill(200), height: 6, width: 6 };
    const set = generateScenes(tiny, { split: 'train', count: 20, seed: 1, distractors: [3, 3], noise: 0 });
    assert.ok(set.batch.data.some((v) => v === 200), 'items and fragments painted');
    assert.ok(set.images.every((im) => im.objects.length >= 1));
  });

  it('rejects bad options and sources, naming the option', () => {
    assert.throws(() => scenes({ count: 0 }), /count must be an integer in \[1, 4294967295\], got 0/);
    assert.throws(() => scenes({ itemSize: [10, 80] }), /itemSize must be integers/);
    assert.throws(() => scenes({ split: 'val' as 'train' }), /split must be 'train' or 'test'/);
    assert.throws(() => scenes({ difficultBelow: 2 }), /difficultBelow must be in \[0, 1\]/);
    assert.throws(() => generateScenes({ ...source, channels: 3 }, { split: 'train', count: 1 }), /must be grey/);
  });
});

describe('occludeDetection', () => {
  it('occludes image i from (seed, i) as core occlude does, keeps annotations, same in memory or read lazily', async () => {
    const set = scenes({ count: 8 });
    const occluded = occludeDetection(set, 0.3, 9);
    assert.equal(occluded.name, 'solid-scenes-train-occluded-0.3');
    assert.equal(occluded.images, set.images);
    const lazy = occludeDetection({ ...set, batch: undefined } as DetectionDataset, 0.3, 9);
    assert.equal(lazy.batch, undefined);
    for (let i = 0; i < 8; i++) {
      const expected = occlude(sampleOf(set.batch, i), 0.3, 9, i).image.data;
      assert.deepEqual((await occluded.readImage(i)).data, expected);
      assert.deepEqual((await lazy.readImage(i)).data, expected);
      const changed = expected.filter((v, p) => v !== set.batch.data[i * 4096 + p]).length;
      assert.ok(changed > 0.25 * 4096 && changed <= Math.round(0.3 * 4096) + 64, `image ${i}: ${changed} pixels changed`);
    }
    assert.throws(() => occludeDetection(set, 1.5, 0), /fraction must be in \[0, 1\]/);
    await assert.rejects(occluded.readImage(8), /image index 8 is out of range/);
  });
});

describe('Fashion-MNIST scenes', { skip: existsSync(FASHION_MNIST_SYSTEM_DIR) ? false : 'dataset-fashion-mnist not installed' }, () => {
  it('test scenes from the test split: objects of every class, some difficult, deterministic', async () => {
    const options = { split: 'test', count: 300, seed: 1, dataDir: FASHION_MNIST_SYSTEM_DIR, download: false } as const;
    const [a, b] = [await loadScenes(options), await loadScenes(options)];
    assert.equal(a.name, 'fashion-mnist-scenes-test');
    assert.deepEqual(a.batch.data, b.batch.data);
    const objects = a.images.flatMap((im) => im.objects);
    assert.deepEqual(new Set(objects.map((o) => o.label)).size, 10);
    const difficult = objects.filter((o) => o.difficult).length;
    assert.ok(difficult > 0 && difficult < 0.2 * objects.length, `${difficult} of ${objects.length} difficult`);
    assert.ok(objects.length > 2.5 * 300 && objects.length <= 4 * 300, `${objects.length} objects`);
    assert.deepEqual(a.options, { ...a.options, height: 64, width: 64, items: [2, 4], noise: 8 });
  });
});
