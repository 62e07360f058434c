/**
 * CIFAR-10 and CIFAR-100 (Krizhevsky 2009), binary version: 32x32 RGB, 50,000 train and 10,000 test
 * images. Records are 1 label byte (CIFAR-10) or coarse + fine label bytes (CIFAR-100) followed by
 * 3072 bytes of planar RGB. Accepted sources, in the order of {@link searchDirs}: an extracted folder,
 * a folder holding the extracted files, or the official archive, which is downloaded into the cache
 * when nothing else is found.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { extractArchive, type ArchiveLayout } from './archive.js';
import { checkLabels, DataError, type Dataset, type Split } from './dataset.js';
import { download } from './download.js';
import { exists, md5File } from './files.js';
import { cacheFolder, emptyDataDir, holdsAny, missingFile, searchDirs, type SourceOptions } from './sources.js';

/** Description of one CIFAR variant: archive, layout, record format. */
export interface CifarSpec {
  readonly name: 'cifar10' | 'cifar100';
  readonly url: string;
  readonly archive: string;
  readonly md5: string;
  readonly size: number;
  readonly layout: ArchiveLayout;
  readonly splits: Record<Split, readonly string[]>;
  /** Records in each data file of the official release. */
  readonly records: Readonly<Record<string, number>>;
  /** The file with one class name per line. */
  readonly meta: string;
  /** Label bytes before the pixels; the label used is the last one (fine label for CIFAR-100). */
  readonly labelBytes: number;
  readonly classCount: number;
}

const CIFAR10_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);

/** The official CIFAR archives. */
export const CIFAR: Record<'cifar10' | 'cifar100', CifarSpec> = {
  cifar10: {
    name: 'cifar10',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    archive: 'cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    size: 170052171,
    layout: {
      root: 'cifar-10-batches-bin',
      files: [...CIFAR10_BATCHES, 'test_batch.bin', 'batches.meta.txt', 'readme.html'],
    },
    splits: { train: CIFAR10_BATCHES, test: ['test_batch.bin'] },
    records: Object.fromEntries([...CIFAR10_BATCHES, 'test_batch.bin'].map((file) => [file, 10000])),
    meta: 'batches.meta.txt',
    labelBytes: 1,
    classCount: 10,
  },
  cifar100: {
    name: 'cifar100',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    archive: 'cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    size: 168513733,
    layout: {
      root: 'cifar-100-binary',
      files: ['train.bin', 'test.bin', 'fine_label_names.txt', 'coarse_label_names.txt'],
    },
    splits: { train: ['train.bin'], test: ['test.bin'] },
    records: { 'train.bin': 50000, 'test.bin': 10000 },
    meta: 'fine_label_names.txt',
    labelBytes: 2,
    classCount: 100,
  },
};

const SIDE = 32;
const PIXELS = SIDE * SIDE;

/** The first of `files` absent from `dir`, or null. */
async function firstMissing(dir: string, files: readonly string[]): Promise<string | null> {
  for (const file of files) if (!(await exists(join(dir, file)))) return file;
  return null;
}

/** Extract an archive into the cache after checking its md5 (unless `verify` is off). */
async function extractVerified(spec: CifarSpec, archive: string, options: SourceOptions): Promise<string> {
  if (options.verify !== false) {
    const actual = await md5File(archive);
    if (actual !== spec.md5) throw new DataError(archive, `md5 mismatch: expected ${spec.md5}, got ${actual}`);
  }
  return extractArchive(archive, cacheFolder(spec.name, options), spec.layout);
}

/**
 * The folder holding the split's files and the meta file: from the dataset's one source (an extracted
 * folder, a folder holding the extracted files, or the official archive, extracted into the cache;
 * see sources.ts), else the archive downloaded into the cache.
 */
