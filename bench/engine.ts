/**
 * Engine benchmark (`npm run bench engine`): training-step and forward throughput of ResNet-20
 * (CIFAR variant) at batch 128 for the CIFAR (32x32x3) and Fashion-MNIST (28x28x1) shapes with
 * the trainer's step (`trainStep`: lean backward pass, PyTorch SGD, momentum 0.9, lr 0.1), against
 * the same model, batch and optimiser in PyTorch (2 threads), with the ratios:
 *
 * - on the default engine path (the native oneDNN kernels when built, all cores) and on the pure
 *   wasm kernels;
 * - ROUNDS rounds in which ours and PyTorch take turns (PyTorch in one long-lived process), each
 *   figure the median of the rounds with their range, so a passing load skews neither side;
 * - ResNet-56 and PreAct-ResNet-18 at batch 128, each side in a fresh process, with the memory each
 *   needs (our wasm heap and peak RSS, PyTorch's peak RSS);
 * - the trainer step on the pure wasm kernels with `--threads 2` (its micro-batches of 64 on two wasm
 *   instances, the main thread and a replica worker);
 * - a per-kernel profile of one CIFAR step on the default path, and how much of the step's wall
 *   time the kernels account for.
 */
import type { Batch } from '../src/data/batch.js';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { Rng } from '../src/core/rng.js';
import { buildModel } from '../src/models/registry.js';
import type { ModelSpec } from '../src/models/spec.js';
import { setupBackend, type BackendInfo } from '../src/tf/backend.js';
import { profileKernels } from '../src/tf/kernel-profile.js';
import { tf, type BackendWasm } from '../src/tf/tf.js';
import { ReplicaPool } from '../src/train/replica-pool.js';
import { replicaStep } from '../src/train/replica-step.js';
import { DEFAULT_MICRO_BATCH } from '../src/train/run-spec.js';
import { Sgd } from '../src/train/sgd.js';
import { trainStep } from '../src/train/step.js';
import { findTorchPython } from '../test/models/torch-python.js';
import { TORCH_MODELS } from './torch-models.js';

export const BATCH = 128;
const LR = 0.1;
/** Timed training steps per round (after one warm-up step) and forward passes per round. */
const STEPS = 3;
const FORWARDS = 3;
const ROUNDS = 3;
export const SHAPES: Record<string, [number, number, number]> = {
  'CIFAR 32x32x3': [32, 32, 3],
  'FMNIST 28x28x1': [28, 28, 1],
};
const DEEP: Array<{ name: string; spec: Omit<ModelSpec, 'numClasses' | 'inputShape'> }> = [
  { name: 'resnet56', spec: { arch: 'resnet', depth: 56 } },
  { name: 'preresnet18', spec: { arch: 'preresnet18' } },
];

interface Throughput {
  train: number;
  forward: number;
  /** Process CPU milliseconds per training step and per forward batch. */
  trainCpuMs: number;
  forwardCpuMs: number;
}

/** Process CPU milliseconds so far (all threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A seeded batch of `count` (default BATCH) normal images and labels 0..9. */
export function seededBatch(shape: [number, number, number], count = BATCH): Batch {
  const rng = Rng.fromSeed(0);
  const x = Float32Array.from({ length: count * shape[0] * shape[1] * shape[2] }, () => rng.normal());
  const y = Int32Array.from({ length: count }, () => rng.int(0, 9));
  return { x, y, count, height: shape[0], width: shape[1], channels: shape[2] };
}

/** Images/s of `step` (on `batch` images) over `steps` steps after one warm-up step. */
export async function stepsPerSecond(step: () => Promise<unknown>, steps = STEPS, batch = BATCH): Promise<number> {
  await step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (batch * steps * 1000) / (performance.now() - start);
}

