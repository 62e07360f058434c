/**
 * Pascal VOC 2007 average precision at IoU 0.5, 11-point interpolation, as the devkit's
 * `voc_eval.py` (use_07_metric=True): per class, detections in descending score order each take
 * the ground truth of highest IoU in their image (VOC's +1-pixel IoU on 1-based inclusive boxes);
 * above the threshold it is a true positive if that truth is free, a false positive if already
 * taken, and neither if it is difficult; precision is the highest at recall >= 0, 0.1, ..., 1.
 * Where voc_eval.py is unspecified or undefined we choose: ties in score keep input order (it uses
 * an unstable quicksort), crowd objects count as difficult, and classes without a non-difficult
 * object get -1 and are left out of the mean (voc_eval.py divides by zero there).
 */
import { toVocBox, type VocBox } from '../../data/detection/boxes.js';
import { byScore, checkDetections, type Detection, type GroundTruth } from './detections.js';
import { vocIou } from './iou.js';
import { numpyMean } from './numpy-mean.js';

/** The result of {@link evaluateVoc07}. */
export interface VocEvaluation {
  /** Mean of `classAp` over classes with ground truth; -1 when none has. */
  readonly map: number;
  /** Per class: 11-point AP, -1 without a non-difficult object. */
  readonly classAp: number[];
}

/** Recall points of the 11-point metric, numpy's `arange(0, 1.1, 0.1)`. */
export const VOC07_RECALL_POINTS: readonly number[] = Array.from({ length: 11 }, (_, i) => i * 0.1);

/** The IoU a detection must exceed (strictly). */
export const VOC_IOU_THRESHOLD = 0.5;

/** 11-point interpolated AP of a precision/recall sequence (`voc_ap` with use_07_metric). */
export function voc07Ap(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  let ap = 0;
  for (const t of VOC07_RECALL_POINTS) {
    let p = 0;
    for (let i = 0; i < recall.length; i++) if (recall[i] >= t && precision[i] > p) p = precision[i];
    ap = ap + p / 11;
  }
  return ap;
}

interface ClassTruth {
  readonly boxes: VocBox[];
  readonly difficult: boolean[];
  readonly taken: boolean[];
}

/** AP of one class, or -1 without positives. */
function classAp(truth: GroundTruth, detections: readonly Detection[], k: number): number {
  const perImage: ClassTruth[] = truth.images.map((image) => {
    const objects = image.objects.filter((o) => o.label === k);
    return { boxes: objects.map((o) => toVocBox(o.box)), difficult: objects.map((o) => o.difficult || o.crowd), taken: objects.map(() => false) };
  });
  const positives = perImage.reduce((n, c) => n + c.difficult.filter((d) => !d).length, 0);
  if (positives === 0) return -1;
  const mine = detections.filter((d) => d.label === k);
  const order = byScore(mine);
  const recall = new Float64Array(order.length);
  const precision = new Float64Array(order.length);
  let tp = 0;
  let fp = 0;
  order.forEach((j, n) => {
    const det = mine[j];
    const gt = perImage[det.image];
    const box = toVocBox(det.box);
    let best = -Infinity;
    let at = -1;
    gt.boxes.forEach((g, i) => {
      const iou = vocIou(box, g);
      if (iou > best) [best, at] = [iou, i];
    });
    if (best > VOC_IOU_THRESHOLD) {
      if (!gt.difficult[at]) {
        if (gt.taken[at]) fp++;
        else [gt.taken[at], tp] = [true, tp + 1];
      }
    } else fp++;
    recall[n] = tp / positives;
    precision[n] = tp / Math.max(tp + fp, Number.EPSILON);
  });
  return voc07Ap(recall, precision);
}

/**
 * VOC07 11-point AP50 per class and its mean.
 *
 * @example
 * const { map } = evaluateVoc07(testScenes, detections);
 */
export function evaluateVoc07(truth: GroundTruth, detections: readonly Detection[]): VocEvaluation {
  checkDetections(truth, detections);
  const aps = truth.classNames.map((_, k) => classAp(truth, detections, k));
  const valid = aps.filter((ap) => ap > -1);
  return { map: valid.length ? numpyMean(valid) : -1, classAp: aps };
}
