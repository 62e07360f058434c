import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCifar } from '../../src/data/cifar.js';
import { extractArchive } from '../../src/data/archive.js';
import { cifar10Members, cifarRecords, MINI_CIFAR10, MINI_CIFAR100, pixel, sendWithRange, serve, tarGz, tempDir, type Member } from './fixtures.js';

const LAYOUT = { root: 'cifar-10-batches-bin', files: cifar10Members().filter((m) => m.data).map((m) => m.header.name.split('/')[1]) };

async function isolated(extra: object = {}) {
  return { cacheDir: await tempDir(), verify: false, download: false, ...extra };
}

test('CIFAR-10 archive: extracted into the cache, planar RGB interleaved to HWC, meta class names', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'cifar-10-binary.tar.gz'), await tarGz(cifar10Members()));
  const options = await isolated({ dataDir: dir });
  const train = await loadCifar(MINI_CIFAR10, options);
  assert.deepEqual([train.count, train.height, train.width, train.channels], [10, 32, 32, 3]);
  assert.deepEqual(Array.from(train.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // Image 7, pixel (y=3, x=5): R at planar 3*32+5, G at +1024, B at +2048.
  const p = 3 * 32 + 5;
  const at = 7 * 3072 + 3 * p;
  assert.deepEqual(Array.from(train.images.subarray(at, at + 3)), [pixel(7, p), pixel(7, 1024 + p), pixel(7, 2048 + p)]);
  assert.equal(train.classNames.length, 10);
  assert.equal(train.classNames[3], 'class3');
  assert.deepEqual(await readdir(join(options.cacheDir, 'cifar10')), ['cifar-10-batches-bin']);
  const test = await loadCifar(MINI_CIFAR10, { ...options, split: 'test' });
  assert.equal(test.count, 3);
});

test('an already extracted folder is accepted; CIFAR-100 uses the fine label', async () => {
  const dir = await tempDir();
  const root = join(dir, 'cifar-100-binary');
  await mkdir(root);
  const fine = cifarRecords(4, 2, 100);
  for (let r = 0; r < 4; r++) fine[r * 3074] = 99; // coarse label byte differs from the fine one
  await writeFile(join(root, 'train.bin'), fine);
  await writeFile(join(root, 'fine_label_names.txt'), Array.from({ length: 100 }, (_, i) => `f${i}`).join('\n'));
  const d = await loadCifar(MINI_CIFAR100, await isolated({ dataDir: dir }));
  assert.deepEqual(Array.from(d.labels), [0, 1, 2, 3]);
  assert.equal(d.classNames[42], 'f42');
  await writeFile(join(root, 'train.bin'), fine.subarray(0, 3074 * 2 + 100));
  await assert.rejects(loadCifar(MINI_CIFAR100, await isolated({ dataDir: dir })), /train\.bin: size 6248 is not a positive multiple of the 3074-byte record/);
  await writeFile(join(root, 'train.bin'), fine.subarray(0, 3074 * 3));
  await assert.rejects(loadCifar(MINI_CIFAR100, await isolated({ dataDir: dir })), /train\.bin: holds 3 records, the official file has 4/);
  await writeFile(join(root, 'train.bin'), fine);
  await writeFile(join(root, 'fine_label_names.txt'), 'a\nb\n');
  await assert.rejects(loadCifar(MINI_CIFAR100, await isolated({ dataDir: dir })), /fine_label_names\.txt: lists 2 class names, expected 100/);
  await assert.rejects(loadCifar('cifar100', await isolated({ dataDir: dir })), /train\.bin: holds 4 records, the official file has 50000/);
});

