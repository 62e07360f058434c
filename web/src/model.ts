/**
 * A classifier exported by the trainer in the TF.js layers format (model.json + weight files), loaded
 * from the user's files and run on the cpu backend to give the top-3 predictions of each image.
 * TF.js is imported only when a model is loaded, so the page itself stays small.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';

/** One predicted class. */
export interface Prediction {
  readonly label: string;
  readonly probability: number;
}

/** An image on the [0, 1] scale (hwc), of any size and 1 or 3 channels. */
export interface UnitImage {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Normalisation and class names the model may carry in model.json's `userDefinedMetadata`. */
export interface ModelMetadata {
  readonly mean?: number[];
  readonly std?: number[];
  readonly classNames?: string[];
}

/** A loaded model. */
export interface LoadedModel {
  readonly name: string;
  /** [height, width, channels] the model expects. */
  readonly inputShape: [number, number, number];
  readonly classCount: number;
  readonly metadata: ModelMetadata;
  /** Top-k predictions per image, after resizing, channel conversion and `(x - mean) / std`. */
  predict(images: readonly UnitImage[], norm: { mean: number[]; std: number[] }, classNames: readonly string[], k?: number): Promise<Prediction[][]>;
}

async function loadTf() {
  const [tf, tfl] = await Promise.all([import('@tensorflow/tfjs-core'), import('@tensorflow/tfjs-layers'), import('@tensorflow/tfjs-backend-cpu')]);
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, tfl };
}

/** Load a model from the chosen files: exactly one .json and the weight files its manifest names. */
export async function loadModel(files: readonly File[]): Promise<LoadedModel> {
  const json = files.filter((f) => f.name.endsWith('.json'));
  if (json.length !== 1) throw new Error(`select exactly one model.json (got ${json.length}) together with its weight files`);
  const { tf, tfl } = await loadTf();
  let model: LayersModel;
  try {
    model = await tfl.loadLayersModel(tf.io.browserFiles([json[0], ...files.filter((f) => f !== json[0])]));
  } catch (error) {
    throw new Error(`could not load ${json[0].name}: ${(error as Error).message}`);
  }
  const shape = model.inputs[0].shape;
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
    throw new Error(`${json[0].name}: expected an image input [batch, height, width, channels], got [${shape.join(', ')}]`);
  }
  const inputShape = shape.slice(1) as [number, number, number];
  const classCount = model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? 0;
  const metadata = (model.getUserDefinedMetadata() ?? {}) as ModelMetadata;

  async function predict(images: readonly UnitImage[], norm: { mean: number[]; std: number[] }, classNames: readonly string[], k = 3): Promise<Prediction[][]> {
    if (images.length === 0) return [];
    const [h, w, c] = inputShape;
    const probs = tf.tidy(() => {
      const inputs = images.map((image) => {
        let x: Tensor = tf.tensor3d(image.data, [image.height, image.width, image.channels]);
        if (image.channels === 3 && c === 1) x = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);
        if (image.channels === 1 && c === 3) x = tf.tile(x, [1, 1, 3]);
        if (image.height !== h || image.width !== w) x = tf.image.resizeBilinear(x as Parameters<typeof tf.image.resizeBilinear>[0], [h, w]);
        return x;
      });
      const batch = tf.div(tf.sub(tf.stack(inputs), tf.tensor1d(norm.mean)), tf.tensor1d(norm.std));
      const out = model.predict(batch) as Tensor;
      // Models ending in logits get a softmax; models ending in softmax are used as they are.
      const rowSums = tf.sum(out, -1);
      const isProbability = tf.all(tf.logicalAnd(tf.greaterEqual(tf.min(out), 0), tf.less(tf.max(tf.abs(tf.sub(rowSums, 1))), 1e-3)));
      return isProbability.dataSync()[0] ? out : tf.softmax(out);
    });
    const values = await probs.data();
    probs.dispose();
    return images.map((_, i) => {
      const row = Array.from(values.subarray(i * classCount, (i + 1) * classCount));
      return row
        .map((probability, label) => ({ label: classNames[label] ?? `class ${label}`, probability }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, k);
    });
  }

  return { name: json[0].name, inputShape, classCount, metadata, predict };
}

/** Show predictions as a short ordered list. */
export function showPredictions(target: HTMLElement, predictions: readonly Prediction[]): void {
  const list = document.createElement('ol');
  list.className = 'top3';
  for (const p of predictions) {
    const item = document.createElement('li');
    item.textContent = `${p.label} ${(100 * p.probability).toFixed(1)}%`;
    list.append(item);
  }
  target.replaceChildren(list);
}
