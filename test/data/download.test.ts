import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { download } from '../../src/data/download.js';
import { sendWithRange, serve, tempDir } from './fixtures.js';

const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 13) & 0xff));
const MD5 = createHash('md5').update(BODY).digest('hex');
const FAST = { retryDelayMs: 1, progress: false };

test('downloads, checks the md5 and leaves only the final file', async () => {
  const server = await serve((req, res) => sendWithRange(req, res, BODY));
  const dir = await tempDir();
  try {
    await download(`${server.url}f.bin`, join(dir, 'f.bin'), { ...FAST, md5: MD5 });
    assert.deepEqual(await readFile(join(dir, 'f.bin')), BODY);
    assert.deepEqual(await readdir(dir), ['f.bin']);
  } finally {
    await server.close();
  }
});

test('an interrupted transfer resumes with a Range request', async () => {
  let calls = 0;
  const server = await serve((req, res) => {
    if (calls++ === 0) {
      // Promise the whole body, send a third, then drop the connection.
      res.writeHead(200, { 'content-length': String(BODY.length) });
      res.write(BODY.subarray(0, 70_000), () => res.destroy());
      return;
    }
    sendWithRange(req, res, BODY);
  });
  const dir = await tempDir();
  try {
    await download(`${server.url}f.bin`, join(dir, 'f.bin'), { ...FAST, md5: MD5 });
    assert.deepEqual(await readFile(join(dir, 'f.bin')), BODY);
    assert.equal(server.requests.length, 2);
    assert.match(server.requests[1].headers.range ?? '', /^bytes=\d+-$/);
    assert.ok(Number(/\d+/.exec(server.requests[1].headers.range ?? '')?.[0]) > 0);
  } finally {
    await server.close();
  }
});

test('a stalled transfer is abandoned after the stall timeout and resumed', async () => {
  let calls = 0;
  const server = await serve((req, res) => {
    if (calls++ > 0) return sendWithRange(req, res, BODY);
    res.writeHead(200, { 'content-length': String(BODY.length) });
    res.write(BODY.subarray(0, 1000)); // then nothing: the connection stays open
  });
  const dir = await tempDir();
  try {
    await download(`${server.url}f.bin`, join(dir, 'f.bin'), { ...FAST, md5: MD5, stallTimeoutMs: 300 });
    assert.deepEqual(await readFile(join(dir, 'f.bin')), BODY);
    assert.equal(server.requests[1].headers.range, 'bytes=1000-');
  } finally {
    await server.close();
  }
});

test('a leftover partial file is resumed, or restarted when the server ignores Range', async () => {
  for (const honourRange of [true, false]) {
    const server = await serve((req, res) => (honourRange ? sendWithRange(req, res, BODY) : res.end(BODY)));
    const dir = await tempDir();
    try {
      await writeFile(join(dir, 'f.bin.part'), BODY.subarray(0, 1000));
      await download(`${server.url}f.bin`, join(dir, 'f.bin'), { ...FAST, md5: MD5 });
      assert.deepEqual(await readFile(join(dir, 'f.bin')), BODY);
      assert.equal(server.requests[0].headers.range, 'bytes=1000-');
    } finally {
      await server.close();
    }
  }
});

test('HTTP 404 fails at once, 503 is retried', async () => {
  let calls = 0;
  const server = await serve((req, res) => {
    if (req.url === '/missing') res.writeHead(404).end();
    else if (calls++ < 2) res.writeHead(503).end();
    else sendWithRange(req, res, BODY);
  });
  const dir = await tempDir();
  try {
    await assert.rejects(download(`${server.url}missing`, join(dir, 'm'), FAST), /HTTP 404/);
    assert.equal(server.requests.length, 1);
    await download(`${server.url}flaky`, join(dir, 'f'), { ...FAST, md5: MD5 });
    assert.equal(calls, 3);
    assert.deepEqual(await readdir(dir), ['f']);
  } finally {
    await server.close();
  }
});

test('persistent truncation or md5 mismatch fails and leaves nothing behind', async () => {
  const server = await serve((req, res) => {
    if (req.url === '/short') {
      res.writeHead(200, { 'content-length': String(BODY.length) });
      res.write(BODY.subarray(0, 10), () => res.destroy());
    } else {
      sendWithRange(req, res, BODY);
    }
  });
  const dir = await tempDir();
  try {
    await assert.rejects(download(`${server.url}short`, join(dir, 's'), { ...FAST, retries: 2 }), /connection lost|truncated/);
    await assert.rejects(download(`${server.url}ok`, join(dir, 'o'), { ...FAST, retries: 1, md5: '0'.repeat(32) }), /md5 mismatch/);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await server.close();
  }
});
