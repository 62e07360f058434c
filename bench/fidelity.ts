/**
 * Fidelity benchmark: `npm run bench fidelity [seed ...]`, or with options
 * `npm run bench -- fidelity --seeds 1 2 3 [--steps-only | --table-only | --report] [--engine ours|torch|replay|torchinit]
 * [--runs DIR] [--anchor FILE] [--backend wasm|cpu]`, or `--continue CHECKPOINT ...`. Not part of a
 * plain `npm run bench` (hours).
 *
 * 1. Steps (about two minutes): from identical weights and batches, our trainer and the reference loop
 *    in PyTorch float32 and float64 (torch_steps.py) train ResNet-20 for six steps, at the recipe's LR
 *    0.1 and at the fidelity test's 0.001; printed: how far ours and PyTorch float32 end from each other
 *    and from the float64 run (global relative error per kind of weight).
 * 2. Table: for each seed and arm (baseline, Random Erasing p 0.5), our trainer and the reference script
 *    ../shared/anchors/torch_reference_train.py on the same seeded 10,000-image subset (`--indices`),
 *    at the issue's budget: ResNet-20, Fashion-MNIST, 10 epochs, LR 0.1 x0.1 at epochs 5 and 8, batch
 *    128, momentum 0.9, weight decay 5e-4, whole-batch BatchNorm (no micro-batches),
 *    one thread each; test error of the last epoch on the 10,000 test images, and its training loss.
 *    A third column replays each run of ours in PyTorch (torch_steps.py, the reference loop): from our
 *    initial weights, on the batches our loader gives (our shuffle and augmentation draws). Ours and the
 *    replay differ only in the training arithmetic; the replay and the reference script only in the draws.
 *    A fourth (`torchinit`) trains PyTorch on our batches from the reference initialisation drawn by
 *    torch, to tell the initial weights' part from the batches'.
 *    The PyTorch runs go one after another beside ours. Each finished run is kept in --runs (default
 *    results/fidelity) and reused, and a stopped run of ours resumes from its checkpoint.
 * `--continue` instead trains one more epoch from each given checkpoint of ours (weights, BatchNorm
 * statistics, momentum buffers) in both engines on the same batches, and compares the losses and weights.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/index.js';
import type { BackendName } from '../src/tf/backend.js';
import { subsetIndices } from '../src/train/data-source.js';
import { completeRuntime } from '../src/train/run-runtime.js';
import { completeSpec, type RunSpec } from '../src/train/run-spec.js';
import { train } from '../src/train/trainer.js';
import { Blob, findTorchPython } from '../test/models/torch-python.js';
import { continueRun, fashionMnistPresent, KINDS, relativeError, replayCase, runOurs, runTorch, type RunOutcome, type StepCase } from '../test/train/torch-steps.js';
import { printTable } from './table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The issue's budget (issue 20); whole-batch BatchNorm (no micro-batches) as the reference, on one thread. */
const BUDGET = {
  dataset: 'fashion-mnist', arch: 'resnet', depth: 20, trainSubset: 10_000, epochs: 10, schedule: [5, 8], gamma: 0.1, lr: 0.1,
  momentum: 0.9, weightDecay: 5e-4, trainBatch: 128, microBatch: 128,
} as const;

/** Our runs: one thread each, as the reference script's; one data worker. */
const RUNTIME = { workers: 1, threads: 1 } as const;

const budgetSpec = (arm: Arm, seed: number): RunSpec => ({ seed, ...BUDGET, schedule: [...BUDGET.schedule], p: arm.p });

const ARMS = [
  { key: 'baseline', name: 'baseline', p: 0 },
  { key: 're', name: 'Random Erasing p 0.5', p: 0.5 },
] as const;
type Arm = (typeof ARMS)[number];

/**
 * ours; the reference script; PyTorch (torch_steps.py) replaying our run's draws (its initial weights
 * and batches); PyTorch on our run's batches from the reference initialisation drawn by torch.
 */
