/**
 * Fashion-MNIST (Xiao et al. 2017): 28x28 grayscale, 10 classes, 60,000 train and 10,000 test images
 * in gzipped IDX files. Looked up in the explicit directory, `$RE_DATA_DIR`, the Debian package
 * location, then the cache, which is filled from the official mirror when nothing else has the files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkLabels, DataError, type Dataset, type Split } from './dataset.js';
import { download } from './download.js';
import { exists, md5 } from './files.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from './idx.js';
import { cacheFolder, searchDirs, type SourceOptions } from './sources.js';

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

/** Locate both files of a split, downloading them into the cache when allowed and needed. */
async function locate(split: Split, options: SourceOptions): Promise<[string, string]> {
  const { images, labels } = FASHION_MNIST_FILES[split];
  const dirs = searchDirs('fashion-mnist', options, FASHION_MNIST_SYSTEM_DIR);
  for (const dir of dirs) {
    const found = [await findIn(dir, images), await findIn(dir, labels)];
    if (found[0] !== null && found[1] !== null) return [found[0], found[1]];
  }
  if (options.download === false) {
    throw new DataError(
      `fashion-mnist ${split}`,
      `${images.name}(.gz) and ${labels.name}(.gz) not found in ${dirs.join(', ')}; set a data directory or allow download`,
    );
  }
  const cache = cacheFolder('fashion-mnist', options);
  const mirror = options.mirror ?? FASHION_MNIST_MIRROR;
  const paths: [string, string] = [join(cache, `${images.name}.gz`), join(cache, `${labels.name}.gz`)];
  for (const [i, file] of [images, labels].entries()) {
    if (await exists(paths[i])) continue;
    await download(new URL(`${file.name}.gz`, mirror).href, paths[i], {
      md5: options.verify === false ? undefined : file.gzMd5,
      progress: options.progress,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
    });
  }
  return paths;
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