/** One model with its optimiser and batch, on the current backend, timed round after round. */
export class OurRun {
  readonly model: ReturnType<typeof buildModel>;
  readonly sgd: Sgd;
  readonly batch: Batch;
  private readonly x: tf.Tensor4D;

  constructor(spec: Omit<ModelSpec, 'numClasses' | 'inputShape'>, shape: [number, number, number]) {
    this.model = buildModel({ ...spec, numClasses: 10, inputShape: shape, seed: 0 });
    this.sgd = new Sgd(this.model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 0, nesterov: false });
    this.batch = seededBatch(shape);
    this.x = tf.tensor4d(this.batch.x, [BATCH, ...shape]);
  }

  async step(): Promise<void> {
    await trainStep(this.model, this.sgd, this.batch, LR, 0);
  }

  async measure(steps = STEPS, forwards = FORWARDS): Promise<Throughput> {
    await this.step();
    let [start, cpu] = [performance.now(), cpuMs()];
    for (let i = 0; i < steps; i++) await this.step();
    const train = (BATCH * steps * 1000) / (performance.now() - start);
    const trainCpuMs = (cpuMs() - cpu) / steps;
    const forward = () => tf.tidy(() => void (this.model.predict(this.x, { batchSize: BATCH }) as tf.Tensor).dataSync());
    forward();
    [start, cpu] = [performance.now(), cpuMs()];
    for (let i = 0; i < forwards; i++) forward();
    const forwardCpuMs = (cpuMs() - cpu) / forwards;
    return { train, forward: (BATCH * forwards * 1000) / (performance.now() - start), trainCpuMs, forwardCpuMs };
  }

  dispose(): void {
    this.x.dispose();
    this.sgd.dispose();
    this.model.dispose();
  }
}

/** PyTorch side: answers one JSON request per line with the throughput, CPU times and peak RSS. */
const TORCH_SERVER = String.raw`
import json, resource, sys, time, torch, torch.nn as nn, torch.nn.functional as F
${TORCH_MODELS}
runs = {}
for line in sys.stdin:
    req = json.loads(line)
    torch.set_num_threads(req['threads'])
    dev = torch.device(req.get('device', 'cpu'))
    key = (req['model'], tuple(req['shape']), dev.type)
    if key not in runs:
        torch.manual_seed(0)
        h, w, c = req['shape']
        m = build(req['model'], c).to(dev)
        opt = torch.optim.SGD(m.parameters(), lr=${LR}, momentum=0.9)
        runs[key] = (m, opt, torch.randn(${BATCH}, c, h, w, device=dev), torch.randint(0, 10, (${BATCH},), device=dev))
    m, opt, x, y = runs[key]
    def step():
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()
    def clock():
        if dev.type == 'cuda': torch.cuda.synchronize()
        return time.perf_counter()
    m.train(); step()
    t, c = clock(), time.process_time()
    for _ in range(req['steps']): step()
    train = ${BATCH} * req['steps'] / (clock() - t)
    train_cpu = (time.process_time() - c) * 1000 / req['steps']
    m.eval()
    with torch.no_grad():
        m(x)
        t, c = clock(), time.process_time()
        for _ in range(req['forwards']): m(x)
        forward = ${BATCH} * req['forwards'] / (clock() - t)
        forward_cpu = (time.process_time() - c) * 1000 / req['forwards']
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({'train': train, 'forward': forward, 'trainCpuMs': train_cpu, 'forwardCpuMs': forward_cpu, 'rssMiB': rss}), flush=True)
`;

interface TorchReply extends Throughput {
  rssMiB: number;
}

export interface TorchRequest {
  model: string;
  shape: [number, number, number];
  steps: number;
  forwards: number;
  threads: number;
  /** `cpu` (default) or `cuda`. */
  device?: string;
}

/** A long-lived PyTorch process, so that rounds alternate without start-up costs. */
export class TorchAnchor {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: AsyncIterator<string>;

