/**
 * Models out of checkpoints: rebuild the architecture a checkpoint was trained with and load its
 * weights, and save a model in the standard TF.js layers format (`model.json` + `weights.bin`) that
 * stock `tf.loadLayersModel` reads.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildModel } from '../models/index.js';
import { tf, tfl } from '../tf/tf.js';
import { writeFileAtomic } from './atomic-write.js';
import { portableArtifacts } from './portable-model.js';
import { checkpointFormatOf, decodeCheckpoint, readCheckpointBytes, type CheckpointState } from './checkpoint.js';
import { decodeDetectorCheckpoint, detectorFromCheckpoint, DETECTOR_CHECKPOINT } from './detection/detector-state.js';
import { withWeights } from './model-state.js';
import { modelSpecOf } from './run-spec.js';

/** The model of a checkpoint, weights loaded (`file` names it in errors). */
export function modelFromCheckpoint(state: CheckpointState, file: string): tfl.LayersModel {
  return withWeights(buildModel(modelSpecOf(state.spec, state.model.numClasses, state.model.inputShape)), state.weights, file);
}

/**
 * The model of a checkpoint file of either trainer, weights loaded, and a line describing it: a
 * classifier's (output: logits) or the detector's (output: see `buildCenterNet`, boxes with
 * `decodeCenterNet`). The caller disposes the model.
 */
export async function modelOfCheckpointFile(file: string): Promise<{ model: tfl.LayersModel; description: string }> {
  const bytes = await readCheckpointBytes(file);
  if (checkpointFormatOf(bytes, file) === DETECTOR_CHECKPOINT.name) {
    const state = decodeDetectorCheckpoint(bytes, file);
    const last = state.history.at(-1);
    const scores = last ? `, test AP ${last.testAp.toFixed(4)}, AP50 ${last.testAp50.toFixed(4)}` : '';
    return { model: detectorFromCheckpoint(state, file), description: `detector, epoch ${state.epoch}${scores}; decode its output with decodeCenterNet(values, shape, ${state.model.numClasses})` };
  }
  const state = decodeCheckpoint(bytes, file);
  return { model: modelFromCheckpoint(state, file), description: `epoch ${state.epoch}, best acc ${state.bestAcc.toFixed(2)}` };
}

/** Files written by {@link exportLayersModel}. */
export interface ExportedFiles {
  readonly modelJson: string;
  readonly weights: string;
}

/**
 * Save `model` as TF.js layers format in `dir`: `model.json` (topology and weight manifest) and
 * `weights.bin`. The topology uses stock tfjs-layers classes only (this package's layers are rewritten
 * to equivalents with the same inference outputs, see {@link portableArtifacts}), so any TF.js program
 * loads it with `tf.loadLayersModel('file://…/model.json')` (tfjs-node) or an http/browser URL. Throws
 * a TypeError naming the layer when the model holds a class with no stock equivalent.
 */
export async function exportLayersModel(model: tfl.LayersModel, dir: string): Promise<ExportedFiles> {
  await mkdir(dir, { recursive: true });
  const files = { modelJson: path.join(dir, 'model.json'), weights: path.join(dir, 'weights.bin') };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const portable = await portableArtifacts(artifacts);
      const manifest = {
        modelTopology: portable.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: [path.basename(files.weights)], weights: portable.weightSpecs }],
      };
      await writeFileAtomic(files.weights, new Uint8Array(portable.weightData));
      await writeFileAtomic(files.modelJson, JSON.stringify(manifest));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return files;
}

/**
 * A TF.js load handler reading a layers-format `model.json` and its weight files from disk, for Node
 * without tfjs-node: `await tfl.loadLayersModel(fileLoadHandler('out/model.json'))`.
 */
export function fileLoadHandler(modelJson: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(modelJson, 'utf8')) as tf.io.ModelJSON;
      const dir = path.dirname(modelJson);
      const specs = json.weightsManifest.flatMap((group) => group.weights);
      const buffers = await Promise.all(
        json.weightsManifest.flatMap((group) => group.paths).map(async (file) => {
          const bytes = await readFile(path.join(dir, file));
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        }),
      );
      return { modelTopology: json.modelTopology, format: json.format, weightSpecs: specs, weightData: tf.io.CompositeArrayBuffer.join(buffers) };
    },
  };
}
