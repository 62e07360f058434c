/**
 * Cost of the RandomErasingLayer inside `model.fit`: ResNet-20 (CIFAR shape 32x32x3, batch 128, wasm,
 * SGD momentum 0.9) trained by `model.fit` one batch at a time, with and without the layer in front
 * (the same ResNet instance, so the same weights and work), alternating step by step; and the layer's
 * own call in training mode timed alone. Times are this process's CPU time (wasm runs on one thread),
 * which other jobs on a shared machine disturb far less than wall time; wall time is printed beside.
 * Target: the layer costs at most 5 % of a training step.
 */
import { loadavg } from 'node:os';
import { Rng } from '../src/core/rng.js';
import { buildModel } from '../src/models/registry.js';
import { setupBackend } from '../src/tf/backend.js';
import { RandomErasingLayer } from '../src/tf/random-erasing-layer.js';
import { tf, tfl } from '../src/tf/tf.js';

const BATCH = 128;
const SHAPE: [number, number, number] = [32, 32, 3];
const STEPS = 6;
const LAYER_CALLS = 20;
const TARGET = 0.05;

function seededBatch(): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rng = Rng.fromSeed(0);
  const x = tf.tensor4d(Float32Array.from({ length: BATCH * SHAPE[0] * SHAPE[1] * SHAPE[2] }, () => rng.normal()), [BATCH, ...SHAPE]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from({ length: BATCH }, () => rng.int(0, 9)), 'int32'), 10)) as tf.Tensor2D;
  return { x, y };
}

function compiled(model: tfl.LayersModel): tfl.LayersModel {
  model.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy' });
  return model;
}

/** CPU and wall milliseconds of `work`. */
function measure(work: () => void): { cpu: number; wall: number } {
  const [cpu, wall] = [process.cpuUsage(), performance.now()];
  work();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall: performance.now() - wall };
}

/** CPU and wall milliseconds of one `model.fit` step on one batch. */
async function fitStep(model: tfl.LayersModel, x: tf.Tensor4D, y: tf.Tensor2D): Promise<{ cpu: number; wall: number }> {
  const [cpu, wall] = [process.cpuUsage(), performance.now()];
  await model.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0, shuffle: false });
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall: performance.now() - wall };
}

/** CPU milliseconds per training-mode call of the layer alone, output read back. */
function layerCallMs(layer: RandomErasingLayer, x: tf.Tensor4D): number {
  return measure(() => {
    for (let i = 0; i < LAYER_CALLS; i++) {
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      out.dataSync();
      out.dispose();
    }
  }).cpu / LAYER_CALLS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run(): Promise<void> {
  const info = await setupBackend({ backend: 'wasm' });
  console.log(`backend ${info.backend}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ResNet-20 ${SHAPE.join('x')}, batch ${BATCH}, model.fit per batch`);
  const resnet = buildModel({ arch: 'resnet', depth: 20, numClasses: 10, inputShape: SHAPE, seed: 0 });
  const input = tfl.input({ shape: SHAPE });
  for (const [preset, p] of [['reference', 0.5], ['paper', 1]] as const) {
    const layer = new RandomErasingLayer({ preset, options: { p }, seed: 1 });
    const withLayer = compiled(tfl.model({ inputs: input, outputs: resnet.apply(layer.apply(input)) as tfl.SymbolicTensor }));
    const plain = compiled(tfl.model({ inputs: input, outputs: resnet.apply(input) as tfl.SymbolicTensor }));
    const { x, y } = seededBatch();
    await fitStep(plain, x, y);
    await fitStep(withLayer, x, y);
    const [a, b]: { cpu: number; wall: number }[][] = [[], []];
    for (let i = 0; i < STEPS; i++) {
      a.push(await fitStep(plain, x, y));
      b.push(await fitStep(withLayer, x, y));
    }
    const alone = median([layerCallMs(layer, x), layerCallMs(layer, x), layerCallMs(layer, x)]);
    const [cpuA, cpuB] = [median(a.map((t) => t.cpu)), median(b.map((t) => t.cpu))];
    const [wallA, wallB] = [median(a.map((t) => t.wall)), median(b.map((t) => t.wall))];
    const spread = (ts: { cpu: number }[]) => `${Math.min(...ts.map((t) => t.cpu)).toFixed(0)}..${Math.max(...ts.map((t) => t.cpu)).toFixed(0)}`;
    console.log(`\n${preset} preset, p = ${p}, ${STEPS} alternating steps each (medians):`);
    console.log(`  model.fit step without the layer: CPU ${cpuA.toFixed(0)} ms (${spread(a)}), wall ${wallA.toFixed(0)} ms`);
    console.log(`  model.fit step with the layer:    CPU ${cpuB.toFixed(0)} ms (${spread(b)}), wall ${wallB.toFixed(0)} ms`);
    console.log(`  difference: CPU ${(((cpuB - cpuA) / cpuA) * 100).toFixed(1)} %, wall ${(((wallB - wallA) / wallA) * 100).toFixed(1)} %`);
    const share = alone / cpuA;
    console.log(`  layer call alone (training, read back): CPU ${alone.toFixed(1)} ms = ${(share * 100).toFixed(2)} % of a step; target <= ${TARGET * 100} %: ${share <= TARGET ? 'met' : 'NOT met'}`);
    tf.dispose([x, y]);
  }
  resnet.dispose();
}
