import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { imageView } from '../../src/core/image.js';
import { RandomErasing } from '../../src/core/random-erasing.js';
import { Rng } from '../../src/core/rng.js';
import type { Dataset } from '../../src/data/dataset.js';
import { encodePng, renderGrid, upscaleFactor } from '../../src/experiments/image-grid.js';
import { foregroundBox, objectAwarePreview, parseBoxes, randomBox } from '../../src/experiments/object-preview.js';
import { erasingPreview, pickSamples } from '../../src/experiments/erasing-preview.js';

/** 12 images 6x6x1 of 3 classes; class k has a bright 2x2 square at (k, k) on black. */
function squares(): Dataset {
  const count = 12;
  const images = new Uint8Array(count * 36);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % 3;
    labels[i] = k;
    for (const [y, x] of [[k, k], [k, k + 1], [k + 1, k], [k + 1, k + 1]]) images[i * 36 + y * 6 + x] = 250;
  }
  return { name: 'squares', images, labels, count, height: 6, width: 6, channels: 1, classNames: ['a', 'b', 'c'] };
}

test('upscaling reaches 112 px and the grid lays tiles out with gaps, pixels replicated', () => {
  assert.equal(upscaleFactor(28, 28), 4);
  assert.equal(upscaleFactor(32, 32), 4);
  assert.equal(upscaleFactor(224, 224), 1);
  const image = imageView(Uint8Array.from([0, 255, 255, 0]), { height: 2, width: 2, channels: 1 });
  const raster = renderGrid([[{ image }, { image }]], { scale: 3, gap: 1 });
  assert.deepEqual([raster.width, raster.height], [1 + 2 * 7, 1 + 7]);
  const px = (x: number, y: number) => raster.data[(y * raster.width + x) * 4];
  assert.equal(px(1, 1), 0);
  assert.equal(px(3, 3), 0);
  assert.equal(px(4, 1), 255);
  assert.equal(px(9, 1), 0);
  assert.equal(px(0, 0), 255);
  const png = PNG.sync.read(encodePng(raster));
  assert.deepEqual([png.width, png.height], [15, 8]);
  assert.throws(() => renderGrid([[{ image }, { image: imageView(new Uint8Array(9), { height: 3, width: 3, channels: 1 }) }]]), /every tile must be 2x2/);
});

test('samples cycle through classes; erased rows differ from the originals only inside the erased regions', () => {
  const dataset = squares();
  const indices = pickSamples(dataset, 6, 4);
  assert.deepEqual(indices.map((i) => dataset.labels[i]), [0, 1, 2, 0, 1, 2]);
  assert.deepEqual(pickSamples(dataset, 6, 4), indices);
  const rows = erasingPreview({ dataset, eraser: new RandomErasing('paper', { p: 1 }), indices, draws: 2, seed: 9, outline: true });
  assert.equal(rows.length, 3);
  rows[1].forEach((tile, i) => {
    const original = rows[0][i].image.data;
    const rects = tile.outlines?.[0]?.rects ?? [];
    assert.ok(rects.length > 0);
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 6; x++) {
        const inside = rects.some((r) => y >= r.top && y < r.top + r.height && x >= r.left && x < r.left + r.width);
        if (!inside) assert.equal(tile.image.data[y * 6 + x], original[y * 6 + x]);
      }
    }
  });
});

test('generated boxes frame the object; object-aware rows keep ORE erasing inside the box', () => {
  const dataset = squares();
  const image = imageView(dataset.images.subarray(36 * 2, 36 * 3), dataset);
  assert.deepEqual(foregroundBox(image), { x1: 2, y1: 2, x2: 4, y2: 4 });
  assert.equal(foregroundBox(imageView(new Uint8Array(36), dataset)), null);
  const box = randomBox(32, 32, Rng.fromSeed(1));
  assert.ok(box.x2 - box.x1 >= 12 && box.x2 <= 32 && box.y2 - box.y1 >= 12 && box.y2 <= 32);
  const boxes = [{ x1: 1, y1: 1, x2: 5, y2: 5 }];
  const rows = objectAwarePreview({ dataset, indices: [0, 1, 2], eraser: new RandomErasing('paper', { p: 1 }), seed: 2, boxes, outline: true });
  assert.equal(rows.length, 4);
  for (const tile of rows[2]) {
    const erased = tile.outlines?.[1]?.rects ?? [];
    for (const r of erased) assert.ok(r.top >= 1 && r.left >= 1 && r.top + r.height <= 5 && r.left + r.width <= 5, JSON.stringify(r));
  }
  assert.throws(() => parseBoxes('{"x1": 1}', 'b.json'), /b\.json: expected a non-empty JSON array/);
  assert.throws(() => parseBoxes('[{"x1": 1, "y1": 2}]', 'b.json'), /b\.json: box 0 must be an object with numeric x1, y1, x2, y2/);
  assert.throws(() => parseBoxes('[', 'b.json'), /b\.json: not valid JSON/);
});