const ENGINES = ['ours', 'torch', 'replay', 'torchinit'] as const;
type Engine = (typeof ENGINES)[number];

interface Options {
  seeds: number[];
  steps: boolean;
  table: boolean;
  /** Print the table of the runs kept in `runs`, running nothing. */
  reportOnly: boolean;
  engines: Engine[];
  runs: string;
  anchor: string;
  backend: BackendName;
  /** Checkpoints of ours to continue one epoch from, in both engines. */
  continueFrom: string[];
}

class UsageError extends Error {}

function parseArgs(args: readonly string[]): Options {
  const o: Options = {
    seeds: [], steps: true, table: true, engines: [...ENGINES], runs: path.join(ROOT, 'results', 'fidelity'),
    anchor: path.resolve(ROOT, '..', 'shared', 'anchors', 'torch_reference_train.py'), backend: 'wasm', continueFrom: [], reportOnly: false,
  };
  const value = (i: number, flag: string) => {
    if (args[i] === undefined || args[i].startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return args[i];
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (/^\d+$/.test(a)) o.seeds.push(Number(a));
    else if (a === '--seeds') continue;
    else if (a === '--steps-only') o.table = false;
    else if (a === '--table-only') o.steps = false;
    else if (a === '--report') o.reportOnly = true;
    else if (a === '--runs') o.runs = path.resolve(value(++i, a));
    else if (a === '--anchor') o.anchor = path.resolve(value(++i, a));
    else if (a === '--continue') {
      const file = path.resolve(value(++i, a));
      if (!existsSync(file)) throw new UsageError(`--continue: no checkpoint ${file}`);
      o.continueFrom.push(file);
    }
    else if (a === '--engine') {
      const e = value(++i, a);
      if (!(ENGINES as readonly string[]).includes(e)) throw new UsageError(`--engine: expected one of ${ENGINES.join(', ')}, got '${e}'`);
      o.engines = [e as Engine];
    } else if (a === '--backend') {
      const b = value(++i, a);
      if (b !== 'wasm' && b !== 'cpu') throw new UsageError(`--backend: expected wasm or cpu, got '${b}'`);
      o.backend = b;
    } else throw new UsageError(`unknown argument '${a}' (expected seeds, --seeds, --steps-only, --table-only, --report, --continue, --engine, --runs, --anchor, --backend)`);
  }
  if (o.seeds.length === 0) o.seeds = [1, 2, 3];
  return o;
}

// ---- 1. steps ----

const STEP_DATA = { backend: 'wasm', trainBatch: 32, trainSubset: 80, testSubset: 100, dtypes: ['float32', 'float64'] } as const;
const STEP_CASES: StepCase[] = [
  { name: 'LR 0.1, wd 5e-4 (recipe), no erasing', p: 0, lr: 0.1, weightDecay: 5e-4, ...STEP_DATA },
  { name: 'LR 0.1, wd 5e-4 (recipe), RE p 0.5', p: 0.5, lr: 0.1, weightDecay: 5e-4, ...STEP_DATA },
  { name: 'LR 0.001, wd 0.05 (test), no erasing', p: 0, lr: 0.001, weightDecay: 0.05, ...STEP_DATA },
  { name: 'LR 0.001, wd 0.05 (test), RE p 0.5', p: 0.5, lr: 0.001, weightDecay: 0.05, ...STEP_DATA },
];

async function steps(python: string): Promise<void> {
  console.log('Six steps of ResNet-20 (batch 32, 80 Fashion-MNIST images, 2 epochs, LR x0.1 in the second, momentum 0.9) from the same weights and batches;');
  console.log('||a - b|| / ||b|| over each kind of array at the end (weights: convolutions and dense layer; BatchNorm gamma, beta, running mean and variance):');
  const blob = new Blob();
  const ours: RunOutcome[] = [];
  const manifest: object[] = [];
  for (const c of STEP_CASES) {
    const run = await runOurs(c, blob);
    ours.push(run.ours);
    manifest.push(run.manifest);
  }
  const torch = await runTorch(python, manifest, blob);
  const rows = STEP_CASES.flatMap((c, i) => {
    const [t32, t64] = [torch[i].float32 as RunOutcome, torch[i].float64 as RunOutcome];
    return KINDS.map((kind) => [c.name, kind, ...[[ours[i], t32], [ours[i], t64], [t32, t64]].map(([a, b]) => relativeError(a.layers, b.layers, kind).toExponential(1))]);
  });
  printTable(['case', 'kind', 'ours vs PyTorch float32', 'ours vs PyTorch float64', 'PyTorch float32 vs float64'], rows);
}

/** One more epoch from each checkpoint, in both engines on the same batches. */
async function continued(python: string, files: readonly string[]): Promise<void> {
  console.log('One more epoch from checkpoints of ours (weights, BatchNorm statistics, momentum buffers), both engines on the same batches:');
  const rows: string[][] = [];
  for (const file of files) {
    const blob = new Blob();
    const run = await continueRun(file, blob, ['float32']);
    const torch = (await runTorch(python, [run.manifest], blob))[0].float32 as RunOutcome;
    const errors = KINDS.map((kind) => `${kind} ${relativeError(run.ours.layers, torch.layers, kind).toExponential(1)}`).join(', ');
    const losses = (r: RunOutcome) => `${r.trainLoss[0].toFixed(4)} / ${r.testLoss[0].toFixed(4)}`;
    rows.push([path.basename(file), String(run.epoch + 1), String(run.ours.lr[0]), losses(run.ours), losses(torch), errors]);
  }
  printTable(['checkpoint', 'epoch', 'LR', 'ours: train / test loss', 'PyTorch: train / test loss', 'weights: ours vs PyTorch'], rows);
}

// ---- 2. table ----

/** What one full run gave. */
interface RunResult {
  testError: number;
  trainLoss: number;
  seconds: number;
}

function runFile(o: Options, engine: Engine, arm: Arm, seed: number): string {
  return path.join(o.runs, `${engine}-${arm.key}-seed${seed}.json`);
}

function cached(file: string): RunResult | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResult) : undefined;
}

