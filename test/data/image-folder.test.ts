import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
