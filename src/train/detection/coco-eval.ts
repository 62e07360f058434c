/**
 * Mean average precision exactly as pycocotools' `COCOeval` (bbox): per image and class, detections
 * sorted by score (stable) and cut to the largest maxDets; at each IoU threshold each detection, in
 * score order, takes the unmatched ground truth of highest IoU >= the threshold, ignored ground
 * truths (crowd, difficult, outside the area range) tried last and counted neither way; unmatched
 * detections outside the area range are ignored too. Per class, area range and maxDets, the images'
 * detections are merged, sorted by score (stable), precision is made monotone and read at 101
 * recall points (numpy's searchsorted 'left'); classes without ground truth get -1 and are left out
 * of the means, which sum in numpy 2's order. Boxes enter as COCO [x, y, w, h] (`toCocoBox`), so
 * the arithmetic is pycocotools' on the exported JSON. One extension: difficult objects are ignored like crowd regions, but matched
 * with the plain IoU (pycocotools knows only `iscrowd`).
 */
import { toCocoBox, type CocoBox } from '../../data/detection/boxes.js';
import type { DetectionObject } from '../../data/detection/dataset.js';
import { byScore, checkDetections, groupDetections, type Detection, type GroundTruth } from './detections.js';
import { cocoIou } from './iou.js';
import { numpyMean } from './numpy-mean.js';

/** numpy's `linspace(start, stop, num)`: i * step + start, the last value exactly `stop`. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const step = (stop - start) / (num - 1);
  return Float64Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

/** IoU thresholds 0.5, 0.55, ..., 0.95 (pycocotools' values, bit for bit). */
export const COCO_IOU_THRESHOLDS: Float64Array = linspace(0.5, 0.95, 10);
/** Recall points 0, 0.01, ..., 1. */
export const COCO_RECALL_POINTS: Float64Array = linspace(0, 1, 101);
/** Detections kept per image and class. */
export const COCO_MAX_DETS: readonly number[] = [1, 10, 100];

/** Object area range, in square pixels, both ends included. */
export interface AreaRange {
  readonly label: 'all' | 'small' | 'medium' | 'large';
  readonly min: number;
  readonly max: number;
}

/** pycocotools' area ranges. */
export const COCO_AREA_RANGES: readonly AreaRange[] = [
  { label: 'all', min: 0, max: 1e5 ** 2 },
  { label: 'small', min: 0, max: 32 ** 2 },
  { label: 'medium', min: 32 ** 2, max: 96 ** 2 },
  { label: 'large', min: 96 ** 2, max: 1e5 ** 2 },
];

/** COCOeval's twelve summary numbers (`stats` in its order); -1 where nothing was there to score. */
export interface CocoStats {
  /** AP at IoU 0.50:0.95, all areas, 100 detections. */
  readonly ap: number;
  readonly ap50: number;
  readonly ap75: number;
  readonly apSmall: number;
  readonly apMedium: number;
  readonly apLarge: number;
  /** AR at IoU 0.50:0.95 with 1, 10 and 100 detections. */
  readonly ar1: number;
  readonly ar10: number;
  readonly ar100: number;
  readonly arSmall: number;
  readonly arMedium: number;
  readonly arLarge: number;
}

/** Sizes of the precision and recall tables. */
export interface CocoShape {
  readonly iou: number;
  readonly recall: number;
  readonly classes: number;
  readonly areas: number;
  readonly maxDets: number;
}

/** Everything `COCOeval.accumulate` and `summarize` give. */
export interface CocoEvaluation {
  readonly stats: CocoStats;
  /** COCOeval's `eval['precision']`, [iou][recall point][class][area][maxDets] flattened; -1 for classes without ground truth. */
  readonly precision: Float64Array;
  /** COCOeval's `eval['recall']`, [iou][class][area][maxDets] flattened. */
  readonly recall: Float64Array;
  readonly shape: CocoShape;
  /** Per class: AP at 0.50:0.95 (all areas, 100 detections), -1 without ground truth. */
  readonly classAp: number[];
  /** Per class: AP at IoU 0.5. */
  readonly classAp50: number[];
}

