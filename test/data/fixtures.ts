/** Test fixtures: tiny files in the official dataset formats and a local HTTP server. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import type { AddressInfo } from 'node:net';
import { CIFAR, type CifarSpec } from '../../src/data/cifar.js';

/** A fresh temporary folder. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 're-data-'));
}

/** An IDX file: magic, big-endian dimensions, payload. */
export function idx(magic: number, dims: number[], payload: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, payload]);
}

/** Pixel value of image i at byte p, so tests can check where each byte landed. */
export function pixel(i: number, p: number): number {
  return (i * 31 + p * 7) & 0xff;
}

/** Gzipped Fashion-MNIST style files for one split: `count` 28x28 images, label i % 10. */
export async function writeFashionSplit(dir: string, prefix: 'train' | 't10k', count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const images = Uint8Array.from({ length: count * 784 }, (_, k) => pixel(Math.floor(k / 784), k % 784));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  await writeFile(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(idx(2051, [count, 28, 28], images)));
  await writeFile(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(idx(2049, [count], labels)));
}

/** CIFAR binary records: `count` records with `labelBytes` label bytes (label = i % classes). */
export function cifarRecords(count: number, labelBytes: number, classes: number, first = 0): Buffer {
  const size = labelBytes + 3072;
  const out = Buffer.alloc(count * size);
  for (let r = 0; r < count; r++) {
    for (let b = 0; b < labelBytes; b++) out[r * size + b] = (first + r) % classes;
    for (let p = 0; p < 3072; p++) out[r * size + labelBytes + p] = pixel(first + r, p);
  }
  return out;
}

/** A member of a tar archive to build. */
export interface Member {
  header: Partial<Header> & { name: string };
  data?: Uint8Array;
}

/** A gzipped tar archive holding `members`. */
export async function tarGz(members: Member[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const m of members) archive.entry(m.header, m.data ?? Buffer.alloc(0));
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** A miniature CIFAR-10 release: the official layout with 2 records per training batch and 3 test records. */
export const MINI_CIFAR10: CifarSpec = {
  ...CIFAR.cifar10,
  records: { ...Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`data_batch_${i}.bin`, 2])), 'test_batch.bin': 3 },
};

/** A miniature CIFAR-100 release with 4 training records. */
export const MINI_CIFAR100: CifarSpec = { ...CIFAR.cifar100, records: { 'train.bin': 4, 'test.bin': 2 } };

/** The members of a miniature CIFAR-10 archive ({@link MINI_CIFAR10}). */
export function cifar10Members(): Member[] {
  const root = 'cifar-10-batches-bin';
  const names = Array.from({ length: 10 }, (_, i) => `class${i}`).join('\n');
  const batches = [1, 2, 3, 4, 5].map((i) => ({
    header: { name: `${root}/data_batch_${i}.bin` },
    data: cifarRecords(2, 1, 10, 2 * (i - 1)),
  }));
  return [
    { header: { name: `${root}/`, type: 'directory' } },
    ...batches,
    { header: { name: `${root}/test_batch.bin` }, data: cifarRecords(3, 1, 10) },
    { header: { name: `${root}/batches.meta.txt` }, data: Buffer.from(`${names}\n\n`) },
    { header: { name: `${root}/readme.html` }, data: Buffer.from('<html></html>') },
  ];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server on 127.0.0.1 (ephemeral port) that records every request. */
export async function serve(handler: Handler): Promise<{ url: string; requests: IncomingMessage[]; close: () => Promise<void> }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serve `body` honouring `Range: bytes=N-` with 206 answers. */
export function sendWithRange(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = match ? Number(match[1]) : 0;
  if (start >= body.length && match) {
    res.writeHead(416).end();
    return;
  }
  res.writeHead(match ? 206 : 200, { 'content-length': String(body.length - start) });
  res.end(body.subarray(start));
}
