/**
 * Engine benchmark: ResNet-20 (CIFAR variant) training-step and forward throughput at batch 128 on
 * the wasm backend with the engine's training kernels, for the CIFAR (32x32x3) and Fashion-MNIST
 * (28x28x1) shapes; the same model, batch and optimiser in PyTorch (2 threads) in the same run when
 * a python3 with torch is found, with the ratio; and a per-kernel time profile of one training step.
 * Both sides: SGD momentum 0.9, lr 0.1, no weight decay, random data, 2 warm-up steps.
 * Also the trainer's own step (`trainStep`, PyTorch SGD, BatchNorm micro-batches of 64) on one thread and with `--threads 2`
 * (`replicaStep`: the main thread and one replica worker with its own wasm backend).
 */
import type { Batch } from '../src/data/batch.js';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { Rng } from '../src/core/rng.js';
import { buildModel } from '../src/models/registry.js';
import { setupBackend } from '../src/tf/backend.js';
import { profileKernels } from '../src/tf/kernel-profile.js';
import { tf } from '../src/tf/tf.js';
import { ReplicaPool } from '../src/train/replica-pool.js';
import { replicaStep } from '../src/train/replica-step.js';
import { DEFAULT_MICRO_BATCH } from '../src/train/run-spec.js';
import { Sgd } from '../src/train/sgd.js';
import { trainStep } from '../src/train/step.js';

export const BATCH = 128;
const TRAIN_STEPS = 4;
const FORWARD_REPEATS = 3;
export const SHAPES: Record<string, [number, number, number]> = {
  'CIFAR 32x32x3': [32, 32, 3],
  'FMNIST 28x28x1': [28, 28, 1],
};

export interface Throughput {
  train: number;
  forward: number;
}

/** Training throughput of the trainer's step on one thread and on two. */
export interface StepThroughput {
  one: number;
  two: number;
}

function seededBatch(shape: [number, number, number]): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rng = Rng.fromSeed(0);
  const size = BATCH * shape[0] * shape[1] * shape[2];
  const x = tf.tensor4d(Float32Array.from({ length: size }, () => rng.normal()), [BATCH, ...shape]);
  const labels = tf.tensor1d(Int32Array.from({ length: BATCH }, () => rng.int(0, 9)), 'int32');
  const y = tf.oneHot(labels, 10) as tf.Tensor2D;
  labels.dispose();
  return { x, y };
}

function imagesPerSecond(repeats: number, work: () => void): number {
  const start = performance.now();
  for (let i = 0; i < repeats; i++) work();
  return (BATCH * repeats * 1000) / (performance.now() - start);
}

async function benchWasm(shape: [number, number, number], profile: boolean): Promise<Throughput> {
  const model = buildModel({ arch: 'resnet', depth: 20, numClasses: 10, inputShape: shape, seed: 0 });
  const optimizer = tf.train.momentum(0.1, 0.9);
  const { x, y } = seededBatch(shape);
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    );
    loss?.dataSync();
    loss?.dispose();
  };
  step();
  step();
  const train = imagesPerSecond(TRAIN_STEPS, step);
  const forward = imagesPerSecond(FORWARD_REPEATS, () => tf.tidy(() => void (model.predict(x) as tf.Tensor).dataSync()));
  if (profile) await printProfile(step);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { train, forward };
}

/** A seeded batch of `count` (default BATCH) normal images and labels 0..9. */
export function seededBatchArrays(shape: [number, number, number], count = BATCH): Batch {
  const rng = Rng.fromSeed(0);
  const x = Float32Array.from({ length: count * shape[0] * shape[1] * shape[2] }, () => rng.normal());
  const y = Int32Array.from({ length: count }, () => rng.int(0, 9));
  return { x, y, count, height: shape[0], width: shape[1], channels: shape[2] };
}

/** Images/s of `step` (on `batch` images) over `steps` steps (default TRAIN_STEPS) after 2 warm-up steps. */
export async function stepsPerSecond(step: () => Promise<unknown>, steps = TRAIN_STEPS, batch = BATCH): Promise<number> {
  await step();
  await step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (batch * steps * 1000) / (performance.now() - start);
}

/** The trainer's default training step (BatchNorm micro-batches of 64) on 1 and 2 threads (PyTorch SGD, momentum 0.9, lr 0.1). */
export async function benchReplicas(shape: [number, number, number]): Promise<StepThroughput> {
  const spec = { arch: 'resnet' as const, depth: 20, numClasses: 10, inputShape: shape, seed: 0 };
  const model = buildModel(spec);
  const sgd = new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 0, nesterov: false });
  const batch = seededBatchArrays(shape);
  const pool = new ReplicaPool(1, { spec, backend: 'wasm', labelSmoothing: 0 });
  try {
    const one = await stepsPerSecond(async () => trainStep(model, sgd, batch, 0.1, 0, DEFAULT_MICRO_BATCH));
    const two = await stepsPerSecond(() => replicaStep({ model, sgd, pool, lr: 0.1, labelSmoothing: 0, microBatch: DEFAULT_MICRO_BATCH }, batch));
    return { one, two };
  } finally {
    await pool.close();
    sgd.dispose();
    model.dispose();
  }
}