/** One image and class under one area range: COCOeval's `evaluateImg` result. */
interface ImageEval {
  /** Scores of the kept detections, descending. */
  readonly scores: Float64Array;
  /** [iou][detection]: matched a ground truth. */
  readonly matched: Uint8Array;
  /** [iou][detection]: counted neither way. */
  readonly ignored: Uint8Array;
  /** Ground truths that count (not ignored). */
  readonly positives: number;
}

interface Truths {
  readonly boxes: CocoBox[];
  readonly objects: DetectionObject[];
  readonly crowd: boolean[];
}

const T = COCO_IOU_THRESHOLDS.length;
const R = COCO_RECALL_POINTS.length;
const A = COCO_AREA_RANGES.length;
const M = COCO_MAX_DETS.length;
const MAX_DET = COCO_MAX_DETS[M - 1];

function outside(area: number, range: AreaRange): boolean {
  return area < range.min || area > range.max;
}

/** Greedy matching of score-sorted detections at every IoU threshold (`evaluateImg`). */
function evaluateImage(truths: Truths, dets: readonly CocoBox[], scores: Float64Array, ious: Float64Array, range: AreaRange): ImageEval {
  const G = truths.objects.length;
  const D = dets.length;
  const ignore = truths.objects.map((o) => o.crowd || o.difficult || outside(o.area, range));
  const order = truths.objects.map((_, g) => g).sort((a, b) => Number(ignore[a]) - Number(ignore[b]));
  const matched = new Uint8Array(T * D);
  const ignored = new Uint8Array(T * D);
  const taken = new Uint8Array(G);
  for (let t = 0; t < T; t++) {
    taken.fill(0);
    for (let d = 0; d < D; d++) {
      let best = Math.min(COCO_IOU_THRESHOLDS[t], 1 - 1e-10);
      let m = -1;
      for (const g of order) {
        if (taken[g] && !truths.crowd[g]) continue;
        if (m > -1 && !ignore[m] && ignore[g]) break;
        const iou = ious[d * G + g];
        if (iou < best) continue;
        best = iou;
        m = g;
      }
      if (m === -1) continue;
      ignored[t * D + d] = ignore[m] ? 1 : 0;
      matched[t * D + d] = 1;
      taken[m] = 1;
    }
  }
  for (let d = 0; d < D; d++) {
    if (!outside(dets[d][2] * dets[d][3], range)) continue;
    for (let t = 0; t < T; t++) if (!matched[t * D + d]) ignored[t * D + d] = 1;
  }
  return { scores, matched, ignored, positives: ignore.filter((v) => !v).length };
}

/** Per class, area range and image: the image evaluations (null where the image has neither truths nor detections). */
function evaluateImages(truth: GroundTruth, detections: readonly Detection[]): (ImageEval | null)[][][] {
  const grouped = groupDetections(truth, detections);
  return truth.classNames.map((_, k) => {
    const perArea: (ImageEval | null)[][] = COCO_AREA_RANGES.map(() => []);
    truth.images.forEach((image, i) => {
      const objects = image.objects.filter((o) => o.label === k);
      const mine = grouped[i][k];
      if (objects.length === 0 && mine.length === 0) {
        perArea.forEach((list) => list.push(null));
        return;
      }
      const kept = byScore(mine.map((j) => detections[j])).slice(0, MAX_DET).map((j) => detections[mine[j]]);
      const dets = kept.map((d) => toCocoBox(d.box));
      const truths: Truths = { boxes: objects.map((o) => toCocoBox(o.box)), objects, crowd: objects.map((o) => o.crowd) };
      const ious = cocoIou(dets, truths.boxes, truths.crowd);
      const scores = Float64Array.from(kept, (d) => d.score);
      COCO_AREA_RANGES.forEach((range, a) => perArea[a].push(evaluateImage(truths, dets, scores, ious, range)));
    });
    return perArea;
  });
}

/** First index of a non-decreasing array whose value is >= x (numpy's searchsorted 'left'), from `from`. */
function searchLeft(values: Float64Array, x: number, from: number): number {
  let i = from;
  while (i < values.length && values[i] < x) i++;
  return i;
}

/** Offset of precision[t][r][k][a][m] in a table of K classes. */
function precisionOffset(K: number, t: number, r: number, k: number, a: number, m: number): number {
  return (((t * R + r) * K + k) * A + a) * M + m;
}

