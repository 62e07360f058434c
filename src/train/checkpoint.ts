/**
 * Checkpoint files: one self-checking binary file holding the model weights (BatchNorm statistics
 * included), the optimizer's momentum buffers, the position in training (epoch and batch), the best
 * accuracy, the per-epoch history, the RNG state and the run's complete spec (what it computes) with the
 * runtime it last ran with.
 *
 * Layout: 8-byte magic `RECKPT01`, uint32 LE header length, UTF-8 JSON header, zero padding to a
 * multiple of 4, then float32 LE tensors back to back. The header records each tensor's shape and
 * offset, and the SHA-256 of the tensor bytes, so truncation and corruption are detected on load,
 * and its format's name and version: the detector trainer writes its own format in the same container
 * (`encodeCheckpointFile`), and each trainer refuses the other's files with a message saying so.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { RngState } from '../core/rng.js';
import { writeFileAtomic } from './atomic-write.js';
import type { EpochRecord } from './history.js';
import type { CompleteRuntime } from './run-runtime.js';
import type { CompleteSpec } from './run-spec.js';

const MAGIC = 'RECKPT01';
/** Version of the classifier checkpoint format. */
const FORMAT_VERSION = 2;

/** Running totals of an epoch interrupted part-way. */
export interface PartialEpoch {
  /** Batches of the epoch already trained. */
  readonly batches: number;
  readonly lossSum: number;
  readonly correct1: number;
  readonly correct5: number;
  readonly count: number;
  /** Seconds spent on the epoch so far. */
  readonly seconds: number;
}

/** Everything a run needs to continue exactly where it stopped. */
export interface CheckpointState {
  /** Epochs fully completed (the next epoch to run, 0-based). */
  readonly epoch: number;
  /** Set when the run stopped inside `epoch`. */
  readonly partial: PartialEpoch | null;
  /** Best test top-1 accuracy so far (percent). */
  readonly bestAcc: number;
  readonly history: readonly EpochRecord[];
  /** What the run computes; a resume continues it unchanged (see `resumedSpec`). */
  readonly spec: CompleteSpec;
  /** How it ran when this checkpoint was written (threads, backend, paths): informational. */
  readonly runtime: CompleteRuntime;
  /** What the model's input and output look like, to rebuild it without loading the dataset. */
  readonly model: { readonly numClasses: number; readonly inputShape: [number, number, number] };
  /** The run's random stream at this point (keyed by seed, epoch and batch). */
  readonly rng: RngState;
  /** Positions of the model's seeded dropout mask generators. */
  readonly dropoutRng: readonly RngState[];
  readonly optimizerSteps: number;
  /** Model weights, in `model.weights` order. */
  readonly weights: readonly NamedArray[];
  /** Momentum buffers, in trainable-weight order. */
  readonly optimizer: readonly NamedArray[];
}

/** A named float32 tensor. */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

/** The container fields of a checkpoint header, around the format's own fields. */
interface ContainerFields {
  readonly format: string;
  readonly version: number;
  readonly createdAt: string;
  readonly sha256: string;
  readonly weights: readonly TensorEntry[];
  readonly optimizer: readonly TensorEntry[];
}

/** What a checkpoint file holds: its format's JSON fields and two groups of tensors. */
export interface CheckpointContents<M> {
  readonly meta: M;
  readonly weights: readonly NamedArray[];
  readonly optimizer: readonly NamedArray[];
}

/** A checkpoint file format: its name (in the header) and version. */
export interface CheckpointFormat {
  readonly name: string;
  readonly version: number;
  /** What to say when a file of another format is given: which command reads which format. */
  readonly hint?: string;
}

/** The classifier trainer's checkpoints. */
export const CLASSIFIER_CHECKPOINT: CheckpointFormat = { name: 'random-erasing-checkpoint', version: FORMAT_VERSION, hint: 'a classifier run resumes with `random-erasing train`, a detector run with `random-erasing train-detector`' };

