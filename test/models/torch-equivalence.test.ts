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
import { findTorchPython } from './torch-python.js';

const TORCH_REFERENCE = String.raw`
import json, sys, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
manifest = json.load(open(sys.argv[1]))
blob = np.fromfile(sys.argv[2], dtype=np.float32)

def tensor(ref):
    n = int(np.prod(ref['shape']))
    return torch.from_numpy(blob[ref['offset']:ref['offset'] + n].reshape(ref['shape']).copy())

class Net(nn.Module):
    """Modules are created on first use and named as the layers of the tfjs model."""
    def __init__(s, spec):
        super().__init__(); s.mods = nn.ModuleDict(); s.spec = spec
    def get(s, name, make):
        if name not in s.mods: s.mods[name] = make()
        return s.mods[name]
    def conv(s, x, name, o, k, stride=1, groups=1):
        return s.get(name, lambda: nn.Conv2d(x.shape[1], o, k, stride, k // 2, groups=groups, bias=False))(x)
    def bn(s, x, name):
        return s.get(name, lambda: nn.BatchNorm2d(x.shape[1]))(x)
    def bnrelu(s, x, name):
        return F.relu(s.bn(x, name + '_bn'))
    def forward(s, x):
        x = ARCHS[s.spec['arch']](s, x, s.spec)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return s.get('fc', lambda: nn.Linear(x.shape[1], s.spec['numClasses']))(x)

def projection(m, x, o, st, name):
    if st == 1 and x.shape[1] == o: return x
    return m.bn(m.conv(x, name + '_proj', o, 1, st), name + '_proj_bn')

def resnet(m, x, spec):
    n, bottleneck = (spec['depth'] - 2) // 6, spec['block'] == 'bottleneck'
    x = m.bnrelu(m.conv(x, 'stem_conv', 16, 3), 'stem')
    for s, (planes, stride) in enumerate(((16, 1), (32, 2), (64, 2))):
        for b in range(n):
            name, st = 's%db%d' % (s + 1, b), stride if b == 0 else 1
            if bottleneck:
                h = m.bnrelu(m.conv(x, name + '_conv1', planes, 1), name + '_1')
                h = m.bnrelu(m.conv(h, name + '_conv2', planes, 3, st), name + '_2')
                o = planes * 4; h = m.bn(m.conv(h, name + '_conv3', o, 1), name + '_3_bn')
            else:
                h = m.bnrelu(m.conv(x, name + '_conv1', planes, 3, st), name + '_1')
                o = planes; h = m.bn(m.conv(h, name + '_conv2', o, 3), name + '_2_bn')
            x = F.relu(h + projection(m, x, o, st, name))
    return x

def preact(m, x, stem, widths, n):
    x = m.conv(x, 'stem_conv', stem, 3)
    for s, o in enumerate(widths):
        for b in range(n):
            name, st = 's%db%d' % (s + 1, b), 2 if b == 0 and s > 0 else 1
            a = m.bnrelu(x, name + '_pre')
            h = m.conv(m.bnrelu(m.conv(a, name + '_conv1', o, 3, st), name + '_mid'), name + '_conv2', o, 3)
            x = h + (x if st == 1 and x.shape[1] == o else m.conv(a, name + '_proj', o, 1, st))
    return m.bnrelu(x, 'final')

def resnext(m, x, spec):
    n, card, width = (spec['depth'] - 2) // 9, spec['cardinality'], spec['baseWidth']
    x = m.bnrelu(m.conv(x, 'stem_conv', 64, 3), 'stem')
    for s in range(3):
        for b in range(n):
            name, st, o, d = 's%db%d' % (s + 1, b), 2 if b == 0 and s > 0 else 1, 256 << s, card * width << s
            h = m.bnrelu(m.conv(x, name + '_reduce', d, 1), name + '_reduce')
            h = m.bnrelu(m.conv(h, name + '_group', d, 3, st, card), name + '_group')
            h = m.bn(m.conv(h, name + '_expand', o, 1), name + '_expand_bn')
            x = F.relu(h + projection(m, x, o, st, name))
    return x

ARCHS = {
    'resnet': resnet,
    'resnext': resnext,
    'preresnet18': lambda m, x, spec: preact(m, x, 64, [64, 128, 256, 512], 2),
    'wrn': lambda m, x, spec: preact(m, x, 16, [16 * spec['widenFactor'], 32 * spec['widenFactor'], 64 * spec['widenFactor']], (spec['depth'] - 4) // 6),
}

def load(m, layers):
    for layer in layers:
        module, w = m.mods[layer['name']], [tensor(a) for a in layer['arrays']]
        with torch.no_grad():
            if isinstance(module, nn.Conv2d): module.weight.copy_(w[0].permute(3, 2, 0, 1))
            elif isinstance(module, nn.Linear): module.weight.copy_(w[0].t()); module.bias.copy_(w[1])
            else:
                for target, value in zip((module.weight, module.bias, module.running_mean, module.running_var), w): target.copy_(value)

results = []
for case in manifest:
    m = Net(case['spec'])
    x = tensor(case['input']).permute(0, 3, 1, 2).contiguous()
    m.eval(); m(x)
    names = [l['name'] for l in case['layers']]
    load(m, case['layers'])
    with torch.no_grad():
        inference = m.eval()(x)
        training = m.train()(x)
    results.append({'modules': sorted(m.mods.keys()), 'tfjs': sorted(names),
                    'inference': inference.flatten().tolist(), 'training': training.flatten().tolist()})
print(json.dumps(results))
`;

interface ArrayRef {
  offset: number;
  shape: number[];
}

/** Accumulates float32 arrays into one binary blob. */
class Blob {
  private readonly parts: Float32Array[] = [];
  private length = 0;

  add(values: Float32Array, shape: number[]): ArrayRef {
    this.parts.push(values);
    const ref = { offset: this.length, shape };
    this.length += values.length;
    return ref;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  }
}

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
      const layers = model.layers
        .filter((l) => l.getWeights().length > 0)
        .map((l) => ({ name: l.name, arrays: l.getWeights().map((w) => blob.add(w.dataSync() as Float32Array, w.shape)) }));
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
      const run = spawnSync(python, ['-c', TORCH_REFERENCE, path.join(dir, 'manifest.json'), path.join(dir, 'weights.f32')], {
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
