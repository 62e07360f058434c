/**
 * Layer-by-layer equivalence with PyTorch: each tfjs model's weights (with random BatchNorm
 * statistics) are copied by layer name into a PyTorch definition of the same architecture, written with
 * PyTorch's own layers (Conv2d padding, BatchNorm2d, Linear), and both must give the same logits in
 * inference and in training mode. Skipped when no python3 with torch is installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { buildModel } from '../../src/models/registry.js';
import { resolveSpec, type ModelSpec } from '../../src/models/spec.js';
import { setupBackend } from '../../src/tf/backend.js';
import { tf, type tfl } from '../../src/tf/tf.js';
import { Blob, findTorchPython, layerArrays, TORCH_NETS_DIR } from './torch-python.js';

const TORCH_REFERENCE = String.raw`
import json, sys, torch
sys.path.insert(0, sys.argv[3])
from torch_nets import Blob, build, nhwc_to_nchw
torch.set_num_threads(1)
manifest = json.load(open(sys.argv[1]))
blob = Blob(sys.argv[2])

results = []
for case in manifest:
    x = nhwc_to_nchw(blob.tensor(case['input']))
    m = build(case['spec'], case['layers'], blob, x)
    with torch.no_grad():
        inference = m.eval()(x)
        training = m.train()(x)
    results.append({'modules': sorted(m.mods.keys()), 'tfjs': sorted(l['name'] for l in case['layers']),
                    'inference': inference.flatten().tolist(), 'training': training.flatten().tolist()})
print(json.dumps(results))
`;

/** Random BatchNorm parameters and statistics, so no BN layer is the identity. */
function randomiseBatchNorm(model: tfl.LayersModel, rng: Rng): void {
  for (const layer of model.layers.filter((l) => l.getClassName() === 'TorchBatchNorm')) {
    const c = layer.getWeights()[0].shape[0];
    const draw = (f: () => number) => tf.tensor1d(Float32Array.from({ length: c }, f));
    layer.setWeights([
      draw(() => rng.uniform(0.5, 1.5)),
      draw(() => 0.2 * rng.normal()),
      draw(() => 0.2 * rng.normal()),
      draw(() => rng.uniform(0.5, 1.5)),
    ]);
  }
}

const CASES: Array<[string, ModelSpec]> = [
  ['resnet8 BasicBlock, 12x12x3', { arch: 'resnet', depth: 8, numClasses: 10, inputShape: [12, 12, 3] }],
  ['resnet8 Bottleneck, 10x10x3', { arch: 'resnet', depth: 8, block: 'bottleneck', numClasses: 10, inputShape: [10, 10, 3] }],
  ['resnet20, 28x28x1', { arch: 'resnet', depth: 20, numClasses: 10, inputShape: [28, 28, 1] }],
  ['preresnet18, 16x16x3', { arch: 'preresnet18', numClasses: 100, inputShape: [16, 16, 3] }],
  ['wrn-10-2, 28x28x1', { arch: 'wrn', depth: 10, widenFactor: 2, numClasses: 10, inputShape: [28, 28, 1] }],
  ['resnext11-4x4d, 10x10x3', { arch: 'resnext', depth: 11, cardinality: 4, baseWidth: 4, numClasses: 10, inputShape: [10, 10, 3] }],
];
const BATCH = 4;

interface TorchResult {
  modules: string[];
  tfjs: string[];
  inference: number[];
  training: number[];
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  assert.ok(worst <= 1e-3 * scale, `${what}: max abs difference ${worst} (logit scale ${scale})`);
}

describe('tfjs models equal PyTorch definitions layer by layer', () => {
  const python = findTorchPython();
  const outputs = new Map<string, { inference: Float32Array; training: Float32Array }>();
  let torch: TorchResult[] = [];

  before(async () => {
    if (python === undefined) return;
    await setupBackend({ backend: 'wasm' });
    const blob = new Blob();
    const rng = Rng.fromSeed(9);
    const manifest = CASES.map(([name, spec]) => {
      const model = buildModel({ ...spec, seed: 4 });
      randomiseBatchNorm(model, rng);
      const shape = [BATCH, ...spec.inputShape];
      const pixels = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal());
      const x = tf.tensor4d(pixels, shape as [number, number, number, number]);
      const layers = layerArrays(model, blob);
      // Inference first: the training-mode call updates the running statistics.
      const inference = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
      const training = (model.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array;
      outputs.set(name, { inference, training });
      model.dispose();
      return { spec: resolveSpec(spec), input: blob.add(pixels, shape), layers };
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'models-torch-'));
    try {
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      writeFileSync(path.join(dir, 'weights.f32'), blob.bytes());
      const run = spawnSync(python, ['-c', TORCH_REFERENCE, path.join(dir, 'manifest.json'), path.join(dir, 'weights.f32'), TORCH_NETS_DIR], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      assert.equal(run.status, 0, `PyTorch reference failed: ${run.stderr}`);
      torch = JSON.parse(run.stdout) as TorchResult[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  CASES.forEach(([name], i) => {
    it(name, { skip: python === undefined ? 'no python3 with torch' : false }, () => {
      const reference = torch[i];
      assert.deepEqual(reference.modules, reference.tfjs, 'the same named layers with weights');
      const ours = outputs.get(name);
      assert.ok(ours !== undefined);
      assertClose(ours.inference, reference.inference, 'inference logits');
      assertClose(ours.training, reference.training, 'training-mode logits (batch statistics)');
    });
  });
});