/** A checkpoint that cannot be read; the message names the file and the problem. */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`checkpoint ${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

function layout(arrays: readonly NamedArray[], start: number): TensorEntry[] {
  let offset = start;
  return arrays.map(({ name, shape, values }) => {
    const entry = { name, shape: [...shape], offset, length: values.length };
    offset += values.length;
    return entry;
  });
}

/** Serialise a checkpoint of `format`: `meta` (JSON fields) and the tensors. */
export function encodeCheckpointFile<M extends object>(format: CheckpointFormat, contents: CheckpointContents<M>): Uint8Array {
  const arrays = [...contents.weights, ...contents.optimizer];
  const total = arrays.reduce((n, a) => n + a.values.length, 0);
  const payload = new Float32Array(total);
  let at = 0;
  for (const a of arrays) {
    payload.set(a.values, at);
    at += a.values.length;
  }
  const payloadBytes = new Uint8Array(payload.buffer);
  const weights = layout(contents.weights, 0);
  const header: M & ContainerFields = {
    ...contents.meta,
    format: format.name,
    version: format.version,
    createdAt: new Date().toISOString(),
    sha256: createHash('sha256').update(payloadBytes).digest('hex'),
    weights,
    optimizer: layout(contents.optimizer, weights.reduce((n, w) => n + w.length, 0)),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = 12 + json.length;
  const payloadStart = Math.ceil(headerEnd / 4) * 4;
  const bytes = new Uint8Array(payloadStart + payloadBytes.length);
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(bytes.buffer).setUint32(8, json.length, true);
  bytes.set(json, 12);
  bytes.set(payloadBytes, payloadStart);
  return bytes;
}

function readHeader(bytes: Uint8Array, file: string): { header: ContainerFields; payloadStart: number } {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) {
    throw new CheckpointError(file, 'not a random-erasing checkpoint (bad magic bytes)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new CheckpointError(file, 'truncated (header runs past the end of the file)');
  try {
    return { header: JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8')) as ContainerFields, payloadStart: Math.ceil((12 + headerLength) / 4) * 4 };
  } catch {
    throw new CheckpointError(file, 'corrupt header (invalid JSON)');
  }
}

/** The format name of checkpoint bytes read from `file` (files from before formats were named are classifier checkpoints). */
export function checkpointFormatOf(bytes: Uint8Array, file: string): string {
  return readHeader(bytes, file).header.format ?? CLASSIFIER_CHECKPOINT.name;
}

/** Parse checkpoint bytes of `format` read from `file` (named in errors): the header's fields besides the container's, and the tensors. */
export function decodeCheckpointFile<M>(bytes: Uint8Array, file: string, format: CheckpointFormat): CheckpointContents<M> {
  const { header, payloadStart } = readHeader(bytes, file);
  const name = checkpointFormatOf(bytes, file);
  if (name !== format.name) throw new CheckpointError(file, `is a ${name} file, not a ${format.name}${format.hint ? ` (${format.hint})` : ''}`);
  if (header.version !== format.version) {
    throw new CheckpointError(file, `format version ${header.version} is not supported (this version reads format ${format.version}; earlier formats cannot be resumed: start the run again)`);
  }
  // A copy (Buffer.slice would share memory), so the floats below are aligned and owned.
  const payloadBytes = new Uint8Array(bytes.subarray(payloadStart));
  const entries = [...header.weights, ...header.optimizer];
  const expected = entries.reduce((n, e) => n + e.length, 0) * 4;
  if (payloadBytes.length !== expected) {
    throw new CheckpointError(file, `truncated or padded: ${payloadBytes.length} bytes of tensors, expected ${expected}`);
  }
  if (createHash('sha256').update(payloadBytes).digest('hex') !== header.sha256) {
    throw new CheckpointError(file, 'corrupt: tensor checksum mismatch');
  }
  const payload = new Float32Array(payloadBytes.buffer);
  const read = (e: TensorEntry): NamedArray => ({ name: e.name, shape: e.shape, values: payload.slice(e.offset, e.offset + e.length) });
  const meta = Object.fromEntries(Object.entries(header).filter(([key]) => !CONTAINER_KEYS.has(key))) as M;
  return { meta, weights: header.weights.map(read), optimizer: header.optimizer.map(read) };
}

const CONTAINER_KEYS: ReadonlySet<string> = new Set(['format', 'version', 'createdAt', 'sha256', 'weights', 'optimizer']);

/** Serialise a checkpoint to bytes. */
export function encodeCheckpoint(state: CheckpointState): Uint8Array {
  const { weights, optimizer, ...meta } = state;
  return encodeCheckpointFile(CLASSIFIER_CHECKPOINT, { meta, weights, optimizer });
}

/** Parse checkpoint bytes read from `file` (named in errors). */
export function decodeCheckpoint(bytes: Uint8Array, file: string): CheckpointState {
  const { meta, weights, optimizer } = decodeCheckpointFile<Omit<CheckpointState, 'weights' | 'optimizer'>>(bytes, file, CLASSIFIER_CHECKPOINT);
  const { epoch, partial, bestAcc, history, spec, runtime, model, rng, dropoutRng, optimizerSteps } = meta;
  return { epoch, partial, bestAcc, history, spec, runtime, model, rng, dropoutRng, optimizerSteps, weights, optimizer };
}

/** Write a checkpoint atomically; on failure the previous file at `file` is intact. */
export async function saveCheckpoint(file: string, state: CheckpointState): Promise<void> {
  await writeFileAtomic(file, encodeCheckpoint(state));
}

/** The bytes of a checkpoint file, with an error naming it when it cannot be read. */
export async function readCheckpointBytes(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new CheckpointError(file, `cannot be read (${(error as Error).message})`);
  }
}

/** Read and verify a checkpoint file. */
export async function loadCheckpoint(file: string): Promise<CheckpointState> {
  return decodeCheckpoint(await readCheckpointBytes(file), file);
}