/** COCOeval's precision [T][R][K][A][M] and recall [T][K][A][M] tables, -1 where not reached. */
class Tables {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  constructor(readonly K: number) {
    this.precision = new Float64Array(T * R * K * A * M).fill(-1);
    this.recall = new Float64Array(T * K * A * M).fill(-1);
  }
  p(t: number, r: number, k: number, a: number, m: number): number {
    return precisionOffset(this.K, t, r, k, a, m);
  }
  rc(t: number, k: number, a: number, m: number): number {
    return ((t * this.K + k) * A + a) * M + m;
  }
  /** Precision values over thresholds `ts`, all recall points and classes `ks`, in numpy's C order. */
  precisionSlice(ts: readonly number[], ks: readonly number[], a: number, m: number): number[] {
    return ts.flatMap((t) => Array.from({ length: R }, (_, r) => ks.map((k) => this.precision[this.p(t, r, k, a, m)])).flat());
  }
  recallSlice(ts: readonly number[], ks: readonly number[], a: number, m: number): number[] {
    return ts.flatMap((t) => ks.map((k) => this.recall[this.rc(t, k, a, m)]));
  }
}

/** Precision at the recall points and final recall of one class, area range and maxDets (`accumulate`). */
function accumulateOne(evals: readonly ImageEval[], tables: Tables, k: number, a: number, m: number): void {
  const maxDet = COCO_MAX_DETS[m];
  const positives = evals.reduce((n, e) => n + e.positives, 0);
  if (positives === 0) return;
  const merged: { score: number; e: ImageEval; d: number }[] = [];
  for (const e of evals) for (let d = 0; d < Math.min(maxDet, e.scores.length); d++) merged.push({ score: e.scores[d], e, d });
  const order = byScore(merged);
  const nd = order.length;
  const rc = new Float64Array(nd);
  const pr = new Float64Array(nd);
  for (let t = 0; t < T; t++) {
    let tp = 0;
    let fp = 0;
    order.forEach((j, n) => {
      const { e, d } = merged[j];
      const D = e.scores.length;
      if (!e.ignored[t * D + d]) {
        if (e.matched[t * D + d]) tp++;
        else fp++;
      }
      rc[n] = tp / positives;
      pr[n] = tp / (fp + tp + Number.EPSILON);
    });
    tables.recall[tables.rc(t, k, a, m)] = nd ? rc[nd - 1] : 0;
    for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
    let i = 0;
    for (let r = 0; r < R; r++) {
      i = searchLeft(rc, COCO_RECALL_POINTS[r], i);
      tables.precision[tables.p(t, r, k, a, m)] = i < nd ? pr[i] : 0;
    }
  }
}

/** Mean of the values > -1 of a table slice, or -1 when there are none (`_summarize`). */
function meanValid(values: number[]): number {
  const valid = values.filter((v) => v > -1);
  return valid.length === 0 ? -1 : numpyMean(valid);
}

const ALL_T = Array.from({ length: T }, (_, t) => t);
const areaIndex = (label: AreaRange['label']) => COCO_AREA_RANGES.findIndex((r) => r.label === label);
const iouIndex = (iou: number) => COCO_IOU_THRESHOLDS.indexOf(iou);

function summarize(tables: Tables): CocoStats {
  const ks = Array.from({ length: tables.K }, (_, k) => k);
  const m100 = M - 1;
  const ap = (ts: number[], area: AreaRange['label']) => meanValid(tables.precisionSlice(ts, ks, areaIndex(area), m100));
  const ar = (area: AreaRange['label'], m: number) => meanValid(tables.recallSlice(ALL_T, ks, areaIndex(area), m));
  return {
    ap: ap(ALL_T, 'all'),
    ap50: ap([iouIndex(0.5)], 'all'),
    ap75: ap([iouIndex(0.75)], 'all'),
    apSmall: ap(ALL_T, 'small'),
    apMedium: ap(ALL_T, 'medium'),
    apLarge: ap(ALL_T, 'large'),
    ar1: ar('all', 0),
    ar10: ar('all', 1),
    ar100: ar('all', m100),
    arSmall: ar('small', m100),
    arMedium: ar('medium', m100),
    arLarge: ar('large', m100),
  };
}

/**
 * Score detections against the ground truth as pycocotools' COCOeval (iouType 'bbox', default
 * parameters). Image order is the ground truth's; it decides ties in score between images.
 *
 * @example
 * const { stats } = evaluateCoco(testScenes, detections);
 * console.log(stats.ap, stats.ap50);
 */
