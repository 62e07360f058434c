/**
 * WebGPU benchmark (`npm run bench webgpu`; on a GPU machine through the prepared bench/webgpu-gpu.sh):
 * the trainer's step (`trainStep`: ResNet-20, cross-entropy, PyTorch SGD momentum 0.9, lr 0.1) at
 * batch 128 on the CIFAR shape on the webgpu backend, whatever its adapter, with BatchNorm over the
 * whole batch and in the trainer's micro-batches of 64; in the same run PyTorch CUDA on the same GPU
 * (when python3's torch sees one) and our CPU path (the same step on wasm, on one thread and on two,
 * `replicaStep`); then the step profile: where a step's wall time goes (queueing the micro-batches'
 * kernels, waiting at the step's one read, queueing the SGD update), its kernel count, and the GPU
 * time per kernel where the adapter has timestamp queries.
 *
 * WEBGPU_BENCH_BATCH (default 128) and WEBGPU_BENCH_STEPS (timed steps after 2 warm-ups: default 20 on
 * a hardware GPU, 1 on a software adapter, where a batch-128 step takes minutes) change the run.
 */
import os from 'node:os';
import { buildModel } from '../src/models/registry.js';
import { setupBackend } from '../src/tf/backend.js';
import { profileKernels } from '../src/tf/kernel-profile.js';
import { tf } from '../src/tf/tf.js';
import { describeAdapter, webGpuAdapter, type WebGpuAdapterReport } from '../src/tf/webgpu.js';
import { DEFAULT_MICRO_BATCH } from '../src/train/run-spec.js';
import { Sgd } from '../src/train/sgd.js';
import { trainStep } from '../src/train/step.js';
import { spawnSync } from 'node:child_process';
import { BATCH, benchReplicas, defaultPathTrain, SHAPES, seededBatch, stepsPerSecond, TorchAnchor } from './engine.js';

const CIFAR = SHAPES['CIFAR 32x32x3'];
/** Targets of the issue: against PyTorch CUDA on the same GPU, and against our CPU path. */
const TARGETS = { torchCuda: 0.5, cpuPath: 20 } as const;

const ratio = (x: number, y?: number) => (y === undefined ? '-' : `${(x / y).toFixed(2)}x`);

function row(cells: string[]): string {
  return '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(13))).join('');
}

/** The first python3 whose torch sees a CUDA GPU (a pyenv shim may shadow the system one), or undefined. */
function cudaPython(): string | undefined {
  const check = 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)';
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', check]).status === 0);
}

/** PyTorch CUDA training images/s of ResNet-20 on the CIFAR shape. */
async function torchCuda(python: string): Promise<number> {
  const anchor = new TorchAnchor(python);
  try {
    return (await anchor.measure({ model: 'resnet20', shape: CIFAR, steps: 50, forwards: 50, threads: 2, device: 'cuda' })).train;
  } finally {
    anchor.close();
  }
}

function envInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got '${text}'`);
  return value;
}

/** Where the wall time of one trainer step goes, in ms. */
interface StepPhases {
  /** From the call to the step's first read: every micro-batch's forward and backward kernels queued. */
  queue: number;
  /** The read: waiting until the GPU has run them. */
  wait: number;
  /** After the read: the SGD update queued (its GPU time falls into the next step's wait). */
  update: number;
}

/** The phases of `step`, timed by watching the backend's asynchronous reads. */
async function phasesOf(step: () => Promise<unknown>): Promise<StepPhases> {
  const backend = tf.backend() as unknown as { read(dataId: object): Promise<unknown> };
  const read = backend.read;
  let first = 0;
  let last = 0;
  backend.read = async function (this: unknown, dataId: object) {
    first ||= performance.now();
    const values = await read.call(this, dataId);
    last = performance.now();
    return values;
  };
  const start = performance.now();
  try {
    await step();
  } finally {
    backend.read = read;
  }
  return { queue: first - start, wait: last - first, update: performance.now() - last };
}

/** A ResNet-20 trainer step on the current backend, with its model and optimiser. */
function trainerStep(batchSize: number, microBatch: number) {
  const model = buildModel({ arch: 'resnet', depth: 20, numClasses: 10, inputShape: CIFAR, seed: 0 });
  const sgd = new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 0, nesterov: false });
  const batch = seededBatch(CIFAR, batchSize);
  return {
    step: () => trainStep(model, sgd, batch, 0.1, 0, microBatch),
    dispose: () => {
      sgd.dispose();
      model.dispose();
    },
  };
}

/** Images/s of the webgpu trainer step with BatchNorm micro-batches of `microBatch`. */
async function webgpuThroughput(batchSize: number, microBatch: number, steps: number): Promise<number> {
  const trainer = trainerStep(batchSize, microBatch);
  try {
    return await stepsPerSecond(trainer.step, steps, batchSize);
  } finally {
    trainer.dispose();
  }
}

async function printProfile(batchSize: number, steps: number): Promise<void> {
  const trainer = trainerStep(batchSize, DEFAULT_MICRO_BATCH);
  try {
    await trainer.step();
    const phases: StepPhases[] = [];
    for (let i = 0; i < Math.max(steps, 1); i++) phases.push(await phasesOf(trainer.step));
    const mean = (key: keyof StepPhases) => phases.reduce((s, p) => s + p[key], 0) / phases.length;
    const total = mean('queue') + mean('wait') + mean('update');
    console.log(`\n  step profile (micro-batches of ${DEFAULT_MICRO_BATCH}, mean of ${phases.length} step(s), ${total.toFixed(1)} ms a step)`);
    for (const key of ['queue', 'wait', 'update'] as const) {
      console.log(`  ${key.padEnd(8)}${mean(key).toFixed(1).padStart(9)} ms${`${((100 * mean(key)) / total).toFixed(1)}%`.padStart(8)}`);
    }
    const kernels = await profileKernels(trainer.step);
    const calls = kernels.reduce((s, k) => s + k.calls, 0);
    const gpuMs = kernels.reduce((s, k) => s + k.ms, 0);
    console.log(`  ${calls} kernel calls a step (${((1000 * (mean('queue') + mean('update'))) / calls).toFixed(1)} µs of queueing each)`);
    if (gpuMs === 0) {
      console.log('  no GPU time per kernel: the adapter has no timestamp queries; kernels by calls:');
      for (const k of [...kernels].sort((a, b) => b.calls - a.calls).slice(0, 12)) console.log(`  ${k.name.padEnd(24)}${String(k.calls).padStart(7)}`);
      return;
    }
    console.log(`  GPU time ${gpuMs.toFixed(1)} ms a step (${((100 * gpuMs) / total).toFixed(0)}% of the wall time)`);
    console.log(`  ${'kernel'.padEnd(24)}${'GPU ms'.padStart(9)}${'share'.padStart(8)}${'calls'.padStart(7)}`);
    for (const k of kernels.slice(0, 16)) {
      console.log(`  ${k.name.padEnd(24)}${k.ms.toFixed(2).padStart(9)}${`${((100 * k.ms) / gpuMs).toFixed(1)}%`.padStart(8)}${String(k.calls).padStart(7)}`);
    }
  } finally {
    trainer.dispose();
  }
}

function verdict(value: number, reference: number | undefined, target: number, what: string): string {
  if (reference === undefined) return `  ${what}: not measured in this run`;
  const r = value / reference;
  return `  ${what}: ${r.toFixed(2)}x (target ${target}x: ${r >= target ? 'met' : 'not met'})`;
}

/** The webgpu section. */
export async function run(): Promise<void> {
  const batchSize = envInteger('WEBGPU_BENCH_BATCH', BATCH);
  const info = await setupBackend({ backend: 'webgpu' });
  const adapter = info.adapter as WebGpuAdapterReport;
  const steps = envInteger('WEBGPU_BENCH_STEPS', adapter.software ? 1 : 20);
  console.log(`ResNet-20 trainer step, CIFAR shape, batch ${batchSize}, ${steps} timed step(s) after 2 warm-ups; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  console.log(`  adapter: ${describeAdapter(adapter)}`);
  console.log(`  limits: ${Object.entries(adapter.limits).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (adapter.software) console.log('  (a software adapter: figures say nothing about a GPU)');
  const whole = await webgpuThroughput(batchSize, batchSize, steps);
  const micro = await webgpuThroughput(batchSize, DEFAULT_MICRO_BATCH, steps);
  await printProfile(batchSize, Math.min(steps, 5));

  const python = cudaPython();
  const torch = python === undefined ? undefined : { train: await torchCuda(python) };
  if (python === undefined) console.log('\n  no python3 whose torch sees a CUDA GPU: PyTorch CUDA not measured');
  const native = await defaultPathTrain(CIFAR);
  const cpu = await benchReplicas(CIFAR);
  const cpuBest = Math.max(native, cpu.one, cpu.two);

  console.log(`\n  images/s (higher is better); ratios = / PyTorch CUDA${torch ? '' : ' (not measured)'}, / our best CPU path`);
  console.log(row(['', 'img/s', 'vs torch', 'vs CPU path']));
  const line = (name: string, value: number | undefined) => console.log(row([name, value?.toFixed(1) ?? '-', value === undefined ? '-' : ratio(value, torch?.train), value === undefined ? '-' : ratio(value, cpuBest)]));
  line('webgpu BN 128', whole);
  line(`webgpu BN ${DEFAULT_MICRO_BATCH}`, micro);
  line('PyTorch CUDA', torch?.train);
  line('CPU default path', native);
  line('wasm 1 thread', cpu.one);
  line('wasm 2 threads', cpu.two);
  console.log('\n  the trainer step (BatchNorm micro-batches of 64) on webgpu:');
  console.log(verdict(micro, torch?.train, TARGETS.torchCuda, 'against PyTorch CUDA on the same GPU'));
  console.log(verdict(micro, cpuBest, TARGETS.cpuPath, 'against our best CPU path (native kernels when built, or pure wasm on 1 or 2 threads)'));
}

/** The webgpu row of `npm run bench engine`: timed on a hardware GPU only (a software adapter is ~75x slower than wasm). */
export async function engineRow(): Promise<void> {
  const hardware = await webGpuAdapter(true).then(
    (adapter) => adapter,
    (error: Error) => error,
  );
  if (hardware instanceof Error) {
    console.log(`\n  webgpu: not timed (${hardware.message}); \`npm run bench webgpu\` times it on any adapter`);
    return;
  }
  await setupBackend({ backend: 'webgpu' });
  const micro = await webgpuThroughput(BATCH, DEFAULT_MICRO_BATCH, 10);
  console.log(`\n  webgpu trainer step (micro-batches of 64) on ${describeAdapter(hardware)}: ${micro.toFixed(1)} img/s (compare the CPU rows above)`);
  await setupBackend({ backend: 'wasm' });
}
