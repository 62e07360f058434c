/**
 * Build-time step that makes the playground's sample images: a virtual module `virtual:samples`
 * holding one Fashion-MNIST test image per class (read with the data module when the dataset files
 * are present), else a synthetic grayscale set, plus a synthetic colour scene in both cases; and the
 * input conventions (normalisation, class names) of the models the trainer exports.
 */
import type { Plugin } from 'vite';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { NORMALIZATION } from '../../src/data/pipeline.js';
import { colourScene, syntheticShapes, type RawImage } from './synthetic.js';

const VIRTUAL_ID = 'virtual:samples';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

/** Input conventions of the models the trainer exports, so a loaded model gets its normalisation. */
const DATASET_INPUTS = [
  { name: 'fashion-mnist', inputShape: [28, 28, 1], ...NORMALIZATION['fashion-mnist'], classNames: FASHION_MNIST_CLASSES },
  { name: 'cifar', inputShape: [32, 32, 3], ...NORMALIZATION.cifar, classNames: null },
];

/**
 * One Fashion-MNIST test image per class (the first of each), found where the data module looks
 * (`dataDir`, `$RE_DATA_DIR`, the Debian package, the cache) without downloading; null when absent.
 */
export async function fashionMnistSamples(dataDir?: string): Promise<RawImage[] | null> {
  let test;
  try {
    test = await loadFashionMnist({ split: 'test', dataDir, download: false });
  } catch {
    return null;
  }
  const size = test.height * test.width;
  return FASHION_MNIST_CLASSES.flatMap((className, label) => {
    const index = test.labels.indexOf(label);
    if (index < 0) return [];
    const pixels = test.images.slice(index * size, (index + 1) * size);
    return [{ name: `${className} (test #${index})`, label, height: test.height, width: test.width, channels: 1, pixels }];
  });
}

function toModuleSource(source: string, classNames: string[] | null, images: RawImage[]): string {
  const encoded = images.map((image) => ({ ...image, pixels: Buffer.from(image.pixels).toString('base64') }));
  return [
    `export const sampleSource = ${JSON.stringify(source)};`,
    `export const sampleClassNames = ${JSON.stringify(classNames)};`,
    `export const samples = ${JSON.stringify(encoded)};`,
    `export const datasetInputs = ${JSON.stringify(DATASET_INPUTS)};`,
  ].join('\n');
}

/** The Vite plugin serving `virtual:samples`; `dataDir` is searched first for Fashion-MNIST. */
export function samplesPlugin(dataDir?: string): Plugin {
  return {
    name: 'random-erasing-samples',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const fashion = await fashionMnistSamples(dataDir);
      if (fashion) return toModuleSource('fashion-mnist', [...FASHION_MNIST_CLASSES], [...fashion, colourScene()]);
      this.warn('Fashion-MNIST test files not found (dataset-fashion-mnist, $RE_DATA_DIR or the cache): using the synthetic sample images');
      return toModuleSource('synthetic', null, [...syntheticShapes(), colourScene()]);
    },
  };
}
