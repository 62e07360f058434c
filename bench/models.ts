/**
 * Models benchmark (`npm run bench models`):
 * 1. grouped convolution on wasm: the three formulations of `groupedConv2d` at ResNeXt-29 8x64d
 *    shapes, forward and forward+backward;
 * 2. forward (inference) and training-step (forward, backward, SGD momentum update) throughput of
 *    every architecture of the paper's Table 1 on wasm, and of the same definitions in PyTorch
 *    (2 threads) when a python3 with torch is found.
 * `BENCH_MODELS=resnet20,wrn-28-10` restricts part 2 to some models; `BENCH_STEPS` sets the timed
 * steps (default 1, after one warm-up step; the fastest timed step counts).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { findTorchPython } from '../test/models/torch-python.js';
import { TORCH_MODELS } from './torch-models.js';
import { buildModel } from '../src/models/registry.js';
import type { ModelSpec } from '../src/models/spec.js';
import { groupedConv2d, type GroupedConvMethod } from '../src/tf/grouped-conv.js';
import { setupBackend } from '../src/tf/backend.js';
import { tf } from '../src/tf/tf.js';
import { printTable } from './table.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 1);
const CIFAR10 = { numClasses: 10, inputShape: [32, 32, 3] as [number, number, number] };

interface Entry {
  name: string;
  spec: Omit<ModelSpec, 'numClasses' | 'inputShape'>;
  /** Batch of the inference timing. */
  forwardBatch: number;
  /** Batch of the training step. */
  trainBatch: number;
}

/**
 * Batch 128 as the paper where it fits. Training batches are smaller where a step would not fit
 * wasm's 4 GiB heap (TF.js keeps every activation and every intermediate gradient until the backward
 * pass ends, about 2.5x the activations; resnet44 at 128 and resnext29 at 16 run out); wrn-28-10 and
 * resnext29 infer at 32, to keep the run short.
 */
const MODELS: Entry[] = [
  { name: 'resnet20', spec: { arch: 'resnet', depth: 20 }, forwardBatch: 128, trainBatch: 128 },
  { name: 'resnet32', spec: { arch: 'resnet', depth: 32 }, forwardBatch: 128, trainBatch: 128 },
  { name: 'resnet44', spec: { arch: 'resnet', depth: 44 }, forwardBatch: 128, trainBatch: 64 },
  { name: 'resnet56', spec: { arch: 'resnet', depth: 56 }, forwardBatch: 128, trainBatch: 32 },
  { name: 'resnet110', spec: { arch: 'resnet', depth: 110 }, forwardBatch: 128, trainBatch: 16 },
  { name: 'preresnet18', spec: { arch: 'preresnet18' }, forwardBatch: 128, trainBatch: 64 },
  { name: 'wrn-28-10', spec: { arch: 'wrn', depth: 28, widenFactor: 10 }, forwardBatch: 32, trainBatch: 16 },
  { name: 'resnext29-8x64d', spec: { arch: 'resnext' }, forwardBatch: 32, trainBatch: 8 },
];

/** Seconds per call of `fn`: the fastest of `reps` after one warm-up (least disturbed by other load). */
function timeIt(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return best;
}

function fmt(value: number | undefined, digits = 1): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

const GROUPED_SHAPES = [
  { stage: 'stage 1', x: [4, 32, 32, 512], stride: 1 },
  { stage: 'stage 2 (stride 2)', x: [4, 32, 32, 1024], stride: 2 },
  { stage: 'stage 3', x: [4, 8, 8, 2048], stride: 1 },
] as const;

type ConvFn = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D;

interface Candidate {
  label: string;
  conv: ConvFn;
  x: tf.Tensor4D;
  w: tf.Tensor4D;
}

const GROUPED_REPS = 3;

/** Seconds of one forward and of one forward+backward of `c`. */
function timeOnce(c: Candidate): [number, number] {
  let t = performance.now();
  const y = c.conv(c.x, c.w);
  y.dataSync();
  y.dispose();
  const forward = (performance.now() - t) / 1000;
  t = performance.now();
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(c.conv(a as tf.Tensor4D, b as tf.Tensor4D)))([c.x, c.w]);
  dx.dataSync();
  dw.dataSync();
  tf.dispose([dx, dw]);
  return [forward, (performance.now() - t) / 1000];
}