async function runOursFull(o: Options, arm: Arm, seed: number): Promise<void> {
  const file = runFile(o, 'ours', arm, seed);
  if (cached(file)) return;
  const checkpoint = path.join(o.runs, `ours-${arm.key}-seed${seed}`);
  const last = path.join(checkpoint, 'checkpoint.ckpt');
  const spec = budgetSpec(arm, seed);
  const runtime = { ...RUNTIME, backend: o.backend, checkpoint };
  const start = performance.now();
  const result = await train({ spec, runtime, ...(existsSync(last) ? { resume: last } : {}) }, {
    onEpoch: (r) => console.log(`  ours  ${arm.key} seed ${seed}: epoch ${r.epoch}/${BUDGET.epochs}, train loss ${r.trainLoss.toFixed(4)}, test error ${(100 - r.testTop1).toFixed(2)} %`),
  });
  const history = result.history;
  const outcome: RunResult = { testError: 100 - result.lastAcc, trainLoss: history[history.length - 1].trainLoss, seconds: (performance.now() - start) / 1000 };
  writeFileSync(file, JSON.stringify(outcome, null, 1));
}

/**
 * PyTorch on the batches of our run of the seed (see replayCase): from its initial weights (`replay`),
 * or from the reference initialisation drawn by torch from the seed (`torchinit`).
 */
