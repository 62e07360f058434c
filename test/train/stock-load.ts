/**
 * A TF.js program that knows none of this package's layer classes: it loads exported models with stock
 * `tfl.loadLayersModel` and prints, as JSON, the layer classes it registers, and for each model its
 * layers' class names and its outputs on the given input.
 * Usage: `node --import tsx test/train/stock-load.ts cases.json`, cases = [{modelJson, input, shape}]
 * with `input` a file of little-endian float32 values.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tf, tfl } from '../../src/tf/tf.js';

interface Case {
  modelJson: string;
  input: string;
  shape: number[];
}

async function load(modelJson: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON;
  const [group] = json.weightsManifest;
  const bytes = readFileSync(path.join(path.dirname(modelJson), group.paths[0]));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData }));
}

async function run(c: Case): Promise<{ classes: string[]; output: number[] }> {
  const model = await load(c.modelJson);
  const bytes = readFileSync(c.input);
  const x = tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), c.shape);
  const y = model.predict(x) as tf.Tensor;
  const output = Array.from(await y.data());
  tf.dispose([x, y]);
  model.dispose();
  return { classes: model.layers.map((l) => l.getClassName()), output };
}

await tf.setBackend('cpu');
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Case[];
const results = [];
for (const c of cases) results.push(await run(c));
const registered = Object.keys(tf.serialization.SerializationMap.getMap().classNameMap);
process.stdout.write(JSON.stringify({ registered, results }));
