/**
 * Core benchmark: per-image Random Erasing throughput for the shapes, and, when python3 with
 * torchvision is importable, torchvision.transforms.RandomErasing on the same shapes in the same run
 * (one torch thread), with the ratios. Both sides use p = 0.5, scale 0.02..0.33, log-uniform ratio
 * 0.3..3.3, 10 attempts, CHW images, erasing a copy (torchvision's default inplace=False) or in place.
 * Throughput is counted per CPU-second of the process (Node: process.cpuUsage, Python:
 * time.process_time) so that other work on a shared machine distorts it less than wall time, and each
 * figure is the best of ROUNDS rounds in which the two sides take turns.
 * `random` fill = one N(0, 1) value per pixel for float32 (torchvision value='random'); for uint8 ours
 * draws uniform bytes 0..255 per pixel (the paper's fill), torchvision casts float N(0, 1) values to uint8.
 * "copy" erases into a reused output array (`out`), the counterpart of torchvision's clone, whose
 * memory the allocator hands straight back; "new array" allocates a fresh copy per image. The copy
 * modes differ in one respect: torchvision clones only the images it erases and returns the others
 * as they came, while `out` receives every image, so ours copies twice as many images at p = 0.5.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { RandomErasing, Rng, imageView, normalKernelName, type Fill, type ImageLayout, type ImageView } from '../src/core/index.js';
import { drawNormals, type ZigguratKernel } from '../src/core/ziggurat-kernel.js';
import { jsZigguratKernel } from '../src/core/ziggurat-js.js';
import { wasmZigguratKernel } from '../src/core/ziggurat-wasm.js';

interface Case {
  readonly name: string;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly dtype: 'uint8' | 'float32';
  readonly fill: 'constant' | 'random';
}

const CASES: readonly Case[] = [
  { name: '1x28x28 float32 constant', c: 1, h: 28, w: 28, dtype: 'float32', fill: 'constant' },
  { name: '3x32x32 float32 constant', c: 3, h: 32, w: 32, dtype: 'float32', fill: 'constant' },
  { name: '3x32x32 float32 random', c: 3, h: 32, w: 32, dtype: 'float32', fill: 'random' },
  { name: '3x224x224 float32 constant', c: 3, h: 224, w: 224, dtype: 'float32', fill: 'constant' },
  { name: '3x224x224 float32 random', c: 3, h: 224, w: 224, dtype: 'float32', fill: 'random' },
  { name: '3x224x224 uint8 constant', c: 3, h: 224, w: 224, dtype: 'uint8', fill: 'constant' },
  { name: '3x224x224 uint8 random', c: 3, h: 224, w: 224, dtype: 'uint8', fill: 'random' },
];

const SECONDS = 1;
/** Rounds of every measurement; the best of each is reported. */
const ROUNDS = 3;

function makeImage(c: Case, layout: ImageLayout): ImageView {
  const n = c.c * c.h * c.w;
  const data = c.dtype === 'uint8' ? new Uint8Array(n).map((_, i) => (i * 31) & 255) : Float32Array.from({ length: n }, (_, i) => (i % 97) / 97);
  return imageView(data, { height: c.h, width: c.w, channels: c.c, layout });
}

function fillFor(c: Case): Fill {
  if (c.fill === 'constant') return { kind: 'constant', value: 0 };
  return c.dtype === 'uint8' ? { kind: 'uniform' } : { kind: 'normal' };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

type Mode = 'new array' | 'out' | 'in place';

/** Images per CPU-second of Random Erasing on one case, timed for about SECONDS after a warm-up. */
function ours(c: Case, layout: ImageLayout, mode: Mode): number {
  const eraser = new RandomErasing('torchvision', { fill: fillFor(c) });
  const image = makeImage(c, layout);
  const options = mode === 'in place' ? { inPlace: true } : mode === 'out' ? { out: image.data.slice() } : {};
  const rng = Rng.fromSeed(1);
  const chunk = c.h > 100 ? 50 : 2000;
  for (let i = 0; i < chunk * 4; i++) eraser.apply(image, rng, options);
  let count = 0;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < SECONDS * 1000) {
    for (let i = 0; i < chunk; i++) eraser.apply(image, rng, options);
    count += chunk;
    elapsed = cpuMs() - start;
  }
  return (count * 1000) / elapsed;
}