async function printProfile(step: () => void): Promise<void> {
  const kernels = await profileKernels(step);
  const total = kernels.reduce((sum, k) => sum + k.ms, 0);
  console.log(`\n  per-kernel profile of one CIFAR training step (wasm, batch ${BATCH}; total ${total.toFixed(0)} ms)`);
  console.log(`  ${'kernel'.padEnd(24)}${'ms'.padStart(9)}${'share'.padStart(8)}${'calls'.padStart(7)}`);
  for (const k of kernels.filter((k) => k.ms >= total / 500)) {
    const share = `${((100 * k.ms) / total).toFixed(1)}%`;
    console.log(`  ${k.name.padEnd(24)}${k.ms.toFixed(1).padStart(9)}${share.padStart(8)}${String(k.calls).padStart(7)}`);
  }
}

/** PyTorch ResNet-20, argv[1] = {shapes, device, steps, repeats}; prints {shape: {train, forward}} in images/s. */
const TORCH_SCRIPT = `
import json, sys, time, torch, torch.nn as nn, torch.nn.functional as F
cfg = json.loads(sys.argv[1])
torch.set_num_threads(2)
dev = torch.device(cfg['device'])
B, STEPS, REPEATS = ${BATCH}, cfg['steps'], cfg['repeats']
def clock():
    if dev.type == 'cuda': torch.cuda.synchronize()
    return time.perf_counter()
class Block(nn.Module):
    def __init__(s, cin, cout, stride):
        super().__init__()
        s.c1, s.b1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)
        s.c2, s.b2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout)
        s.sc = nn.Sequential()
        if stride != 1 or cin != cout:
            s.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
    def forward(s, x):
        return F.relu(s.b2(s.c2(F.relu(s.b1(s.c1(x))))) + s.sc(x))
def resnet20(cin):
    layers, ch = [nn.Conv2d(cin, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for i, w in enumerate([16, 32, 64]):
        for b in range(3):
            layers.append(Block(ch, w, 2 if i > 0 and b == 0 else 1))
            ch = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
out = {}
for name, (h, w, c) in cfg['shapes'].items():
    torch.manual_seed(0)
    m = resnet20(c).to(dev)
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(B, c, h, w, device=dev), torch.randint(0, 10, (B,), device=dev)
    def step():
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()
    m.train(); step(); step()
    t = clock()
    for _ in range(STEPS): step()
    train = B * STEPS / (clock() - t)
    m.eval()
    with torch.no_grad():
        m(x)
        t = clock()
        for _ in range(REPEATS): m(x)
        forward = B * REPEATS / (clock() - t)
    out[name] = {'train': train, 'forward': forward}
print(json.dumps(out))
`;

/** The first python3 that imports torch (with CUDA when `cuda`; a pyenv shim may shadow the system one), or undefined. */
export function torchPython(cuda = false): string | undefined {
  const check = cuda ? 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' : 'import torch';
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', check]).status === 0);
}

/** PyTorch ResNet-20 throughput (2 warm-up steps, then `steps`) on `device` for each shape of `shapes`. */
export function benchTorch(python: string, device = 'cpu', shapes = SHAPES, steps = TRAIN_STEPS): Record<string, Throughput> | undefined {
  const cfg = { shapes, device, steps, repeats: Math.max(FORWARD_REPEATS, steps) };
  const run = spawnSync(python, ['-c', TORCH_SCRIPT, JSON.stringify(cfg)], { encoding: 'utf8' });
  if (run.status !== 0) {
    console.log(`  PyTorch run failed: ${run.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  return JSON.parse(run.stdout) as Record<string, Throughput>;
}

export const ratio = (x: number, y?: number) => (y === undefined ? '-' : `${(x / y).toFixed(2)}x`);

export function row(cells: string[]): string {
  return '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(13))).join('');
}

export async function run(): Promise<void> {
  const engine = await setupBackend({ backend: 'wasm' });
  console.log(`ResNet-20, batch ${BATCH}, backend ${engine.backend} (simd ${engine.simd}), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  const ours: Record<string, Throughput> = {};
  for (const [name, shape] of Object.entries(SHAPES)) ours[name] = await benchWasm(shape, name.startsWith('CIFAR'));
  const steps: Record<string, StepThroughput> = {};
  for (const [name, shape] of Object.entries(SHAPES)) steps[name] = await benchReplicas(shape);
  const python = torchPython();
  const torch = python === undefined ? undefined : benchTorch(python);
  if (python === undefined) console.log('  no python3 with torch found: PyTorch columns skipped');
  console.log('\n  throughput in images/s (higher is better); ratio = TF.js wasm / PyTorch CPU (2 threads)');
  console.log(row(['shape', 'wasm train', 'torch train', 'ratio', 'wasm fwd', 'torch fwd', 'ratio']));
  for (const name of Object.keys(SHAPES)) {
    const [a, b] = [ours[name], torch?.[name]];
    console.log(row([
      name,
      a.train.toFixed(1),
      b?.train.toFixed(1) ?? '-',
      ratio(a.train, b?.train),
      a.forward.toFixed(1),
      b?.forward.toFixed(1) ?? '-',
      ratio(a.forward, b?.forward),
    ]));
  }
  console.log('\n  trainer step, micro-batches of 64 (trainStep / replicaStep --threads 2), images/s; ratio = / PyTorch train (2 threads)');
  console.log(row(['shape', '1 thread', 'ratio', '2 threads', 'ratio', 'speed-up']));
  for (const name of Object.keys(SHAPES)) {
    const [a, b] = [steps[name], torch?.[name]];
    console.log(row([name, a.one.toFixed(1), ratio(a.one, b?.train), a.two.toFixed(1), ratio(a.two, b?.train), `${(a.two / a.one).toFixed(2)}x`]));
  }
  console.log(`  (wasm runs one thread; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores when done: figures are pessimistic when the machine is shared)`);
  await (await import('./webgpu.js')).engineRow(steps['CIFAR 32x32x3']);
}
