import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { sampleOf } from '../../src/core/image.js';
import { boxWindow } from '../../src/core/object-aware.js';
import { occlude } from '../../src/core/occlusion.js';
import { RandomErasing } from '../../src/core/random-erasing.js';
import type { Region } from '../../src/core/region-sampler.js';
import type { Dataset } from '../../src/data/dataset.js';
import { generateScenes } from '../../src/data/detection/scenes.js';
import { DIFFICULT_COLOR, PREVIEW_OCCLUSION, detectionPreview, writeDetectionPreview } from '../../src/experiments/detection-preview.js';
import { BOX_COLOR } from '../../src/experiments/object-preview.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** 10 grey 28x28 images, one per class: a bright rectangle on black. */
function rectangles(): Dataset {
  const images = new Uint8Array(10 * 784);
  for (let i = 0; i < 10; i++) for (let y = 3 + (i % 4); y < 25; y++) images.fill(120 + 12 * i, i * 784 + y * 28 + 5, i * 784 + y * 28 + 23);
  return { name: 'rects', images, labels: Int32Array.from({ length: 10 }, (_, i) => i), count: 10, height: 28, width: 28, channels: 1, classNames: Array.from({ length: 10 }, (_, i) => `r${i}`) };
}

const inside = (r: Region, y: number, x: number) => y >= r.top && y < r.top + r.height && x >= r.left && x < r.left + r.width;

test('detection preview rows: boxes, IRE, ORE (erasing inside boxes only), I+ORE, the occluded test scene', () => {
  const set = generateScenes(rectangles(), { split: 'test', count: 6, seed: 4, items: [3, 4], maxOverlap: 1, difficultBelow: 0.8 });
  const scenes = set.images.map((im, i) => ({ image: sampleOf(set.batch, i), objects: im.objects }));
  const rows = detectionPreview({ scenes, eraser: new RandomErasing('paper', { p: 1 }), seed: 5, outline: true });
  assert.equal(rows.length, 5);
  assert.ok(set.images.some((im) => im.objects.some((o) => o.difficult)), 'some difficult boxes to draw');
  rows[0].forEach((tile, i) => {
    assert.equal(tile.image, scenes[i].image);
    const [plain, difficult] = tile.outlines ?? [];
    assert.deepEqual(plain.color, BOX_COLOR);
    assert.deepEqual(difficult.color, DIFFICULT_COLOR);
    assert.deepEqual([...plain.rects, ...difficult.rects].length, scenes[i].objects.length);
  });
  for (const [row, name] of [[1, 'IRE'], [2, 'ORE'], [3, 'I+ORE']] as const) {
    rows[row].forEach((tile, i) => {
      const regions = (tile.outlines?.[2]?.rects ?? []) as Region[];
      assert.ok(regions.length > 0, `${name} scene ${i} erases`);
      for (let p = 0; p < 4096; p++) {
        const [y, x] = [Math.floor(p / 64), p % 64];
        if (!regions.some((r) => inside(r, y, x))) assert.equal(tile.image.data[p], scenes[i].image.data[p], `${name} scene ${i} pixel ${p}`);
      }
      if (name === 'ORE') {
        const windows = scenes[i].objects.map((o) => boxWindow(o.box));
        for (const r of regions) assert.ok(windows.some((w) => inside(w, r.top, r.left) && inside(w, r.top + r.height - 1, r.left + r.width - 1)), `ORE region ${JSON.stringify(r)} outside every box`);
      }
    });
  }
  rows[4].forEach((tile, i) => assert.deepEqual(tile.image.data, occlude(scenes[i].image, PREVIEW_OCCLUSION, 5, i).image.data));
});

test('writeDetectionPreview writes one column per scene index and says what the rows are', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 're-det-')), 'p.png');
  const line = await writeDetectionPreview({ source: rectangles(), split: 'train', samples: 2, indices: [3, 900], eraser: new RandomErasing('paper', { p: 1 }), seed: 1, scale: 1, out });
  const png = PNG.sync.read(await readFile(out));
  assert.deepEqual([png.width, png.height], [4 + 2 * 68, 4 + 5 * 68]);
  assert.match(line, /2 rects-scenes-train scenes \(3, 900\); rows: scenes with boxes .*IRE, ORE, I\+ORE, occluded 30 %/);
  await assert.rejects(writeDetectionPreview({ source: rectangles(), split: 'train', samples: 1, indices: [-1], eraser: new RandomErasing('paper'), seed: 1, out }), /--indices: scene indices must be integers >= 0/);
});

test('random-erasing preview --detection on a PNG folder dataset; --draws is refused with it', async () => {
  const root = await mkdtemp(join(tmpdir(), 're-det-cli-'));
  const source = rectangles();
  for (let c = 0; c < 3; c++) {
    await mkdir(join(root, 'data', `class${c}`), { recursive: true });
    const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    const grey = source.images.subarray(c * 784, (c + 1) * 784);
    png.data = Buffer.from(Uint8Array.from({ length: 784 * 4 }, (_, k) => (k % 4 === 3 ? 255 : grey[k >> 2])));
    await writeFile(join(root, 'data', `class${c}`, 'a.png'), PNG.sync.write(png, { colorType: 0 }));
  }
  const out = join(root, 'det.png');
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'preview', '-d', join(root, 'data'), ...args], { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' });
  const ok = run(['--detection', '-n', '3', '--seed', '2', '--scale', '1', '-o', out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /3 data-scenes-train scenes \(0, 1, 2\)/);
  const png = PNG.sync.read(await readFile(out));
  assert.deepEqual([png.width, png.height], [4 + 3 * 68, 4 + 5 * 68]);
  const bad = run(['--detection', '--draws', '3', '-o', out]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--detection: not with --object-aware or --draws/);
});
