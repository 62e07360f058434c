/** File names inside a run's checkpoint folder, and the run description files. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedOptions } from '../core/erasing-options.js';
import { describeAdapter, type WebGpuAdapterReport } from '../tf/webgpu.js';
import { writeFileAtomic } from './atomic-write.js';
import type { CompleteRuntime } from './run-runtime.js';
import type { CompleteSpec } from './run-spec.js';

/** Paths of everything a run writes in its folder. */
export interface RunPaths {
  readonly dir: string;
  /** Latest state, rewritten every epoch (and on interruption). */
  readonly checkpoint: string;
  /** Copy of the checkpoint of the epoch with the best test accuracy. */
  readonly best: string;
  readonly config: string;
  readonly seed: string;
  readonly log: string;
  readonly metrics: string;
  /** Without extension: `.svg` and `.png` are written. */
  readonly curves: string;
}

/** The paths of a run folder. */
export function runPaths(dir: string): RunPaths {
  const at = (name: string) => path.join(dir, name);
  return {
    dir,
    checkpoint: at('checkpoint.ckpt'),
    best: at('model_best.ckpt'),
    config: at('config.json'),
    seed: at('seed.txt'),
    log: at('log.txt'),
    metrics: at('metrics.jsonl'),
    curves: at('curves'),
  };
}

/** What config.json records: the run's id and complete spec, the values it resolves to, how it ran. */
export interface RunDescription {
  /** Hash of the complete spec (see `specHash`). */
  readonly runId: string;
  readonly spec: CompleteSpec;
  /** Every Random Erasing option in force (the preset's with the spec's values), or null without erasing. */
  readonly erasing: ResolvedOptions | null;
  readonly model: { readonly name: string; readonly params: number };
  /** The runtime, with the number of threads actually started (one on a GPU backend) and the backend that ran. */
  readonly runtime: CompleteRuntime;
  /** How the threads ran: inside the native kernels, as replica workers over the micro-batches, or one on a GPU. */
  readonly parallelism: 'native kernels' | 'replicas' | 'gpu';
  /** The native kernels' library, when they ran. */
  readonly native?: string;
  /** On webgpu, the GPU adapter the run trained on. */
  readonly adapter?: WebGpuAdapterReport;
}

/** Create the folder and record the description (config.json) and the seed (seed.txt); a detector's run describes itself in its own shape. */
export async function writeRunDescription(paths: RunPaths, description: { readonly spec: { readonly seed: number } }): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeFileAtomic(paths.config, JSON.stringify(description, null, 2) + '\n');
  await writeFileAtomic(paths.seed, `${description.spec.seed}\n`);
}

function fillText(fill: ResolvedOptions['fill']): string {
  if (fill.kind === 'constant') return `constant ${Array.isArray(fill.value) ? fill.value.join('/') : fill.value}`;
  return `${fill.kind} per ${fill.per ?? 'pixel'}`;
}

function geometryText(o: ResolvedOptions): string {
  if (o.sizeSampling === 'per-side') return `height and width fractions sqrt(U(${o.sl}, ${o.sh})) each`;
  return `area ${o.sl}..${o.sh}, aspect ${o.r1}..${+o.r2.toFixed(4)} (${o.aspectSampling})`;
}

/** The lines a run prints before it starts: every resolved setting, the reference's parameter count. */
export function describeRun(d: RunDescription): string[] {
  const { spec, erasing, runtime } = d;
  const drops = spec.schedule.length ? `x${spec.gamma} at epochs ${spec.schedule.join(', ')}` : 'constant';
  const subset = (n: number | undefined) => (n === undefined ? 'all' : `${n} (seeded subset)`);
  const erasingText = erasing
    ? `p ${erasing.p}, preset ${spec.preset}, ${geometryText(erasing)}, fill ${fillText(erasing.fill)}`
    : 'off';
  return [
    `Run ${d.runId} (settings in ${path.join(runtime.checkpoint, 'config.json')})`,
    `  data: ${spec.dataset}, train images ${subset(spec.trainSubset)}, test images ${subset(spec.testSubset)}; crop ${spec.crop ? 'pad 4' : 'off'}, flip ${spec.flip ? 'on' : 'off'}, noise ${spec.noise ?? 'off'}`,
    `  model: ${d.model.name}${spec.convDropout ? `, dropout ${spec.convDropout} after every convolution` : ''}`,
    `  random erasing: ${erasingText}`,
    `  SGD: lr ${spec.lr} (${drops}), momentum ${spec.momentum}${spec.nesterov ? ' (Nesterov)' : ''}, weight decay ${spec.weightDecay}, label smoothing ${spec.labelSmoothing}`,
    `  ${spec.epochs} epochs from epoch ${spec.startEpoch}, batch ${spec.trainBatch} in BatchNorm micro-batches of ${spec.microBatch}, seed ${spec.seed}`,
    `  runtime: ${runtime.threads} thread(s) (${d.native ? `${d.parallelism}, ${d.native}` : d.parallelism}), ${runtime.workers} data worker(s), backend ${runtime.backend ?? 'auto'}, test batch ${runtime.testBatch}`,
    ...(d.adapter ? [`  GPU: ${describeAdapter(d.adapter)}`] : []),
    `Total params: ${(d.model.params / 1e6).toFixed(2)}M`,
  ];
}
