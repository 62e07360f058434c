import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boxIou } from '../../src/train/detection/iou.js';
import {
  COCO_IOU_THRESHOLDS,
  COCO_RECALL_POINTS,
  evaluateCoco,
  formatCocoStats,
  precisionCurve,
} from '../../src/train/detection/coco-eval.js';
import { det, obj, truth } from './detection-fixtures.js';

/** Precision of a lone true positive in pycocotools: tp / (fp + tp + eps). */
const P1 = 1 / (1 + Number.EPSILON);
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

describe('evaluateCoco: the known cases', () => {
  it('two perfect detections give 1.0 (absent area ranges -1)', () => {
    const gt = truth([[obj([10, 10, 20, 20])], [obj([30, 40, 50, 60])]]);
    const { stats } = evaluateCoco(gt, [det(0, [10, 10, 20, 20], 0.9), det(1, [30, 40, 50, 60], 0.8)]);
    for (const key of ['ap', 'ap50', 'ap75', 'apSmall'] as const) close(stats[key], P1, key);
    assert.equal(stats.ar100, 1);
    assert.equal(stats.ar1, 1);
    assert.equal(stats.apMedium, -1);
    assert.equal(stats.apLarge, -1);
    assert.equal(stats.arLarge, -1);
  });

  it('three ground truths and two perfect detections give 67/101 = 0.663 at 101 recall points', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([20, 0, 30, 10]), obj([40, 0, 50, 10])]]);
    const { stats } = evaluateCoco(gt, [det(0, [0, 0, 10, 10], 0.9), det(0, [20, 0, 30, 10], 0.8)]);
    close(stats.ap, (67 / 101) * P1, 'ap');
    assert.equal(stats.ap.toFixed(3), '0.663');
    close(stats.ar100, 2 / 3, 'ar100');
  });

  it('a false positive in a class with no ground truth leaves AP 1.0 (that class -1, left out)', () => {
    const gt = truth([[obj([0, 0, 10, 10], 0)]], 2);
    const result = evaluateCoco(gt, [det(0, [0, 0, 10, 10], 0.5, 0), det(0, [50, 50, 70, 70], 0.99, 1)]);
    close(result.stats.ap, P1, 'ap');
    assert.equal(result.classAp[1], -1);
    close(result.classAp[0], P1, 'class 0');
  });
});

describe('evaluateCoco: matching', () => {
  it('greedy: each detection in score order takes the highest-IoU unmatched ground truth', () => {
    // gt1 [0,10), gt2 [5,15) in x; A (0.9) overlaps gt1 by 7.5/14 = 0.536 and gt2 by 9/12.5 = 0.72; B (0.8) is gt2 exactly.
    const gt = truth([[obj([0, 0, 10, 10]), obj([5, 0, 15, 10])]]);
    const a = det(0, [2.5, 0, 14, 10], 0.9);
    const b = det(0, [5, 0, 15, 10], 0.8);
    assert.ok(Math.abs(boxIou(a.box, gt.images[0].objects[0].box) - 7.5 / 14) < 1e-15);
    assert.ok(Math.abs(boxIou(a.box, gt.images[0].objects[1].box) - 0.72) < 1e-15);
    const { stats } = evaluateCoco(gt, [a, b]);
    // IoU 0.5..0.7: A takes gt2, B finds it taken (TP, FP); 0.75..0.95: A misses, B takes gt2 (FP, TP).
    close(stats.ap50, (51 / 101) * P1, 'ap50');
    close(stats.ap, (5 * 51 * P1 + 5 * 51 * 0.5) / 1010, 'ap');
  });

  it('precision is made monotone and read at the first detection reaching each recall point', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([50, 0, 60, 10])]]);
    // TP, FP, TP: recall .5 .5 1, precision 1 .5 .667 -> 1 .667 .667.
    const { stats } = evaluateCoco(gt, [det(0, [0, 0, 10, 10], 0.9), det(0, [100, 100, 110, 110], 0.8), det(0, [50, 0, 60, 10], 0.7)]);
    close(stats.ap50, (51 * P1 + 50 * (2 / (3 + Number.EPSILON))) / 101, 'ap50');
  });

  it('a detection on a crowd region is ignored (intersection over its own area), not a false positive', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([0, 0, 20, 10], 0, { crowd: true })]]);
    // E lies inside the crowd box: plain IoU 0.5, crowd IoU 1, so it is ignored at every threshold.
    const { stats } = evaluateCoco(gt, [det(0, [10, 0, 20, 10], 0.95), det(0, [0, 0, 10, 10], 0.9)]);
    close(stats.ap, P1, 'ap');
    assert.equal(stats.ar100, 1);
  });

  it('ignored ground truths are tried last: a plain match beats a better crowd match', () => {
    const gt = truth([[obj([0, 0, 11, 10]), obj([0, 0, 20, 10], 0, { crowd: true })]]);
    // IoU with the plain truth 10/11; from 0.5 to 0.9 it matches it, at 0.95 only the crowd region.
    const { stats } = evaluateCoco(gt, [det(0, [0, 0, 10, 10], 0.9)]);
    close(stats.ap, (9 / 10) * P1, 'ap');
    close(stats.ar100, 0.9, 'ar100');
  });

  it('difficult objects count neither way', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([50, 50, 60, 60], 0, { difficult: true })]]);
    const { stats } = evaluateCoco(gt, [det(0, [50, 50, 60, 60], 0.9), det(0, [0, 0, 10, 10], 0.8)]);
    close(stats.ap, P1, 'ap');
    assert.equal(stats.ar100, 1);
  });

  it('equal scores keep image order, then each image its own order (a stable sort)', () => {
    const fpFirst = truth([[], [obj([0, 0, 10, 10])]]);
    const dets = [det(0, [50, 50, 60, 60], 0.5), det(1, [0, 0, 10, 10], 0.5)];
    close(evaluateCoco(fpFirst, dets).stats.ap, 0.5, 'FP first');
    const tpFirst = truth([[obj([0, 0, 10, 10])], []]);
    close(evaluateCoco(tpFirst, [det(0, [0, 0, 10, 10], 0.5), det(1, [50, 50, 60, 60], 0.5)]).stats.ap, P1, 'TP first');
  });
});