/** The grouped formulations and an ordinary convolution with the same arithmetic (C / sqrt(G) channels). */
function candidates(shape: readonly number[], stride: number): Candidate[] {
  const channels = shape[3];
  const x = tf.randomNormal([...shape] as [number, number, number, number]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, channels / 8, channels]) as tf.Tensor4D;
  const grouped = (['split', 'slices', 'blockDiagonal'] as GroupedConvMethod[]).map((method) => ({
    label: method,
    conv: (a: tf.Tensor4D, b: tf.Tensor4D) => groupedConv2d(a, b, { groups: 8, strides: stride, pad: 1, method }),
    x,
    w,
  }));
  const c = Math.round(channels / Math.sqrt(8));
  const dense = {
    label: `dense ${c}->${c} (same FLOPs)`,
    conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, stride, 1),
    x: tf.randomNormal([shape[0], shape[1], shape[2], c]) as tf.Tensor4D,
    w: tf.randomNormal([3, 3, c, c]) as tf.Tensor4D,
  };
  return [...grouped, dense];
}

/**
 * Milliseconds of each grouped-convolution formulation next to an ordinary convolution with the same
 * arithmetic (the speed a grouped kernel could at best reach). Candidates run round-robin, one warm-up
 * round then {@link GROUPED_REPS} timed rounds, keeping each one's fastest: drifting load from other
 * processes then affects all alike.
 */
function benchGroupedConv(): void {
  console.log(`\nGrouped 3x3 convolution, 8 groups, batch 4, wasm (ms, best of ${GROUPED_REPS} round-robin rounds after a warm-up)`);
  const rows: string[][] = [];
  for (const { stage, x: shape, stride } of GROUPED_SHAPES) {
    const list = candidates(shape, stride);
    const best = list.map(() => [Infinity, Infinity]);
    for (let round = 0; round <= GROUPED_REPS; round++) {
      list.forEach((c, i) => {
        const [f, b] = timeOnce(c);
        if (round > 0) best[i] = [Math.min(best[i][0], f), Math.min(best[i][1], b)];
      });
    }
    list.forEach((c, i) => rows.push([stage, c.label, fmt(best[i][0] * 1000, 0), fmt(best[i][1] * 1000, 0)]));
    tf.dispose(list.flatMap((c) => [c.x, c.w]));
  }
  printTable(['shape', 'method', 'forward', 'forward+backward'], rows);
}

interface Throughput {
  forward: number;
  train: number;
}

function randomBatch(batch: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const x = tf.randomNormal([batch, ...CIFAR10.inputShape]) as tf.Tensor4D;
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D, 10) as tf.Tensor2D;
  return { x, y };
}

/** Images per second of inference and of SGD training steps of one model on the current backend. */
function benchModel(entry: Entry): Throughput {
  const model = buildModel({ ...entry.spec, ...CIFAR10 });
  const inference = randomBatch(entry.forwardBatch);
  const forward = timeIt(() => {
    const logits = model.predict(inference.x) as tf.Tensor;
    logits.dataSync();
    logits.dispose();
  }, STEPS);
  tf.dispose([inference.x, inference.y]);
  const { x, y } = randomBatch(entry.trainBatch);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const train = timeIt(() => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true);
    loss?.dataSync();
    loss?.dispose();
  }, STEPS);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { forward: entry.forwardBatch / forward, train: entry.trainBatch / train };
}

/** The same models in PyTorch, NCHW, 2 threads; prints one JSON line per model. */
const TORCH_SCRIPT = String.raw`
import json, sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2)
# Untrained networks in eval mode produce denormal floats, which x86 handles ~100x slower.
torch.set_flush_denormal(True)
${TORCH_MODELS}
def timed(fn, steps):
    fn(); times = []
    for _ in range(steps):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]

steps = int(sys.argv[1])
for name, forward_batch, train_batch in json.loads(sys.argv[2]):
    model = build(name)
    xf = torch.randn(forward_batch, 3, 32, 32)
    x, y = torch.randn(train_batch, 3, 32, 32), torch.randint(0, 10, (train_batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    params = sum(p.numel() for p in model.parameters())
    def forward():
        model.eval()
        with torch.no_grad(): model(xf)
    def train():
        model.train(); opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()
    f, t = timed(forward, steps), timed(train, steps)
    print(json.dumps({'name': name, 'params': params, 'forward': forward_batch / f, 'train': train_batch / t}), flush=True)
`;

