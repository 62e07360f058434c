/**
 * A detector's detections on a dataset and their scores: the model's output decoded by
 * `decodeCenterNet` (top 100 per image), scored with COCOeval-exact AP and VOC07 11-point AP50, and
 * the precision at the 101 recall points at IoU 0.5 (the PR curve, mean over classes).
 */
import type { DetectionDataset } from '../../data/detection/dataset.js';
import { decodeCenterNet } from '../../models/centernet-decode.js';
import { tf, type tfl } from '../../tf/tf.js';
import { evaluateCoco, precisionCurve } from './coco-eval.js';
import type { Detection } from './detections.js';
import { detectionSource, type DetectionBatch } from './detector-data.js';
import { evaluateVoc07 } from './voc-eval.js';

/** The model's raw output on a batch, read back (inference mode). */
export async function predictBatch(model: tfl.LayersModel, batch: DetectionBatch): Promise<{ values: Float32Array; shape: [number, number, number, number] }> {
  const output = tf.tidy(() => model.apply(tf.tensor4d(batch.x, [batch.count, batch.height, batch.width, batch.channels]), { training: false }) as tf.Tensor4D);
  try {
    return { values: (await output.data()) as Float32Array, shape: output.shape };
  } finally {
    output.dispose();
  }
}

/** The detections of `batch` (image indices are the dataset's). */
export function batchDetections(batch: DetectionBatch, values: Float32Array, shape: [number, number, number, number], numClasses: number): Detection[] {
  return decodeCenterNet(values, shape, numClasses).map((d) => ({ ...d, image: batch.indices[d.image] }));
}

/** Every detection of `model` on `dataset` (held in one batch), in batches of `batchSize`. */
export async function detectAll(model: tfl.LayersModel, dataset: DetectionDataset, batchSize: number): Promise<Detection[]> {
  const detections: Detection[] = [];
  for (const batch of detectionSource({ dataset, batchSize, seed: 0 }).epoch(0)) {
    const { values, shape } = await predictBatch(model, batch);
    detections.push(...batchDetections(batch, values, shape, dataset.classNames.length));
  }
  return detections;
}

/** Scores of a set of detections; AP values in [0, 1] (-1 where nothing is scored, as COCOeval). */
export interface DetectionScores {
  /** COCO AP at IoU 0.50:0.95. */
  readonly ap: number;
  readonly ap50: number;
  readonly ap75: number;
  /** VOC07 11-point AP50 (mean over classes). */
  readonly voc07: number;
  /** Precision at recall 0, 0.01, ..., 1 at IoU 0.5, mean over classes with ground truth (empty when none has). */
  readonly precision50: number[];
}

/** Score detections against the dataset's ground truth. */
export function scoreDetections(truth: DetectionDataset, detections: readonly Detection[]): DetectionScores {
  const coco = evaluateCoco(truth, detections);
  const curve = precisionCurve(coco, { iou: 0.5 });
  return { ap: coco.stats.ap, ap50: coco.stats.ap50, ap75: coco.stats.ap75, voc07: evaluateVoc07(truth, detections).map, precision50: curve ? Array.from(curve.precision) : [] };
}