  constructor(python: string) {
    this.child = spawn(python, ['-c', TORCH_SERVER]);
    this.replies = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async measure(request: TorchRequest): Promise<TorchReply> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const reply = await this.replies.next();
    if (reply.done) throw new Error('the PyTorch process ended');
    return JSON.parse(reply.value) as TorchReply;
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** One request to a fresh PyTorch process (its peak RSS is then that model's alone). */
function torchOnce(python: string, request: TorchRequest): TorchReply | undefined {
  const run = spawnSync(python, ['-c', TORCH_SERVER], { input: `${JSON.stringify(request)}\n`, encoding: 'utf8' });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  if (run.status !== 0 || line === undefined) {
    console.log(`  PyTorch ${request.model} failed: ${run.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  return JSON.parse(line) as TorchReply;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of the rounds with their range, e.g. `412.3 (398-430)`. */
function spread(xs: number[]): string {
  if (xs.length === 1) return xs[0].toFixed(1);
  return `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
}

const ratio = (ours: number[], theirs?: number[]) => (theirs === undefined ? '-' : `${(median(ours) / median(theirs)).toFixed(2)}x`);

function row(cells: string[], widths = [16, 11, 20, 20, 8, 20, 20, 8]): string {
  return '  ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('');
}

function pathName(info: BackendInfo): string {
  const n = info.native;
  return n.active ? `native oneDNN ${n.onednn}, ${n.threads} threads` : `pure wasm (native kernels: ${n.reason})`;
}

interface Rounds {
  ours: Throughput[];
  torch: Throughput[];
}

/** ROUNDS alternating rounds of ours and PyTorch on ResNet-20 for one shape; PyTorch on `threads` threads. */
async function alternate(shape: [number, number, number], rounds: number, torch?: TorchAnchor, threads = 2): Promise<Rounds> {
  const run = new OurRun({ arch: 'resnet', depth: 20 }, shape);
  const result: Rounds = { ours: [], torch: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      result.ours.push(await run.measure());
      if (torch) result.torch.push(await torch.measure({ model: 'resnet20', shape, steps: STEPS, forwards: FORWARDS, threads }));
    }
  } finally {
    run.dispose();
  }
  return result;
}

function printRounds(label: string, path: string, rounds: Rounds): void {
  const ours = { train: rounds.ours.map((t) => t.train), forward: rounds.ours.map((t) => t.forward) };
  const torch = rounds.torch.length > 0 ? { train: rounds.torch.map((t) => t.train), forward: rounds.torch.map((t) => t.forward) } : undefined;
  console.log(
    row([
      label,
      path,
      spread(ours.train),
      torch ? spread(torch.train) : '-',
      ratio(ours.train, torch?.train),
      spread(ours.forward),
      torch ? spread(torch.forward) : '-',
      ratio(ours.forward, torch?.forward),
    ]),
  );
}

/**
 * CPU milliseconds per training step and per forward batch with one thread on each side (native
 * kernels on one thread, PyTorch set_num_threads(1)): the work each side does, which other load on
 * the machine distorts far less than wall time.
 */
async function printCpuTimes(torch?: TorchAnchor): Promise<void> {
  console.log(`\n  CPU ms per training step / per forward batch, one thread each side (lower is better); ratio = PyTorch / ours`);
  console.log(row(['shape', '', 'ours train', 'torch train', 'ratio', 'ours fwd', 'torch fwd', 'ratio']));
  await setupBackend({ backend: 'wasm', threads: 1 });
  for (const [name, shape] of Object.entries(SHAPES)) {
    const rounds = await alternate(shape, 1, torch, 1);
    const [ours, theirs] = [rounds.ours[0], rounds.torch[0]];
    const r = (a: number, b?: number) => (b === undefined ? '-' : `${(b / a).toFixed(2)}x`);
    console.log(row([name, '', ours.trainCpuMs.toFixed(0), theirs?.trainCpuMs.toFixed(0) ?? '-', r(ours.trainCpuMs, theirs?.trainCpuMs), ours.forwardCpuMs.toFixed(0), theirs?.forwardCpuMs.toFixed(0) ?? '-', r(ours.forwardCpuMs, theirs?.forwardCpuMs)]));
  }
  await setupBackend({ backend: 'wasm' });
}

/** Child-process entry: one deep model on the default path, its figures and memory as JSON. */
export async function measureDeep(name: string): Promise<void> {
  await setupBackend({ backend: 'wasm' });
  const entry = DEEP.find((d) => d.name === name);
  if (entry === undefined) throw new Error(`unknown deep model ${name}`);
  const run = new OurRun(entry.spec, [32, 32, 3]);
  const figures = await run.measure(2, 2);
  const heapMiB = (((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer.byteLength / 2 ** 20).toFixed(0);
  const rssMiB = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  console.log(JSON.stringify({ ...figures, heapMiB: Number(heapMiB), rssMiB: Number(rssMiB) }));
}

function deepInChild(name: string): (Throughput & { heapMiB: number; rssMiB: number }) | string {
  const script = `import(${JSON.stringify(import.meta.url)}).then((m) => m.measureDeep(${JSON.stringify(name)}))`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || line === undefined) {
    return child.stderr.split('\n').filter((l) => l.length < 300 && /Error|Aborted/.test(l)).at(-1) ?? `exit ${child.status}`;
  }
  return JSON.parse(line) as Throughput & { heapMiB: number; rssMiB: number };
}

function benchDeep(python?: string): void {
  console.log(`\n  deep models, CIFAR 32x32x3, batch ${BATCH}, default path (each side in a fresh process; 2 timed steps)`);
  console.log(row(['model', '', 'ours train', 'torch train', 'ratio', 'ours fwd', 'torch fwd', 'ratio']));
  for (const { name } of DEEP) {
    const ours = deepInChild(name);
    const torch = python ? torchOnce(python, { model: name, shape: [32, 32, 3], steps: 2, forwards: 2, threads: 2 }) : undefined;
    if (typeof ours === 'string') {
      console.log(`  ${name}: ours failed: ${ours}`);
      continue;
    }
    const t = torch ? { train: [torch.train], forward: [torch.forward] } : undefined;
    console.log(row([name, '', spread([ours.train]), t ? spread(t.train) : '-', ratio([ours.train], t?.train), spread([ours.forward]), t ? spread(t.forward) : '-', ratio([ours.forward], t?.forward)]));
    console.log(`    memory: ours wasm heap ${ours.heapMiB} MiB (limit 4096), peak RSS ${ours.rssMiB} MiB; PyTorch peak RSS ${torch ? torch.rssMiB.toFixed(0) : '-'} MiB`);
  }
}

/** Images/s of the trainer step (BatchNorm over the whole batch) on the default CPU path: the native kernels when built, every core. */
export async function defaultPathTrain(shape: [number, number, number]): Promise<number> {
  await setupBackend({ backend: 'wasm' });
  const run = new OurRun({ arch: 'resnet', depth: 20 }, shape);
  try {
    return (await run.measure(STEPS, 1)).train;
  } finally {
    run.dispose();
  }
}

/**
 * The trainer's default step (micro-batches of 64) on the pure wasm kernels, on one thread and on two
 * (a replica worker with its own wasm takes the second micro-batch): the CPU path without the addon.
 */
export async function benchReplicas(shape: [number, number, number]): Promise<{ one: number; two: number }> {
  await setupBackend({ backend: 'wasm', native: false });
  const run = new OurRun({ arch: 'resnet', depth: 20 }, shape);
  const pool = new ReplicaPool(1, { spec: { arch: 'resnet', depth: 20, numClasses: 10, inputShape: shape, seed: 0 }, backend: 'wasm', labelSmoothing: 0 });
  try {
    const one = await stepsPerSecond(() => trainStep(run.model, run.sgd, run.batch, LR, 0, DEFAULT_MICRO_BATCH));
    const two = await stepsPerSecond(() => replicaStep({ model: run.model, sgd: run.sgd, pool, lr: LR, labelSmoothing: 0, microBatch: DEFAULT_MICRO_BATCH }, run.batch));
    return { one, two };
  } finally {
    await pool.close();
    run.dispose();
  }
}

async function printProfile(): Promise<void> {
  const run = new OurRun({ arch: 'resnet', depth: 20 }, SHAPES['CIFAR 32x32x3']);
  await run.step();
  const start = performance.now();
  await run.step();
  const wall = performance.now() - start;
  const kernels = await profileKernels(() => run.step());
  run.dispose();
  const total = kernels.reduce((sum, k) => sum + k.ms, 0);
  console.log(`\n  per-kernel profile of one CIFAR training step (default path, batch ${BATCH}): kernels ${total.toFixed(0)} ms of a ${wall.toFixed(0)} ms step`);
  console.log(`  (the rest, ${Math.max(0, wall - total).toFixed(0)} ms, is single-threaded JS: the engine's bookkeeping, the tape, layer calls)`);
  console.log(`  ${'kernel'.padEnd(24)}${'ms'.padStart(9)}${'share'.padStart(8)}${'calls'.padStart(7)}`);
  for (const k of kernels.filter((k) => k.ms >= total / 200)) {
    const share = `${((100 * k.ms) / total).toFixed(1)}%`;
    console.log(`  ${k.name.padEnd(24)}${k.ms.toFixed(1).padStart(9)}${share.padStart(8)}${String(k.calls).padStart(7)}`);
  }
}

export async function run(): Promise<void> {
  const info = await setupBackend({ backend: 'wasm' });
  const load = () => os.loadavg()[0].toFixed(1);
  console.log(`ResNet-20, batch ${BATCH}; wasm (SIMD ${info.simd}); default path: ${pathName(info)}; ${os.cpus().length} cores, load ${load()}`);
  const python = findTorchPython();
  if (python === undefined) console.log('  no python3 with torch found: PyTorch columns skipped');
  const torch = python === undefined ? undefined : new TorchAnchor(python);
  console.log(`\n  images/s, median of rounds (range); ours and PyTorch (2 threads) take turns; ratio = ours / PyTorch`);
  console.log(row(['shape', 'path', 'ours train', 'torch train', 'ratio', 'ours fwd', 'torch fwd', 'ratio']));
  try {
    for (const [name, shape] of Object.entries(SHAPES)) {
      await setupBackend({ backend: 'wasm' });
      printRounds(name, info.native.active ? 'native' : 'pure wasm', await alternate(shape, ROUNDS, torch));
      if (info.native.active) {
        await setupBackend({ backend: 'wasm', native: false });
        printRounds(name, 'pure wasm', await alternate(shape, 1, torch));
      }
    }
    if (info.native.active) await printCpuTimes(torch);
  } finally {
    torch?.close();
  }
  await setupBackend({ backend: 'wasm' });
  benchDeep(python);
  console.log(`\n  trainer step without the native kernels (micro-batches of ${DEFAULT_MICRO_BATCH}): 1 thread vs --threads 2 (main thread + one replica worker with its own wasm), images/s`);
  for (const [name, shape] of Object.entries(SHAPES)) {
    const { one, two } = await benchReplicas(shape);
    console.log(`  ${name.padEnd(16)} 1 thread ${one.toFixed(1)}, 2 threads ${two.toFixed(1)} (${(two / one).toFixed(2)}x)`);
  }
  await setupBackend({ backend: 'wasm' });
  await printProfile();
  await (await import('./webgpu.js')).engineRow();
  console.log(`\n  load average ${load()} on ${os.cpus().length} cores when done: figures are pessimistic when the machine is shared`);
}
