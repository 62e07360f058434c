/**
 * Build-time step that makes the playground's sample images: a virtual module `virtual:samples`
 * holding one Fashion-MNIST test image per class (read from the dataset's IDX files when present),
 * else a synthetic grayscale set, plus a synthetic colour scene in both cases.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { colourScene, syntheticShapes, type RawImage } from './synthetic.js';

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST class names, in label order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

const VIRTUAL_ID = 'virtual:samples';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

function readIdx(file: string, magic: number): { dims: number[]; body: Uint8Array } {
  const bytes = gunzipSync(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${file}: not an IDX file with magic ${magic}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, body: bytes.subarray(4 + 4 * rank) };
}

/** One Fashion-MNIST test image per class (the first of each), or null when the files are absent. */
export function fashionMnistSamples(dir: string): RawImage[] | null {
  const imagesFile = join(dir, 't10k-images-idx3-ubyte.gz');
  const labelsFile = join(dir, 't10k-labels-idx1-ubyte.gz');
  if (!existsSync(imagesFile) || !existsSync(labelsFile)) return null;
  const images = readIdx(imagesFile, 2051);
  const labels = readIdx(labelsFile, 2049);
  const [count, height, width] = images.dims;
  const size = height * width;
  const picked: RawImage[] = [];
  for (let label = 0; label < FASHION_MNIST_CLASSES.length; label++) {
    const index = labels.body.subarray(0, count).indexOf(label);
    if (index < 0) continue;
    picked.push({
      name: `${FASHION_MNIST_CLASSES[label]} (test #${index})`,
      label,
      height,
      width,
      channels: 1,
      pixels: images.body.slice(index * size, (index + 1) * size),
    });
  }
  return picked;
}

function toModuleSource(source: string, classNames: string[] | null, images: RawImage[]): string {
  const encoded = images.map((image) => ({ ...image, pixels: Buffer.from(image.pixels).toString('base64') }));
  return [
    `export const sampleSource = ${JSON.stringify(source)};`,
    `export const sampleClassNames = ${JSON.stringify(classNames)};`,
    `export const samples = ${JSON.stringify(encoded)};`,
  ].join('\n');
}

/** The Vite plugin serving `virtual:samples`. */
export function samplesPlugin(datasetDir = DEFAULT_FASHION_MNIST_DIR): Plugin {
  return {
    name: 'random-erasing-samples',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const fashion = fashionMnistSamples(datasetDir);
      if (fashion) return toModuleSource('fashion-mnist', FASHION_MNIST_CLASSES, [...fashion, colourScene()]);
      this.warn(`Fashion-MNIST not found in ${datasetDir}: using the synthetic sample images`);
      return toModuleSource('synthetic', null, [...syntheticShapes(), colourScene()]);
    },
  };
}