test('hostile or broken archives are refused and leave nothing extracted', async () => {
  const good = cifar10Members();
  const file = (name: string): Member => ({ header: { name }, data: Buffer.from('x') });
  const cases: [Member[], RegExp][] = [
    [[...good, file('cifar-10-batches-bin/../../evil.sh')], /'\.\.' in path/],
    [[file('/etc/cron.d/evil'), ...good], /absolute path/],
    [[...good, { header: { name: 'cifar-10-batches-bin/link', type: 'symlink', linkname: '/etc/passwd' } }], /type symlink/],
    [[...good, { header: { name: 'cifar-10-batches-bin/hard', type: 'link', linkname: 'cifar-10-batches-bin/readme.html' } }], /type link/],
    [[...good, file('cifar-10-batches-bin/extra.bin')], /unexpected member 'cifar-10-batches-bin\/extra\.bin'/],
    [[...good, { header: { name: 'other/', type: 'directory' } }], /unexpected folder 'other\/'/],
    [good.filter((m) => !m.header.name.endsWith('test_batch.bin')), /missing members test_batch\.bin/],
  ];
  for (const [members, error] of cases) {
    const dir = await tempDir();
    const archive = join(dir, 'a.tar.gz');
    await writeFile(archive, await tarGz(members));
    await assert.rejects(extractArchive(archive, join(dir, 'out'), LAYOUT), (e: Error) => e.message.includes(archive) && error.test(e.message));
    assert.deepEqual(await readdir(join(dir, 'out')).catch(() => []), []);
    assert.deepEqual((await readdir(dir)).filter((name) => name !== 'out'), ['a.tar.gz']);
  }
  const dir = await tempDir();
  const archive = join(dir, 'a.tar.gz');
  const bytes = await tarGz(good);
  await writeFile(archive, bytes.subarray(0, bytes.length >> 1));
  await assert.rejects(extractArchive(archive, join(dir, 'out'), LAYOUT), /a\.tar\.gz: cannot extract: .*(end|truncated)/i);
  await writeFile(archive, Buffer.from('not gzip at all'));
  await assert.rejects(extractArchive(archive, join(dir, 'out'), LAYOUT), /a\.tar\.gz: cannot extract: .*header/i);
});

test('downloads the archive from the mirror; a local archive with a wrong md5 is refused', async () => {
  const bytes = await tarGz(cifar10Members());
  const server = await serve((req, res) => sendWithRange(req, res, bytes));
  try {
    const options = await isolated({ download: true, mirror: server.url, retryDelayMs: 1, split: 'test' });
    assert.equal((await loadCifar(MINI_CIFAR10, options)).count, 3);
    assert.equal(server.requests[0].url, '/cifar-10-binary.tar.gz');
    const dir = await tempDir();
    await writeFile(join(dir, 'cifar-10-binary.tar.gz'), bytes);
    await assert.rejects(loadCifar(MINI_CIFAR10, await isolated({ dataDir: dir, verify: true })), /cifar-10-binary\.tar\.gz: md5 mismatch: expected c32a1d4ab5d03f1284b67883e8d87530/);
  } finally {
    await server.close();
  }
});

test('every file of the official release must hold its official record count, md5 check or not (item 7)', async () => {
  const dir = await tempDir();
  const root = join(dir, 'cifar-10-batches-bin');
  await mkdir(root);
  const full = Buffer.alloc(10000 * 3073);
  for (const i of [1, 2, 4, 5]) await writeFile(join(root, `data_batch_${i}.bin`), full);
  await writeFile(join(root, 'data_batch_3.bin'), full.subarray(0, 9999 * 3073));
  await writeFile(join(root, 'batches.meta.txt'), Array.from({ length: 10 }, (_, i) => `c${i}`).join('\n'));
  for (const verify of [true, false]) {
    await assert.rejects(loadCifar('cifar10', await isolated({ dataDir: dir, verify })), /data_batch_3\.bin: holds 9999 records, the official file has 10000/);
  }
  await writeFile(join(root, 'data_batch_3.bin'), full);
  assert.equal((await loadCifar('cifar10', await isolated({ dataDir: dir }))).count, 50000);
});

test('a folder named with dataDir is the only source: a missing file is an error naming it and the folder (item 6)', async () => {
  const dir = await tempDir();
  const root = join(dir, 'cifar-10-batches-bin');
  await mkdir(root);
  await writeFile(join(root, 'data_batch_1.bin'), cifarRecords(2, 1, 10));
  await assert.rejects(loadCifar(MINI_CIFAR10, await isolated({ dataDir: dir })), (e: Error) => e.message.includes(join(root, 'data_batch_2.bin')) && /is missing: .* holds other cifar10 files/.test(e.message));
  await assert.rejects(loadCifar(MINI_CIFAR10, await isolated({ dataDir: await tempDir() })), /holds no cifar10 files/);
});