/** One model in PyTorch, right after its tfjs run so both see the same machine load. */
function benchTorch(python: string, entry: Entry): Throughput | undefined {
  const args = ['-c', TORCH_SCRIPT, String(STEPS), JSON.stringify([[entry.name, entry.forwardBatch, entry.trainBatch]])];
  const result = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = result.stdout.split('\n').find((l) => l.startsWith('{'));
  if (result.status !== 0 || line === undefined) {
    console.log(`  torch ${entry.name} failed (exit ${result.status})`);
    return undefined;
  }
  return JSON.parse(line) as Throughput;
}

function selectedModels(): Entry[] {
  const wanted = process.env.BENCH_MODELS?.split(',').map((s) => s.trim());
  if (wanted === undefined) return MODELS;
  const unknown = wanted.filter((w) => !MODELS.some((m) => m.name === w));
  if (unknown.length > 0) {
    throw new Error(`BENCH_MODELS: unknown model(s) ${unknown.join(', ')}; expected ${MODELS.map((m) => m.name).join(', ')}`);
  }
  return MODELS.filter((m) => wanted.includes(m.name));
}

/**
 * Runs one model's measurement in a fresh process: a wasm heap that ran out of memory cannot be
 * recovered, and a heap never shrinks, so models must not share one.
 */
function benchModelInChild(entry: Entry): Throughput {
  const script = `import(${JSON.stringify(import.meta.url)}).then((m) => m.measureOne(${JSON.stringify(entry.name)}))`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || line === undefined) {
    const reasons = child.stderr.split('\n').filter((l) => l.length < 300 && /Error|Aborted/.test(l));
    throw new Error(reasons.at(-1) ?? `exit ${child.status}`);
  }
  return JSON.parse(line) as Throughput;
}

/** Child-process entry of {@link benchModelInChild}: prints the throughput as one JSON line. */
export async function measureOne(name: string): Promise<void> {
  await setupBackend({ backend: 'wasm' });
  const entry = MODELS.find((m) => m.name === name);
  if (entry === undefined) throw new Error(`unknown model ${name}`);
  console.log(JSON.stringify(benchModel(entry)));
}

export async function run(): Promise<void> {
  const info = await setupBackend({ backend: 'wasm' });
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`wasm (SIMD ${info.simd}, single thread); ${os.cpus().length} cores, load average ${load}; figures are pessimistic when the machine is shared`);
  benchGroupedConv();

  const entries = selectedModels();
  console.log(`\nModel throughput, CIFAR-10 32x32x3, images/s (best of ${STEPS} step(s) after a warm-up)`);
  const python = findTorchPython();
  if (python === undefined) console.log('  (no python3 with torch found: PyTorch columns empty)');
  const tfjs = new Map<string, Throughput>();
  const torch = new Map<string, Throughput>();
  for (const entry of entries) {
    const batches = `batches ${entry.forwardBatch} / ${entry.trainBatch}`;
    try {
      const result = benchModelInChild(entry);
      tfjs.set(entry.name, result);
      console.log(`  tfjs-wasm ${entry.name} (${batches}): forward ${fmt(result.forward)}, train ${fmt(result.train)}`);
    } catch (err) {
      console.log(`  tfjs-wasm ${entry.name} (${batches}) failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const reference = python === undefined ? undefined : benchTorch(python, entry);
    if (reference !== undefined) {
      torch.set(entry.name, reference);
      console.log(`  torch     ${entry.name} (${batches}): forward ${fmt(reference.forward)}, train ${fmt(reference.train)}`);
    }
  }
  const rows = entries.map((e) => {
    const [a, b] = [tfjs.get(e.name), torch.get(e.name)];
    const ratio = (x?: number, y?: number) => (x !== undefined && y !== undefined ? `${(x / y).toFixed(2)}x` : '-');
    return [e.name, String(e.forwardBatch), fmt(a?.forward), fmt(b?.forward), ratio(a?.forward, b?.forward), String(e.trainBatch), fmt(a?.train), fmt(b?.train), ratio(a?.train, b?.train)];
  });
  printTable(['model', 'batch', 'forward tfjs-wasm', 'forward torch', 'ratio', 'batch', 'train tfjs-wasm', 'train torch', 'ratio'], rows);
}
