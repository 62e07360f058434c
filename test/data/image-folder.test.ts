import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { loadDataset } from '../../src/data/load.js';
import { channelStats } from '../../src/data/stats.js';
import { tempDir } from './fixtures.js';

/** Write a PNG whose every pixel is `rgba`, in grayscale (colorType 0) or RGBA (colorType 6). */
async function writePng(path: string, width: number, height: number, rgba: number[], gray: boolean) {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) png.data.set(rgba, 4 * p);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, PNG.sync.write(png, gray ? { colorType: 0 } : { colorType: 6 }));
}

/** Write a JPEG whose every pixel is `rgb` (quality 100). */
async function writeJpeg(path: string, width: number, height: number, rgb: number[]) {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], 4 * p);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, jpeg.encode({ data, width, height }, 100).data);
}

test('one folder per class, sorted class names, grayscale gives one channel', async () => {
  const root = await tempDir();
  await writePng(join(root, 'zebra', 'a.png'), 4, 3, [200, 200, 200, 255], true);
  await writePng(join(root, 'ant', 'a.png'), 4, 3, [10, 10, 10, 255], true);
  await writePng(join(root, 'ant', 'b.png'), 4, 3, [20, 20, 20, 255], true);
  await writeFile(join(root, 'ant', 'notes.txt'), 'ignored');
  const d = await loadDataset(root);
  assert.deepEqual(d.classNames, ['ant', 'zebra']);
  assert.deepEqual([d.count, d.height, d.width, d.channels], [3, 3, 4, 1]);
  assert.deepEqual(Array.from(d.labels), [0, 0, 1]);
  assert.deepEqual([d.images[0], d.images[12], d.images[24]], [10, 20, 200]);
});

test('train/test folders: the split is chosen, colour gives three channels without alpha', async () => {
  const root = await tempDir();
  await writePng(join(root, 'train', 'cat', 'a.png'), 2, 2, [1, 2, 3, 128], false);
  await writePng(join(root, 'train', 'dog', 'a.png'), 2, 2, [4, 5, 6, 255], false);
  await writePng(join(root, 'test', 'dog', 'a.png'), 2, 2, [7, 8, 9, 255], false);
  const test = await loadDataset(root, { split: 'test' });
  assert.deepEqual(test.classNames, ['cat', 'dog']);
  assert.deepEqual([test.count, test.channels, test.labels[0]], [1, 3, 1]);
  assert.deepEqual(Array.from(test.images.subarray(0, 6)), [7, 8, 9, 7, 8, 9]);
});

test('bad image folders are rejected with the file named', async () => {
  const root = await tempDir();
  await writePng(join(root, 'a', '1.png'), 4, 4, [0, 0, 0, 255], true);
  await writePng(join(root, 'b', '2.png'), 5, 4, [0, 0, 0, 255], true);
  await assert.rejects(loadDataset(root), /b\/2\.png: is 5x4, expected 4x4/);
  await writeFile(join(root, 'b', '2.png'), 'not a png');
  await assert.rejects(loadDataset(root), /b\/2\.png: not a valid PNG/);
  await assert.rejects(loadDataset(join(root, 'missing')), /missing: is neither a built-in dataset \(fashion-mnist, cifar10, cifar100\) nor an image folder/);
  await assert.rejects(loadDataset(join(root, 'a', '1.png')), /1\.png: is not a folder/);
  await assert.rejects(loadDataset(join(root, 'a')), /has no class folders/);
});

test('channelStats gives the per-channel mean and std on the 0..1 scale', async () => {
  const root = await tempDir();
  await writePng(join(root, 'a', '1.png'), 2, 2, [0, 255, 51, 255], false);
  await writePng(join(root, 'b', '2.png'), 2, 2, [255, 255, 102, 255], false);
  const { mean, std } = channelStats(await loadDataset(root));
  assert.deepEqual(mean.map((m) => m.toFixed(3)), ['0.500', '1.000', '0.300']);
  assert.deepEqual(std.map((s) => s.toFixed(3)), ['0.500', '0.000', '0.100']);
});

test('JPEG and PNG side by side, train/ + val/ layout, class names from the train folders', async () => {
  const root = await tempDir();
  await writeJpeg(join(root, 'train', 'cat', 'a.jpg'), 8, 8, [200, 40, 90]);
  await writePng(join(root, 'train', 'cat', 'b.png'), 8, 8, [1, 2, 3, 255], false);
  await writeJpeg(join(root, 'train', 'dog', 'c.JPEG'), 8, 8, [20, 220, 60]);
  await writeJpeg(join(root, 'val', 'dog', 'd.jpeg'), 8, 8, [90, 90, 90]);
  const train = await loadDataset(root);
  assert.deepEqual(train.classNames, ['cat', 'dog']);
  assert.deepEqual([train.count, train.height, train.width, train.channels], [3, 8, 8, 3]);
  assert.deepEqual(Array.from(train.labels), [0, 0, 1]);
  // Quality 100 on a flat colour: within a few levels of the colour written.
  const close = (at: number, rgb: number[]) => rgb.every((v, c) => Math.abs(train.images[at + c] - v) <= 3);
  assert.ok(close(0, [200, 40, 90]), `jpeg pixel ${Array.from(train.images.subarray(0, 3))}`);
  assert.deepEqual(Array.from(train.images.subarray(192, 195)), [1, 2, 3]);
  assert.ok(close(384, [20, 220, 60]));
  const val = await loadDataset(root, { split: 'test' });
  assert.deepEqual([val.count, val.channels, val.labels[0]], [1, 1, 1], 'a gray JPEG gives one channel');
  assert.ok(Math.abs(val.images[0] - 90) <= 2);
});

test('a file that does not decode is named, with its format', async () => {
  const root = await tempDir();
  await writeJpeg(join(root, 'train', 'a', 'good.jpg'), 8, 8, [10, 20, 30]);
  const good = await readFile(join(root, 'train', 'a', 'good.jpg'));
  await writeFile(join(root, 'train', 'a', 'truncated.jpg'), good.subarray(0, good.length - 200));
  await assert.rejects(loadDataset(root), /train\/a\/truncated\.jpg: not a valid JPEG \(/);
  await writeFile(join(root, 'train', 'a', 'truncated.jpg'), 'GIF89a not an image');
  await assert.rejects(loadDataset(root), /truncated\.jpg: not a valid JPEG \(its first bytes are neither the PNG nor the JPEG signature\)/);
  await assert.rejects(loadDataset(root, { split: 'test' }), /has split folders \(train\) but no 'test' or 'val' or 'validation' folder for the test split/);
});
