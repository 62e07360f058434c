/**
 * One grid run as a queue job: its data (the complete spec, its hash, a label for people), its id
 * (the run id, so the same run is never queued twice), its result, and the checks a worker makes
 * before running anything. A job names what to compute, never how or where: the worker trains it in
 * `<results>/runs/<runId>/`, a folder named by a hex hash, so no job can write outside the results
 * folder, and no field of a job is ever executed.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { Validator } from '../../core/validate.js';
import { builtinName } from '../../data/load.js';
import { completeSpec, specHash, type CompleteSpec } from '../../train/run-spec.js';
import { EXPERIMENTS, type ExperimentName, type GridRun } from '../grids.js';

/** The queue every grid's runs go to. */
export const QUEUE_NAME = 'random-erasing-runs';
/** The name of a training job. */
export const JOB_NAME = 'train';
/** Version of the job data layout. */
export const JOB_FORMAT = 1;
/** Attempts before a run is marked failed, and the wait between them. */
export const JOB_OPTIONS = { attempts: 3, backoff: { type: 'fixed', delay: 2000 }, removeOnComplete: false, removeOnFail: false } as const;

const MAX_JOB_BYTES = 64 * 1024;
const SAFE_ID = /^[A-Za-z0-9._+-]{1,200}$/;
const RUN_ID = /^[0-9a-f]{16}$/;

/** What a training job carries. */
export interface RunJob {
  readonly format: typeof JOB_FORMAT;
  /** Hash of `spec`: the job id and the name of the run's folder. */
  readonly runId: string;
  readonly spec: CompleteSpec;
  /** For people: which experiment, grid run and seed submitted it. */
  readonly label: { readonly experiment: ExperimentName; readonly id: string; readonly seed: number };
}

/** What a finished training job returns. Errors are test percentages. */
export interface RunJobResult {
  readonly runId: string;
  readonly finalError: number;
  readonly bestError: number;
  readonly epochs: number;
  readonly seconds: number;
  /** The last checkpoint, relative to the results folder. */
  readonly checkpoint: string;
}

/** The job of one grid run and seed with its complete spec. */
export function runJobOf(experiment: ExperimentName, run: GridRun, seed: number, spec: CompleteSpec): RunJob {
  return { format: JOB_FORMAT, runId: specHash(spec), spec, label: { experiment, id: run.id, seed } };
}

/** The folder of a run inside a results folder. */
export function runFolder(results: string, runId: string): string {
  return path.join(results, 'runs', runId);
}

const v = new Validator('job');

function checkKeys(value: object, allowed: readonly string[], what: string): void {
  const stray = Object.keys(value).find((key) => !allowed.includes(key));
  if (stray) v.reject(what, `has an unknown field '${stray}' (expected ${allowed.join(', ')})`);
}

function checkLabel(label: unknown): RunJob['label'] {
  if (typeof label !== 'object' || label === null) return v.fail('label', 'an object', label);
  checkKeys(label, ['experiment', 'id', 'seed'], 'label');
  const { experiment, id, seed } = label as Record<string, unknown>;
  if (typeof id !== 'string' || !SAFE_ID.test(id)) v.fail('label.id', 'letters, digits and . _ + - only', id);
  return { experiment: v.oneOf(experiment, 'label.experiment', EXPERIMENTS), id: id as string, seed: v.seed(seed, 'label.seed') };
}

/** A folder dataset must lie inside the worker's data root (symbolic links resolved). */
async function checkDataset(dataset: string, dataRoot: string | undefined): Promise<void> {
  if (builtinName(dataset) !== null) return;
  if (dataRoot === undefined) return v.reject('spec.dataset', `'${dataset}' is a folder; this worker takes folder datasets only under its --data-root`);
  let real: string;
  try {
    real = await realpath(dataset);
  } catch {
    return v.reject('spec.dataset', `folder '${dataset}' does not exist on this worker`);
  }
  const root = await realpath(dataRoot);
  const inside = path.relative(root, real);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    v.reject('spec.dataset', `folder '${dataset}' is outside this worker's data root ${root}`);
  }
}

/**
 * Check a job before anything runs: its name, size and fields; a spec the trainer accepts (every
 * value the CLI would accept, no unknown field) whose hash is the job's run id and id; a folder
 * dataset inside `dataRoot`. Throws an {@link OptionError} naming the problem.
 */
export async function parseRunJob(name: string, id: string | undefined, data: unknown, dataRoot?: string): Promise<RunJob> {
  if (name !== JOB_NAME) v.reject('name', `'${name}' is not a job this worker runs (only '${JOB_NAME}')`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return v.fail('data', 'an object', data);
  if (JSON.stringify(data).length > MAX_JOB_BYTES) v.reject('data', `is larger than ${MAX_JOB_BYTES} bytes`);
  checkKeys(data, ['format', 'runId', 'spec', 'label'], 'data');
  const raw = data as Record<string, unknown>;
  if (raw.format !== JOB_FORMAT) v.fail('format', String(JOB_FORMAT), raw.format);
  if (typeof raw.runId !== 'string' || !RUN_ID.test(raw.runId)) v.fail('runId', '16 hexadecimal digits', raw.runId);
  if (typeof raw.spec !== 'object' || raw.spec === null) v.fail('spec', 'an object', raw.spec);
  const spec = completeSpec(raw.spec as CompleteSpec);
  if (specHash(spec) !== raw.runId) v.reject('runId', `is not the hash of the job's spec (${specHash(spec)})`);
  if (id !== raw.runId) v.reject('id', `the job id '${id}' is not its run id '${raw.runId}'`);
  await checkDataset(spec.dataset, dataRoot);
  return { format: JOB_FORMAT, runId: raw.runId as string, spec, label: checkLabel(raw.label) };
}
