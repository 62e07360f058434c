/**
 * Fashion-MNIST (Xiao et al. 2017): 28x28 grayscale, 10 classes, 60,000 train and 10,000 test images
 * in gzipped IDX files. Read from the folder the user names, else the first of `$RE_DATA_DIR`, the
 * Debian package location and the cache that holds any of its files; the cache is filled from the
 * official mirror.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkLabels, DataError, type Dataset, type Split } from './dataset.js';
import { download } from './download.js';
import { exists, md5 } from './files.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from './idx.js';
import { cacheFolder, emptyDataDir, holdsAny, missingFile, searchDirs, type SourceOptions } from './sources.js';

/** Official download mirror. */
export const FASHION_MNIST_MIRROR = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/** Class names, indexed by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

interface IdxFile {
  /** File name without `.gz`. */
  readonly name: string;
  /** md5 of the official `.gz` (checked on download). */
  readonly gzMd5: string;
  /** md5 of the uncompressed file (checked on every load, whatever the compression). */
  readonly payloadMd5: string;
}

/** The official files and checksums. */
export const FASHION_MNIST_FILES: Record<Split, { images: IdxFile; labels: IdxFile; count: number }> = {
  train: {
    images: { name: 'train-images-idx3-ubyte', gzMd5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', payloadMd5: 'f4a8712d7a061bf5bd6d2ca38dc4d50a' },
    labels: { name: 'train-labels-idx1-ubyte', gzMd5: '25c81989df183df01b3e8a0aad5dffbe', payloadMd5: '9018921c3c673c538a1fc5bad174d6f9' },
    count: 60000,
  },
  test: {
    images: { name: 't10k-images-idx3-ubyte', gzMd5: 'bef4ecab320f06d8554ea6380940ec79', payloadMd5: '8181f5470baa50b63fa0f6fddb340f0a' },
    labels: { name: 't10k-labels-idx1-ubyte', gzMd5: 'bb300cfdad3c16e7a12a480ee83cd310', payloadMd5: '15d484375f8d13e6eb1aabb0c3f46965' },
    count: 10000,
  },
};

/** The path of `file` in `dir`, gzipped or not, or null when absent. */
async function findIn(dir: string, file: IdxFile): Promise<string | null> {
  for (const name of [`${file.name}.gz`, file.name]) {
    const path = join(dir, name);
    if (await exists(path)) return path;
  }
  return null;
}

/** Read a file, gunzipping it when it starts with the gzip magic bytes. */
async function readPayload(path: string): Promise<Buffer> {
  const raw = await readFile(path);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (error) {
    throw new DataError(path, `corrupt gzip data (${(error as Error).message})`);
  }
}

/** Every file name of the dataset, gzipped or not (a folder holding any of them is a Fashion-MNIST source). */
const ALL_FILE_NAMES = Object.values(FASHION_MNIST_FILES)
  .flatMap((split) => [split.images, split.labels])
  .flatMap((file) => [`${file.name}.gz`, file.name]);

/** Download the split's missing files into the cache; returns both paths. */
async function fillCache(split: Split, options: SourceOptions): Promise<[string, string]> {
  const { images, labels } = FASHION_MNIST_FILES[split];
  const cache = cacheFolder('fashion-mnist', options);
  const present = [await findIn(cache, images), await findIn(cache, labels)];
  if (options.download === false) {
    const missing = [images, labels].filter((_, i) => present[i] === null).map((f) => `${f.name}(.gz)`);
    throw new DataError(`fashion-mnist ${split}`, `${missing.join(' and ')} not found (download is off); name the folder holding the files or allow download`);
  }
  const mirror = options.mirror ?? FASHION_MNIST_MIRROR;
  const paths: [string, string] = [present[0] ?? join(cache, `${images.name}.gz`), present[1] ?? join(cache, `${labels.name}.gz`)];
  for (const [i, file] of [images, labels].entries()) {
    if (present[i] !== null) continue;
    await download(new URL(`${file.name}.gz`, mirror).href, paths[i], {
      md5: options.verify === false ? undefined : file.gzMd5,
      progress: options.progress,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
    });
  }
  return paths;
}

/**
 * Both files of a split, from the dataset's one source folder (see sources.ts); the cache is filled
 * from the mirror when it is the source, or when no folder holds the dataset.
 */
async function locate(split: Split, options: SourceOptions): Promise<[string, string]> {
  const { images, labels } = FASHION_MNIST_FILES[split];
  for (const source of searchDirs('fashion-mnist', options, FASHION_MNIST_SYSTEM_DIR)) {
    if (!(await holdsAny(source.dir, ALL_FILE_NAMES))) continue;
    if (source.cache) return fillCache(split, options);
    const found = [await findIn(source.dir, images), await findIn(source.dir, labels)];
    const absent = [images, labels].find((_, i) => found[i] === null);
    if (absent) throw missingFile('fashion-mnist', source.dir, `${absent.name}.gz`);
    return found as [string, string];
  }
  if (options.dataDir !== undefined) throw emptyDataDir('fashion-mnist', options, [images, labels].map((f) => `${f.name}(.gz)`));
  return fillCache(split, options);
}

/** Parse an IDX payload, first checking its md5 against the official one when `verify` is set. */
function parseIdxChecked(payload: Uint8Array, file: IdxFile, magic: number, path: string, verify: boolean) {
  if (verify) {
    const actual = md5(payload);
    if (actual !== file.payloadMd5) {
      throw new DataError(
        path,
        `md5 mismatch of the uncompressed data: expected ${file.payloadMd5}, got ${actual} (pass verify: false for custom data)`,
      );
    }
  }
  return parseIdx(payload, magic, path);
}

/** Load one split of Fashion-MNIST as a {@link Dataset} (28x28x1). */
export async function loadFashionMnist(options: SourceOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'train';
  const spec = FASHION_MNIST_FILES[split];
  const verify = options.verify !== false;
  const [imagePath, labelPath] = await locate(split, options);
  const image = parseIdxChecked(await readPayload(imagePath), spec.images, IDX_IMAGES_MAGIC, imagePath, verify);
  const label = parseIdxChecked(await readPayload(labelPath), spec.labels, IDX_LABELS_MAGIC, labelPath, verify);
  const [count, height, width] = image.dims;
  if (image.dims.length !== 3 || label.dims.length !== 1) {
    throw new DataError(imagePath, `unexpected IDX ranks ${image.dims.length} (images) and ${label.dims.length} (labels)`);
  }
  if (label.dims[0] !== count) {
    throw new DataError(labelPath, `has ${label.dims[0]} labels but ${imagePath} has ${count} images`);
  }
  if (verify && count !== spec.count) throw new DataError(imagePath, `has ${count} images, expected ${spec.count}`);
  const labels = Int32Array.from(label.data);
  checkLabels(labels, FASHION_MNIST_CLASSES.length, labelPath);
  // A plain Uint8Array view: a Node Buffer's slice() would alias instead of copy.
  const images = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  return { name: 'fashion-mnist', images, labels, count, height, width, channels: 1, classNames: [...FASHION_MNIST_CLASSES] };
}