async function runReplayFull(o: Options, python: string, engine: 'replay' | 'torchinit', arm: Arm, seed: number): Promise<void> {
  const file = runFile(o, engine, arm, seed);
  if (cached(file)) return;
  const start = performance.now();
  const blob = new Blob();
  const manifest = await replayCase(completeSpec(budgetSpec(arm, seed)), completeRuntime({ ...RUNTIME, backend: o.backend }), blob, ['float32']);
  const init = engine === 'torchinit' ? { torchInitSeed: seed } : {};
  const torch = (await runTorch(python, [{ ...manifest, ...init }], blob))[0].float32 as RunOutcome;
  torch.testError.forEach((error, e) =>
    console.log(`  ${engine} ${arm.key} seed ${seed}: epoch ${e + 1}/${BUDGET.epochs}, train loss ${torch.trainLoss[e].toFixed(4)}, test error ${error.toFixed(2)} %`),
  );
  const outcome: RunResult = { testError: torch.testError[BUDGET.epochs - 1], trainLoss: torch.trainLoss[BUDGET.epochs - 1], seconds: (performance.now() - start) / 1000 };
  writeFileSync(file, JSON.stringify(outcome, null, 1));
}

/** The reference script on our seeded subset of the seed; its per-epoch lines are echoed. */
async function runTorchFull(o: Options, python: string, trainCount: number, arm: Arm, seed: number): Promise<void> {
  const file = runFile(o, 'torch', arm, seed);
  if (cached(file)) return;
  const indices = path.join(o.runs, `indices-seed${seed}.json`);
  writeFileSync(indices, JSON.stringify(Array.from(subsetIndices(trainCount, BUDGET.trainSubset, seed, 0))));
  const out = path.join(o.runs, `torch-${arm.key}-seed${seed}.anchor.json`);
  const args = [o.anchor, out, '--p', String(arm.p), '--epochs', String(BUDGET.epochs), '--schedule', ...BUDGET.schedule.map(String), '--threads', '1', '--seed', String(seed), '--indices', indices];
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const epoch = line.startsWith('{') ? (JSON.parse(line) as { epoch: number; train_loss: number; test_acc: number }) : undefined;
    console.log(epoch ? `  torch ${arm.key} seed ${seed}: epoch ${epoch.epoch}/${BUDGET.epochs}, train loss ${epoch.train_loss.toFixed(4)}, test error ${(100 - epoch.test_acc).toFixed(2)} %` : `  torch ${arm.key} seed ${seed}: ${line}`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${o.anchor} exited with ${code} (arm ${arm.key}, seed ${seed})`);
  const anchor = JSON.parse(readFileSync(out, 'utf8')) as { test_error: number; seconds: number; log: Array<{ train_loss: number }> };
  writeFileSync(file, JSON.stringify({ testError: anchor.test_error, trainLoss: anchor.log[anchor.log.length - 1].train_loss, seconds: anchor.seconds }, null, 1));
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : NaN;
  return { mean, std };
}

function cell(values: readonly number[], digits: number): string {
  if (values.length === 0) return '-';
  const { mean, std } = meanStd(values);
  const spread = Number.isNaN(std) ? '' : ` ± ${std.toFixed(digits)}`;
  return `${mean.toFixed(digits)}${spread} (${values.map((v) => v.toFixed(digits)).join(' / ')})`;
}

/** Difference of the means with its standard error (Welch). */
function difference(a: readonly number[], b: readonly number[], digits: number): string {
  if (a.length === 0 || b.length === 0) return '-';
  const [x, y] = [meanStd(a), meanStd(b)];
  const se = Math.sqrt((x.std ** 2) / a.length + (y.std ** 2) / b.length);
  return `${(x.mean - y.mean).toFixed(digits)}${Number.isNaN(se) ? '' : ` ± ${se.toFixed(digits)}`}`;
}

function report(o: Options): void {
  const values = (engine: Engine, arm: Arm, pick: (r: RunResult) => number) =>
    o.seeds.map((s) => cached(runFile(o, engine, arm, s))).filter((r): r is RunResult => r !== undefined).map(pick);
  for (const [title, pick, digits] of [
    ['test error % (last epoch, 10,000 test images)', (r: RunResult) => r.testError, 2],
    ['training loss of the last epoch', (r: RunResult) => r.trainLoss, 3],
  ] as const) {
    console.log(`\n${title}, seeds ${o.seeds.join(', ')}: mean ± std (per seed)`);
    printTable(
      ['arm', 'ours', 'PyTorch reference, same subset', 'ours - reference (± s.e.)', 'PyTorch, our init + batches', 'PyTorch, own init + our batches'],
      ARMS.map((arm) => {
        const [ours, torch, replay, torchinit] = ENGINES.map((engine) => values(engine, arm, pick));
        return [arm.name, cell(ours, digits), cell(torch, digits), difference(ours, torch, digits), cell(replay, digits), cell(torchinit, digits)];
      }),
    );
  }
}

/** Why the table cannot run, or undefined. */
function tableProblem(o: Options, python: string | undefined): string | undefined {
  if (!o.engines.some((e) => e !== 'ours')) return undefined;
  if (python === undefined) return 'no python3 with torch: the PyTorch columns need one (or use --engine ours)';
  if (o.engines.includes('torch') && !existsSync(o.anchor)) return `the reference script ${o.anchor} does not exist (--anchor FILE)`;
  return undefined;
}

async function table(o: Options, python: string | undefined): Promise<void> {
  mkdirSync(o.runs, { recursive: true });
  console.log(`Budget: ResNet-20, Fashion-MNIST, ${BUDGET.trainSubset} seeded training images, ${BUDGET.epochs} epochs, LR ${BUDGET.lr} x${BUDGET.gamma} at epochs ${BUDGET.schedule.join(' and ')}, batch ${BUDGET.trainBatch}, whole-batch BatchNorm; runs kept in ${o.runs}`);
  // Random Erasing first: the arm the comparison is about.
  const jobs = [ARMS[1], ARMS[0]].flatMap((arm) => o.seeds.map((seed) => ({ seed, arm })));
  const queues: Promise<void>[] = [];
  if (o.engines.includes('torch')) {
    const trainCount = (await loadDataset('fashion-mnist', { split: 'train' })).count;
    queues.push(jobs.reduce((prev, j) => prev.then(() => runTorchFull(o, python as string, trainCount, j.arm, j.seed)), Promise.resolve()));
  }
  const replays = (['replay', 'torchinit'] as const).filter((e) => o.engines.includes(e));
  if (replays.length > 0) {
    const replayJobs = jobs.flatMap((j) => replays.map((engine) => ({ ...j, engine })));
    queues.push(replayJobs.reduce((prev, j) => prev.then(() => runReplayFull(o, python as string, j.engine, j.arm, j.seed)), Promise.resolve()));
  }
  if (o.engines.includes('ours')) queues.push(jobs.reduce((prev, j) => prev.then(() => runOursFull(o, j.arm, j.seed)), Promise.resolve()));
  await Promise.all(queues);
  report(o);
}

export async function run(args: readonly string[] = []): Promise<void> {
  let o: Options;
  const python = findTorchPython();
  try {
    o = parseArgs(args);
    const problem = o.table && !o.reportOnly ? tableProblem(o, python) : undefined;
    if (problem) throw new UsageError(problem);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench fidelity: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  if (o.reportOnly) {
    report(o);
    return;
  }
  if (!(await fashionMnistPresent())) throw new Error('bench fidelity needs the Fashion-MNIST files (apt-get install dataset-fashion-mnist)');
  if (o.continueFrom.length > 0) {
    if (python === undefined) throw new Error('--continue needs a python3 with torch');
    await continued(python, o.continueFrom);
    return;
  }
  if (o.steps) {
    if (python === undefined) console.log('Steps: skipped (no python3 with torch)');
    else await steps(python);
  }
  if (o.table) await table(o, python);
}
