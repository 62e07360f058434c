/** A tiny untrained classifier written in the TF.js layers format (model.json + weights.bin), for browser tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, tfl } from '../../src/tf/tf.js';

/** Write the model under `dir`; returns the paths of model.json and weights.bin. */
export async function writeTinyModel(dir: string): Promise<string[]> {
  await tf.setBackend('cpu');
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 10, kernelInitializer: init(2) }),
    ],
  });
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'model.json'), join(dir, 'weights.bin')];
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const parts = [artifacts.weightData ?? []].flat().map((buffer) => Buffer.from(buffer));
      writeFileSync(files[1], Buffer.concat(parts));
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      writeFileSync(files[0], JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return files;
}
