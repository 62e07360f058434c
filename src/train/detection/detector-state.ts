/**
 * A detector run's records: one line of figures per epoch (log.txt in the Logger format,
 * metrics.jsonl, the curves plot) and its checkpoint file, in the classifier's self-checking
 * container under its own format name (see checkpoint.ts). The model is rebuilt from a checkpoint
 * without the scenes: `model` records what the architecture needs besides the spec.
 */
import { buildCenterNet, type CenterNetSpec } from '../../models/centernet.js';
import type { tfl } from '../../tf/tf.js';
import { lineChart, sideBySide } from '../charts.js';
import { decodeCheckpointFile, encodeCheckpointFile, readCheckpointBytes, type CheckpointFormat, type NamedArray } from '../checkpoint.js';
import { loggerTable, writeHistory, type HistoryFiles } from '../history.js';
import { withWeights } from '../model-state.js';
import type { CompleteDetectorRuntime, CompleteDetectorSpec } from './detector-spec.js';

/** Figures of one epoch. Losses are means over the pass's images; AP values in [0, 1]. */
export interface DetectorEpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly lr: number;
  readonly trainLoss: number;
  readonly trainHeatmap: number;
  readonly trainSize: number;
  readonly trainOffset: number;
  readonly testLoss: number;
  /** COCO AP at IoU 0.50:0.95 on the test scenes. */
  readonly testAp: number;
  readonly testAp50: number;
  readonly testVoc07: number;
  /** Best test AP up to and including this epoch. */
  readonly bestAp: number;
  readonly seconds: number;
}

/** Running sums of an epoch's loss terms, weighted by images. */
export interface LossSums {
  readonly count: number;
  readonly loss: number;
  readonly heatmap: number;
  readonly size: number;
  readonly offset: number;
}

/** An epoch stopped part-way: batches done, the sums so far and the time spent. */
export interface DetectorPartialEpoch {
  readonly batches: number;
  readonly sums: LossSums;
  readonly seconds: number;
}

/** What rebuilds the model besides the spec: classes, input shape, the input normalisation. */
export type DetectorModelInfo = Required<Pick<CenterNetSpec, 'numClasses' | 'inputShape' | 'normalize'>>;

/** Everything a detector run needs to continue where it stopped. */
export interface DetectorCheckpointState {
  /** Epochs completed. */
  readonly epoch: number;
  readonly partial: DetectorPartialEpoch | null;
  readonly bestAp: number;
  readonly history: readonly DetectorEpochRecord[];
  readonly spec: CompleteDetectorSpec;
  /** How it ran when this checkpoint was written: informational. */
  readonly runtime: CompleteDetectorRuntime;
  readonly model: DetectorModelInfo;
  readonly optimizerSteps: number;
  /** Model weights, in `model.weights` order. */
  readonly weights: readonly NamedArray[];
  /** Momentum buffers, in trainable-weight order. */
  readonly optimizer: readonly NamedArray[];
}

/** The detector's checkpoint format. */
export const DETECTOR_CHECKPOINT: CheckpointFormat = { name: 'random-erasing-detector-checkpoint', version: 1, hint: 'a detector run resumes with `random-erasing train-detector`, a classifier run with `random-erasing train`' };

/** Serialise a detector checkpoint. */
export function encodeDetectorCheckpoint(state: DetectorCheckpointState): Uint8Array {
  const { weights, optimizer, ...meta } = state;
  return encodeCheckpointFile(DETECTOR_CHECKPOINT, { meta, weights, optimizer });
}

/** Parse detector checkpoint bytes read from `file` (named in errors). */
export function decodeDetectorCheckpoint(bytes: Uint8Array, file: string): DetectorCheckpointState {
  const { meta, weights, optimizer } = decodeCheckpointFile<Omit<DetectorCheckpointState, 'weights' | 'optimizer'>>(bytes, file, DETECTOR_CHECKPOINT);
  const { epoch, partial, bestAp, history, spec, runtime, model, optimizerSteps } = meta;
  return { epoch, partial, bestAp, history, spec, runtime, model, optimizerSteps, weights, optimizer };
}

/** Read and verify a detector checkpoint file. */
export async function loadDetectorCheckpoint(file: string): Promise<DetectorCheckpointState> {
  return decodeDetectorCheckpoint(await readCheckpointBytes(file), file);
}

/** The detector a spec and model info describe (fresh weights). */
export function buildDetectorOf(spec: CompleteDetectorSpec, model: DetectorModelInfo): tfl.LayersModel {
  return buildCenterNet({ ...model, width: spec.width, blocks: spec.blocks, seed: spec.seed });
}

/** The detector of a checkpoint with its weights (`file` names it in errors). */
export function detectorFromCheckpoint(state: DetectorCheckpointState, file: string): tfl.LayersModel {
  return withWeights(buildDetectorOf(state.spec, state.model), state.weights, file);
}

const LOG_COLUMNS = ['Learning Rate', 'Train Loss', 'Valid Loss', 'Valid AP', 'Valid AP50', 'Valid VOC07 AP50'];

/** Loss and AP curves of a detector run, side by side. */
export function detectorCurves(history: readonly DetectorEpochRecord[], title?: string) {
  const rows = history.map((r) => ({
    epoch: r.epoch,
    'train loss': r.trainLoss,
    'train heatmap': r.trainHeatmap,
    'test loss': r.testLoss,
    'test AP': r.testAp,
    'test AP50': r.testAp50,
    'test VOC07 AP50': r.testVoc07,
  }));
  return sideBySide(
    [
      lineChart({ rows, x: 'epoch', integerX: true, series: ['train loss', 'train heatmap', 'test loss'], title: 'Loss', yTitle: 'CenterNet loss' }),
      lineChart({ rows, x: 'epoch', integerX: true, series: ['test AP', 'test AP50', 'test VOC07 AP50'], title: 'Test AP', yTitle: 'AP' }),
    ],
    title,
  );
}

/** Rewrite log.txt, metrics.jsonl and the curves plot from the history. */
export async function writeDetectorHistory(files: HistoryFiles, history: readonly DetectorEpochRecord[], title?: string): Promise<void> {
  const log = loggerTable(LOG_COLUMNS, history.map((r) => [r.lr, r.trainLoss, r.testLoss, r.testAp, r.testAp50, r.testVoc07]));
  await writeHistory(files, log, history, detectorCurves(history, title));
}
