import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FASHION_MNIST_SYSTEM_DIR, loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { loadDataset } from '../../src/data/load.js';
import { channelStats } from '../../src/data/stats.js';
import { idx, pixel, sendWithRange, serve, tempDir, writeFashionSplit } from './fixtures.js';

/** Options that keep tests away from the machine's real locations. */
async function isolated(extra: object = {}) {
  return { systemDir: null, cacheDir: await tempDir(), verify: false, download: false, ...extra };
}

test('reads generated IDX files: shape, pixels, labels', async () => {
  const dir = await tempDir();
  await writeFashionSplit(dir, 't10k', 12);
  const d = await loadFashionMnist({ ...(await isolated()), dataDir: dir, split: 'test' });
  assert.deepEqual([d.count, d.height, d.width, d.channels, d.images.length], [12, 28, 28, 1, 12 * 784]);
  assert.equal(d.images[5 * 784 + 100], pixel(5, 100));
  assert.deepEqual(Array.from(d.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  assert.equal(d.classNames[9], 'Ankle boot');
});

test('location order: an explicit dir alone, else RE_DATA_DIR (or its fashion-mnist subfolder), the system dir, the cache', async () => {
  const [explicit, env] = [await tempDir(), await tempDir()];
  await writeFashionSplit(explicit, 'train', 3);
  await writeFashionSplit(join(env, 'fashion-mnist'), 'train', 5);
  process.env.RE_DATA_DIR = env;
  try {
    assert.equal((await loadFashionMnist({ ...(await isolated()), dataDir: explicit })).count, 3);
    assert.equal((await loadFashionMnist(await isolated())).count, 5);
    const empty = await tempDir();
    await assert.rejects(loadFashionMnist({ ...(await isolated()), dataDir: empty }), (e: Error) => e.message.startsWith(`${empty}: holds no fashion-mnist files`));
  } finally {
    delete process.env.RE_DATA_DIR;
  }
  await assert.rejects(loadFashionMnist(await isolated()), /train-images-idx3-ubyte\(\.gz\) and train-labels-idx1-ubyte\(\.gz\) not found \(download is off\)/);
  const system = await tempDir();
  await writeFashionSplit(system, 'train', 2);
  assert.equal((await loadFashionMnist({ ...(await isolated()), systemDir: system })).count, 2);
});

test('a folder the user names is the only source: a missing file is an error naming it and the folder, never taken elsewhere (item 6)', async () => {
  const [mine, system] = [await tempDir(), await tempDir()];
  await writeFashionSplit(mine, 't10k', 4);
  await writeFashionSplit(system, 't10k', 7);
  await rm(join(mine, 't10k-labels-idx1-ubyte.gz'));
  const options = { ...(await isolated()), systemDir: system, split: 'test' as const };
  await assert.rejects(loadFashionMnist({ ...options, dataDir: mine }), (e: Error) =>
    e.message.startsWith(`${join(mine, 't10k-labels-idx1-ubyte.gz')}: is missing: ${mine} holds other fashion-mnist files`));
  // The train split is not there either: no fallback to the system folder.
  await assert.rejects(loadFashionMnist({ ...options, split: 'train', dataDir: mine }), /train-images-idx3-ubyte\.gz: is missing/);
  // Without an explicit folder, a folder holding part of the dataset is not mixed with another.
  process.env.RE_DATA_DIR = mine;
  try {
    await assert.rejects(loadFashionMnist(options), /t10k-labels-idx1-ubyte\.gz: is missing/);
  } finally {
    delete process.env.RE_DATA_DIR;
  }
  assert.equal((await loadFashionMnist(options)).count, 7);
});

test('corrupt files are rejected with the file and the problem named', async () => {
  const dir = await tempDir();
  await writeFashionSplit(dir, 't10k', 4);
  const images = join(dir, 't10k-images-idx3-ubyte.gz');
  const labels = join(dir, 't10k-labels-idx1-ubyte.gz');
  const load = async () => loadFashionMnist({ ...(await isolated()), dataDir: dir, split: 'test' });
  const cases: [string, Buffer, RegExp][] = [
    [images, gzipSync(idx(2049, [4, 28, 28], new Uint8Array(4 * 784))), /t10k-images.*bad magic number 2049, expected 2051/],
    [images, gzipSync(idx(2051, [4, 28, 28], new Uint8Array(4 * 784 - 5))), /t10k-images.*truncated: payload has 3131 bytes/],
    [images, gzipSync(idx(2051, [4, 28, 28], new Uint8Array(4 * 784 + 1))), /t10k-images.*trailing bytes: payload has 3137 bytes/],
    [images, gzipSync(Buffer.from([0, 0, 8, 3, 0, 0])), /t10k-images.*truncated IDX header/],
    [images, Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), /t10k-images.*corrupt gzip/],
    [images, gzipSync(idx(2051, [5, 28, 28], new Uint8Array(5 * 784))), /t10k-labels.*4 labels but .* 5 images/],
    [labels, gzipSync(idx(2049, [4], Uint8Array.from([0, 1, 10, 2]))), /t10k-labels.*label 10 of item 2 is out of range/],
  ];
  for (const [file, content, error] of cases) {
    await writeFashionSplit(dir, 't10k', 4);
    await writeFile(file, content);
    await assert.rejects(load(), error);
  }
});

test('verification rejects non-official payloads; uncompressed files are accepted too', async () => {
  const dir = await tempDir();
  await writeFashionSplit(dir, 'train', 2);
  await assert.rejects(loadFashionMnist({ ...(await isolated()), dataDir: dir, verify: true }), /train-images.*md5 mismatch of the uncompressed data/);
  const raw = await tempDir();
  await writeFile(join(raw, 'train-images-idx3-ubyte'), idx(2051, [1, 28, 28], new Uint8Array(784)));
  await writeFile(join(raw, 'train-labels-idx1-ubyte'), idx(2049, [1], Uint8Array.from([7])));
  const d = await loadFashionMnist({ ...(await isolated()), dataDir: raw });
  assert.deepEqual([d.count, d.labels[0]], [1, 7]);
});

test('downloads missing files from the mirror into the cache; md5 failures leave the cache empty', async () => {
  const source = await tempDir();
  await writeFashionSplit(source, 't10k', 6);
  const server = await serve(async (req, res) => sendWithRange(req, res, await readFile(join(source, req.url ?? ''))));
  try {
    const options = { ...(await isolated()), download: true, mirror: server.url, retryDelayMs: 1, split: 'test' as const };
    const d = await loadFashionMnist(options);
    assert.equal(d.count, 6);
    assert.deepEqual((await readdir(join(options.cacheDir, 'fashion-mnist'))).sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    const strict = { ...options, cacheDir: await tempDir(), verify: true, retries: 0 };
    await assert.rejects(loadFashionMnist(strict), /md5 mismatch, expected bef4ecab320f06d8554ea6380940ec79/);
    assert.deepEqual(await readdir(join(strict.cacheDir, 'fashion-mnist')), []);
  } finally {
    await server.close();
  }
});

test('real Fashion-MNIST files end to end: md5, counts, 6000/1000 images per class', { skip: !existsSync(FASHION_MNIST_SYSTEM_DIR) }, async () => {
  const opts = { dataDir: FASHION_MNIST_SYSTEM_DIR, download: false };
  for (const [split, perClass] of [['train', 6000], ['test', 1000]] as const) {
    const d = await loadDataset('fashion-mnist', { ...opts, split });
    assert.deepEqual([d.count, d.height, d.width, d.channels], [perClass * 10, 28, 28, 1]);
    const counts = new Array<number>(10).fill(0);
    for (const label of d.labels) counts[label]++;
    assert.deepEqual(counts, new Array<number>(10).fill(perClass));
    if (split === 'train') {
      // The published Fashion-MNIST statistics (0.2860, 0.3530); the seed normalises with MNIST's.
      const { mean, std } = channelStats(d);
      assert.ok(Math.abs(mean[0] - 0.286) < 0.0005 && Math.abs(std[0] - 0.353) < 0.0005, `mean ${mean}, std ${std}`);
    }
  }
  if (process.env.RE_DATA_DIR === undefined) {
    const found = await loadDataset('fashion-mnist', { split: 'test', download: false, cacheDir: await tempDir() });
    assert.equal(found.count, 10000, 'the Debian location is searched by default');
  }
});
