/** A small untrained ResNet exported the way the trainer exports models, for browser tests. */
import { tf } from '../../src/tf/tf.js';
import { buildModel } from '../../src/models/registry.js';
import { exportLayersModel } from '../../src/train/export.js';

/** Build ResNet-8 for 28x28x1 inputs and 10 classes and export it under `dir`; returns model.json and weights.bin. */
export async function writeTinyModel(dir: string): Promise<string[]> {
  await tf.setBackend('cpu');
  const model = buildModel({ arch: 'resnet', depth: 8, numClasses: 10, inputShape: [28, 28, 1], seed: 1 });
  try {
    const files = await exportLayersModel(model, dir);
    return [files.modelJson, files.weights];
  } finally {
    model.dispose();
  }
}