export function evaluateCoco(truth: GroundTruth, detections: readonly Detection[]): CocoEvaluation {
  checkDetections(truth, detections);
  const K = truth.classNames.length;
  const perImage = evaluateImages(truth, detections);
  const tables = new Tables(K);
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      const evals = perImage[k][a].filter((e): e is ImageEval => e !== null);
      if (evals.length === 0) continue;
      for (let m = 0; m < M; m++) accumulateOne(evals, tables, k, a, m);
    }
  }
  const classAp = (ts: number[]) => Array.from({ length: K }, (_, k) => meanValid(tables.precisionSlice(ts, [k], 0, M - 1)));
  return {
    stats: summarize(tables),
    precision: tables.precision,
    recall: tables.recall,
    shape: { iou: T, recall: R, classes: K, areas: A, maxDets: M },
    classAp: classAp(ALL_T),
    classAp50: classAp([iouIndex(0.5)]),
  };
}

/** Options of {@link precisionCurve}. */
export interface CurveOptions {
  /** IoU threshold, one of {@link COCO_IOU_THRESHOLDS} (default 0.5). */
  readonly iou?: number;
  /** One class; default: the mean over classes with ground truth at each recall point. */
  readonly label?: number;
  readonly area?: AreaRange['label'];
  /** One of {@link COCO_MAX_DETS} (default 100). */
  readonly maxDets?: number;
}

/** Precision at each of the 101 recall points (a PR curve), or null when no class has ground truth. */
export function precisionCurve(evaluation: CocoEvaluation, options: CurveOptions = {}): { recall: Float64Array; precision: Float64Array } | null {
  const t = iouIndex(options.iou ?? 0.5);
  if (t < 0) throw new RangeError(`precisionCurve: iou must be one of ${[...COCO_IOU_THRESHOLDS].join(', ')}, got ${options.iou}`);
  const m = COCO_MAX_DETS.indexOf(options.maxDets ?? MAX_DET);
  if (m < 0) throw new RangeError(`precisionCurve: maxDets must be one of ${COCO_MAX_DETS.join(', ')}, got ${options.maxDets}`);
  const a = areaIndex(options.area ?? 'all');
  if (a < 0) throw new RangeError(`precisionCurve: area must be all, small, medium or large, got ${options.area}`);
  const K = evaluation.shape.classes;
  if (options.label !== undefined && !(Number.isInteger(options.label) && options.label >= 0 && options.label < K)) {
    throw new RangeError(`precisionCurve: label must be a class index in [0, ${K}), got ${options.label}`);
  }
  const ks = options.label === undefined ? Array.from({ length: K }, (_, k) => k) : [options.label];
  const at = (r: number, k: number) => evaluation.precision[precisionOffset(K, t, r, k, a, m)];
  const precision = Float64Array.from({ length: R }, (_, r) => meanValid(ks.map((k) => at(r, k))));
  return precision[0] === -1 ? null : { recall: COCO_RECALL_POINTS.slice(), precision };
}

/** The summary as pycocotools prints it, one line per number. */
export function formatCocoStats(stats: CocoStats): string {
  const line = (ap: boolean, iou: string, area: string, maxDets: number, value: number) =>
    ` ${(ap ? 'Average Precision' : 'Average Recall').padEnd(18)} ${ap ? '(AP)' : '(AR)'} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(maxDets).padStart(3)} ] = ${value.toFixed(3)}`;
  const all = '0.50:0.95';
  return [
    line(true, all, 'all', 100, stats.ap),
    line(true, '0.50', 'all', 100, stats.ap50),
    line(true, '0.75', 'all', 100, stats.ap75),
    line(true, all, 'small', 100, stats.apSmall),
    line(true, all, 'medium', 100, stats.apMedium),
    line(true, all, 'large', 100, stats.apLarge),
    line(false, all, 'all', 1, stats.ar1),
    line(false, all, 'all', 10, stats.ar10),
    line(false, all, 'all', 100, stats.ar100),
    line(false, all, 'small', 100, stats.arSmall),
    line(false, all, 'medium', 100, stats.arMedium),
    line(false, all, 'large', 100, stats.arLarge),
  ].join('\n');
}