const TORCH_SCRIPT = `
import json, sys, time, torch
from torchvision import transforms as T
torch.set_num_threads(1)
torch.manual_seed(0)
out = {}
for c in json.loads(sys.argv[1]):
    x = torch.rand(c['c'], c['h'], c['w']) * 255
    img = x.to(torch.uint8) if c['dtype'] == 'uint8' else x / 255
    for inplace in (False, True):
        t = T.RandomErasing(p=0.5, value='random' if c['fill'] == 'random' else 0, inplace=inplace)
        chunk = 50 if c['h'] > 100 else 2000
        for _ in range(chunk): t(img)
        n, start = 0, time.process_time()
        while time.process_time() - start < ${SECONDS}:
            for _ in range(chunk): t(img)
            n += chunk
        out[c['name'] + (' inplace' if inplace else '')] = n / (time.process_time() - start)
print(json.dumps(out))
`;

/** A python3 that can import torchvision, or null. */
function findPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import torchvision'], { encoding: 'utf8' }).status === 0) return python;
  }
  return null;
}

/** Run an inline Python script and parse the JSON it prints. */
function runPython<T>(python: string, script: string, arg: string): T {
  const run = spawnSync(python, ['-c', script, arg], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`torchvision script failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

const GET_PARAMS_SCRIPT = `
import json, sys, torch
from torchvision import transforms as T
torch.manual_seed(0)
size, n = json.loads(sys.argv[1])
img = torch.zeros(3, size, size)
out = []
for _ in range(n):
    i, j, h, w, _ = T.RandomErasing.get_params(img, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=[0])
    out.append([i, j, h, w])
print(json.dumps(out))
`;

/** Two-sample chi-square homogeneity test of two equal-size samples of integer keys: statistic, df and z. */
function homogeneity(a: readonly number[], b: readonly number[]): { tv: number; z: number } {
  const counts = new Map<number, [number, number]>();
  for (const v of a) (counts.get(v) ?? counts.set(v, [0, 0]).get(v)!)[0]++;
  for (const v of b) (counts.get(v) ?? counts.set(v, [0, 0]).get(v)!)[1]++;
  let chi = 0;
  let tv = 0;
  for (const [x, y] of counts.values()) {
    chi += (x - y) ** 2 / (x + y);
    tv += Math.abs(x / a.length - y / b.length) / 2;
  }
  const df = Math.max(1, counts.size - 1);
  // Wilson-Hilferty: chi-square/df to an approximately standard normal z.
  const z = (Math.cbrt(chi / df) - (1 - 2 / (9 * df))) / Math.sqrt(2 / (9 * df));
  return { tv, z };
}

/**
 * Fidelity: the torchvision preset's sample() against torchvision's own get_params on a 32x32 image
 * (1e5 draws each; a failed draw is (0, 0, H, W) as torchvision returns it). |z| below about 3 means
 * the two samples are indistinguishable.
 */
function fidelity(python: string): void {
  const size = 32;
  const n = 100_000;
  const theirs = runPython<number[][]>(python, GET_PARAMS_SCRIPT, JSON.stringify([size, n]));
  const eraser = new RandomErasing('torchvision', { p: 1 });
  const rng = Rng.fromSeed(3);
  const ours = Array.from({ length: n }, () => {
    const [r] = eraser.sample(size, size, rng);
    return r ? [r.top, r.left, r.height, r.width] : [0, 0, size, size];
  });
  const marginals: [string, (row: number[]) => number][] = [
    ['top', (r) => r[0]],
    ['left', (r) => r[1]],
    ['height', (r) => r[2]],
    ['width', (r) => r[3]],
    ['(height, width)', (r) => r[2] * 1000 + r[3]],
    ['area', (r) => r[2] * r[3]],
  ];
  console.log(`\nFidelity: torchvision preset sample() vs torchvision get_params, ${size}x${size}, ${n} draws each`);
  console.table(
    marginals.map(([name, key]) => {
      const { tv, z } = homogeneity(ours.map(key), theirs.map(key));
      return { marginal: name, 'total variation': tv.toFixed(4), 'chi-square z': z.toFixed(2) };
    }),
  );
}

/** torchvision images per CPU-second per case (copy and in place). */
function torchvision(python: string): Record<string, number> {
  return runPython<Record<string, number>>(python, TORCH_SCRIPT, JSON.stringify(CASES));
}

const NORMAL_BLOCK = 26_000;

const TORCH_NORMAL_SCRIPT = `
import sys, time, torch
torch.set_num_threads(1)
x = torch.empty(int(sys.argv[1]))
for _ in range(200): x.normal_()
n, start = 0, time.process_time()
while time.process_time() - start < ${SECONDS}:
    for _ in range(200): x.normal_()
    n += 200
print((time.process_time() - start) * 1e9 / (n * x.numel()))
`;

/** CPU nanoseconds per N(0, 1) value of one kernel, in blocks the size of a large erased region. */
function kernelNsPerValue(kernel: ZigguratKernel): number {
  const rng = Rng.fromSeed(5);
  const block = () => drawNormals(rng, NORMAL_BLOCK, 0, 1, () => undefined, kernel);
  for (let i = 0; i < 200; i++) block();
  let count = 0;
  const start = cpuMs();
  while (cpuMs() - start < SECONDS * 1000) {
    for (let i = 0; i < 20; i++) block();
    count += 20;
  }
  return ((cpuMs() - start) * 1e6) / (count * NORMAL_BLOCK);
}

/** Normal values alone: our two kernels and torch's normal_ (one thread), CPU ns per value. */
function normalValues(python: string | null): void {
  const wasm = wasmZigguratKernel();
  const torch = python ? Number(runPython<number>(python, TORCH_NORMAL_SCRIPT, String(NORMAL_BLOCK))) : null;
  console.log(`\nN(0, 1) values in blocks of ${NORMAL_BLOCK}, CPU ns per value (fills here use the ${normalKernelName()} kernel)`);
  console.table([
    { generator: 'ours, WebAssembly SIMD ziggurat', 'ns/value': wasm ? kernelNsPerValue(wasm).toFixed(2) : 'unavailable' },
    { generator: 'ours, JavaScript ziggurat (same values)', 'ns/value': kernelNsPerValue(jsZigguratKernel()).toFixed(2) },
    { generator: 'torch Tensor.normal_', 'ns/value': torch ? torch.toFixed(2) : '-' },
  ]);
}

function fmt(x: number): string {
  return x >= 1e5 ? `${(x / 1e3).toFixed(0)}k` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);
}

/** Our four figures per case, keyed `${case} ${mode}`. */
function oursAll(): Record<string, number> {
  const figures: Record<string, number> = {};
  for (const c of CASES) {
    figures[`${c.name} copy`] = ours(c, 'chw', 'out');
    figures[`${c.name} inplace`] = ours(c, 'chw', 'in place');
    figures[`${c.name} hwc`] = ours(c, 'hwc', 'in place');
    figures[`${c.name} new`] = ours(c, 'chw', 'new array');
  }
  return figures;
}

/** Each key's best figure over the rounds. */
function best(rounds: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const round of rounds) for (const [key, value] of Object.entries(round)) out[key] = Math.max(out[key] ?? 0, value);
  return out;
}

export async function run(): Promise<void> {
  console.log(
    `Random Erasing throughput, images per CPU-second (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}; ` +
      `best of ${ROUNDS} rounds, ours and torchvision taking turns, so that a passing load skews neither side)`,
  );
  const python = findPython();
  if (!python) console.log('torchvision not importable by python3: ratios skipped');
  const [oursRounds, tvRounds] = [[] as Record<string, number>[], [] as Record<string, number>[]];
  for (let round = 0; round < ROUNDS; round++) {
    if (python) tvRounds.push(torchvision(python));
    oursRounds.push(oursAll());
  }
  const [mine, tv] = [best(oursRounds), python ? best(tvRounds) : null];
  const ratio = (a: number, b: number | undefined, digits = 1) => (b ? `${(a / b).toFixed(digits)}x` : '-');
  const rows = CASES.map((c) => {
    const [copy, inPlace] = [mine[`${c.name} copy`], mine[`${c.name} inplace`]];
    const [tvCopy, tvInPlace] = [tv?.[c.name], tv?.[`${c.name} inplace`]];
    return {
      case: c.name,
      'copy: ours': fmt(copy),
      'copy: torchvision': tvCopy ? fmt(tvCopy) : '-',
      'copy: ratio': ratio(copy, tvCopy),
      'in place: ours': fmt(inPlace),
      'in place: torchvision': tvInPlace ? fmt(tvInPlace) : '-',
      'in place: ratio': ratio(inPlace, tvInPlace),
      'ours hwc in place': fmt(mine[`${c.name} hwc`]),
      'new array: ours': fmt(mine[`${c.name} new`]),
      'new array: ratio': ratio(mine[`${c.name} new`], tvCopy, 2),
    };
  });
  console.table(rows);
  console.log('copy: torchvision clones only the images it erases (half of them); ours writes every image into out');
  console.log('new array: the default apply(image, rng), a new array per image, against torchvision\'s copy (inplace=False)');
  normalValues(python);
  if (python) fidelity(python);
}