async function locate(spec: CifarSpec, split: Split, options: SourceOptions): Promise<string> {
  const needed = [...spec.splits[split], spec.meta];
  for (const source of searchDirs(spec.name, options, null)) {
    for (const candidate of [join(source.dir, spec.layout.root), source.dir]) {
      if (!(await holdsAny(candidate, spec.layout.files))) continue;
      const absent = await firstMissing(candidate, needed);
      if (absent) throw missingFile(spec.name, candidate, absent);
      return candidate;
    }
    const archive = join(source.dir, spec.archive);
    if (await exists(archive)) return extractVerified(spec, archive, options);
  }
  if (options.dataDir !== undefined) throw emptyDataDir(spec.name, options, [`${spec.layout.root}/`, ...needed, spec.archive]);
  if (options.download === false) {
    throw new DataError(`${spec.name} ${split}`, `neither ${spec.layout.root}/ nor ${spec.archive} found (download is off); name the folder holding them or allow download`);
  }
  const archive = join(cacheFolder(spec.name, options), spec.archive);
  const url = options.mirror === undefined ? spec.url : new URL(spec.archive, options.mirror).href;
  await download(url, archive, {
    md5: options.verify === false ? undefined : spec.md5,
    progress: options.progress,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
  });
  return extractArchive(archive, cacheFolder(spec.name, options), spec.layout);
}

/** Class names from a meta file: one per line, blank lines ignored. */
export async function readClassNames(path: string, classCount: number): Promise<string[]> {
  const names = (await readFile(path, 'utf8'))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== classCount) throw new DataError(path, `lists ${names.length} class names, expected ${classCount}`);
  return names;
}

/**
 * Parse CIFAR binary records into `images` (NHWC) and `labels` from index `start`. Returns the
 * number of records read. Planar RGB (1024 R, 1024 G, 1024 B) is interleaved to HWC.
 */
export function parseCifarRecords(buffer: Uint8Array, spec: CifarSpec, file: string, images: Uint8Array, labels: Int32Array, start: number): number {
  const recordSize = spec.labelBytes + 3 * PIXELS;
  if (buffer.length === 0 || buffer.length % recordSize !== 0) {
    throw new DataError(file, `size ${buffer.length} is not a positive multiple of the ${recordSize}-byte record (truncated or not ${spec.name})`);
  }
  const count = buffer.length / recordSize;
  const expected = spec.records[basename(file)];
  if (expected !== undefined && count !== expected) {
    throw new DataError(file, `holds ${count} records, the official file has ${expected} (truncated, padded or another file)`);
  }
  for (let r = 0; r < count; r++) {
    const base = r * recordSize;
    labels[start + r] = buffer[base + spec.labelBytes - 1];
    const pixels = base + spec.labelBytes;
    const out = (start + r) * 3 * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      images[out + 3 * p] = buffer[pixels + p];
      images[out + 3 * p + 1] = buffer[pixels + PIXELS + p];
      images[out + 3 * p + 2] = buffer[pixels + 2 * PIXELS + p];
    }
  }
  checkLabels(labels.subarray(start, start + count), spec.classCount, file);
  return count;
}

/**
 * Load one split of CIFAR-10 or CIFAR-100 (fine labels) as a {@link Dataset} (32x32x3). `variant` is
 * the name of an official release, or a {@link CifarSpec} describing another release in the same
 * format (its files' record counts, archive and checksum).
 */
export async function loadCifar(variant: 'cifar10' | 'cifar100' | CifarSpec, options: SourceOptions = {}): Promise<Dataset> {
  const spec = typeof variant === 'string' ? CIFAR[variant] : variant;
  const name = spec.name;
  const split = options.split ?? 'train';
  const dir = await locate(spec, split, options);
  const buffers = await Promise.all(spec.splits[split].map((file) => readFile(join(dir, file))));
  const recordSize = spec.labelBytes + 3 * PIXELS;
  const capacity = buffers.reduce((sum, b) => sum + Math.floor(b.length / recordSize), 0);
  const images = new Uint8Array(capacity * 3 * PIXELS);
  const labels = new Int32Array(capacity);
  let count = 0;
  for (const [i, buffer] of buffers.entries()) {
    count += parseCifarRecords(buffer, spec, join(dir, spec.splits[split][i]), images, labels, count);
  }
  const classNames = await readClassNames(join(dir, spec.meta), spec.classCount);
  return { name, images, labels, count, height: SIDE, width: SIDE, channels: 3, classNames };
}