describe('evaluateCoco: maxDets and area ranges', () => {
  it('maxDets 1 / 10 / 100 per image and class', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([20, 0, 30, 10])]]);
    const { stats } = evaluateCoco(gt, [det(0, [0, 0, 10, 10], 0.9), det(0, [20, 0, 30, 10], 0.8)]);
    assert.equal(stats.ar1, 0.5);
    assert.equal(stats.ar10, 1);
    assert.equal(stats.ar100, 1);
  });

  it('only the 100 best detections of an image count', () => {
    const gt = truth([[obj([0, 0, 10, 10])]]);
    const fps = Array.from({ length: 100 }, (_, i) => det(0, [100, 100, 101 + (i % 50), 110], 0.9 - i / 1000));
    const { stats } = evaluateCoco(gt, [...fps, det(0, [0, 0, 10, 10], 0.1)]);
    assert.equal(stats.ap, 0);
    assert.equal(stats.ar100, 0);
    const kept = evaluateCoco(gt, [...fps.slice(1), det(0, [0, 0, 10, 10], 0.1)]).stats;
    close(kept.ar100, 1, 'ar100 once the truth is among the 100');
  });

  it('small / medium / large: other-size truths and unmatched other-size detections are ignored; ends inclusive', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([100, 100, 140, 140])]]);
    const dets = [det(0, [50, 0, 90, 40], 0.99), det(0, [0, 0, 10, 10], 0.9), det(0, [100, 100, 140, 140], 0.8)];
    const { stats } = evaluateCoco(gt, dets);
    close(stats.apSmall, P1, 'small: the medium false positive and the medium truth are ignored');
    close(stats.apMedium, 0.5, 'medium: FP then TP');
    close(stats.ap, 2 / (3 + Number.EPSILON), 'all: FP, TP, TP');
    assert.equal(stats.apLarge, -1);
    const edge = evaluateCoco(truth([[obj([0, 0, 32, 32])]]), [det(0, [0, 0, 32, 32], 0.9)]).stats;
    close(edge.apSmall, P1, 'area 32^2 is small');
    close(edge.apMedium, P1, 'and medium');
  });
});

describe('evaluateCoco: tables, curves, summary, checks', () => {
  it('thresholds and recall points are numpy linspace values', () => {
    assert.equal(COCO_IOU_THRESHOLDS.length, 10);
    assert.equal(COCO_IOU_THRESHOLDS[5], 0.75);
    assert.equal(COCO_IOU_THRESHOLDS[8], 0.8999999999999999);
    assert.equal(COCO_RECALL_POINTS[100], 1);
    assert.equal(COCO_RECALL_POINTS[7], 0.07);
  });

  it('precisionCurve reads the table: per class, or the mean over classes with ground truth', () => {
    const gt = truth([[obj([0, 0, 10, 10], 0), obj([0, 0, 10, 10], 1), obj([50, 0, 60, 10], 1)]], 3);
    const result = evaluateCoco(gt, [det(0, [0, 0, 10, 10], 0.9, 0), det(0, [0, 0, 10, 10], 0.9, 1)]);
    const c0 = precisionCurve(result, { label: 0 });
    const c1 = precisionCurve(result, { label: 1 });
    assert.ok(c0 && c1);
    assert.equal(c0.precision[100], P1);
    assert.equal(c1.precision[50], P1);
    assert.equal(c1.precision[51], 0);
    const mean = precisionCurve(result);
    assert.ok(mean);
    close(mean.precision[60], P1 / 2, 'mean over classes 0 and 1 (class 2 has no truth)');
    assert.equal(precisionCurve(result, { label: 2 }), null);
    assert.throws(() => precisionCurve(result, { iou: 0.6000001 }), /iou must be one of/);
  });

  it('prints the summary as pycocotools does', () => {
    const { stats } = evaluateCoco(truth([[obj([0, 0, 10, 10])]]), [det(0, [0, 0, 10, 10], 1)]);
    const lines = formatCocoStats(stats).split('\n');
    assert.equal(lines.length, 12);
    assert.equal(lines[0], ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000');
    assert.equal(lines[4], ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000');
    assert.equal(lines[6], ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000');
  });

  it('rejects detections naming the one at fault', () => {
    const gt = truth([[obj([0, 0, 10, 10])]]);
    assert.throws(() => evaluateCoco(gt, [det(0, [0, 0, 1, 1], 1), det(3, [0, 0, 1, 1], 1)]), /detections\[1\]: image 3 is not an index/);
    assert.throws(() => evaluateCoco(gt, [det(0, [0, 0, 1, 1], 1, 1)]), /detections\[0\]: label 1/);
    assert.throws(() => evaluateCoco(gt, [det(0, [0, 0, 1, 1], NaN)]), /score NaN/);
    assert.throws(() => evaluateCoco(gt, [det(0, [5, 0, 1, 1], 1)]), /x1 <= x2/);
  });
});
