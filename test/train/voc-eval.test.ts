import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCoco } from '../../src/train/detection/coco-eval.js';
import { VOC07_RECALL_POINTS, evaluateVoc07, voc07Ap } from '../../src/train/detection/voc-eval.js';
import { det, obj, truth } from './detection-fixtures.js';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

describe('evaluateVoc07', () => {
  it('two perfect detections give 1.0; three truths and two perfect detections 7/11', () => {
    const two = truth([[obj([10, 10, 20, 20])], [obj([30, 40, 50, 60])]]);
    close(evaluateVoc07(two, [det(0, [10, 10, 20, 20], 0.9), det(1, [30, 40, 50, 60], 0.8)]).map, 1, 'two');
    const three = truth([[obj([0, 0, 10, 10]), obj([20, 0, 30, 10]), obj([40, 0, 50, 10])]]);
    close(evaluateVoc07(three, [det(0, [0, 0, 10, 10], 0.9), det(0, [20, 0, 30, 10], 0.8)]).map, 7 / 11, 'three');
  });

  it('IoU must exceed 0.5: exactly 0.5 is a false positive (COCO counts it at 0.5)', () => {
    const gt = truth([[obj([0, 0, 10, 10])]]);
    const dets = [det(0, [0, 0, 20, 10], 0.9)];
    assert.equal(evaluateVoc07(gt, dets).map, 0);
    assert.ok(evaluateCoco(gt, dets).stats.ap50 > 0.99);
  });

  it('a detection whose best truth is taken is a false positive, where COCO falls back to the next truth', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([0, 0, 14, 10])]]);
    // B overlaps gt1 by 10/11 (taken by A) and gt2 by 11/14.
    const dets = [det(0, [0, 0, 10, 10], 0.9), det(0, [0, 0, 11, 10], 0.8)];
    close(evaluateVoc07(gt, dets).map, 6 / 11, 'VOC: TP, FP');
    assert.ok(evaluateCoco(gt, dets).stats.ap50 > 0.99, 'COCO: TP, TP');
  });

  it('difficult objects count neither way and are not positives', () => {
    const gt = truth([[obj([0, 0, 10, 10]), obj([50, 50, 60, 60], 0, { difficult: true })]]);
    close(evaluateVoc07(gt, [det(0, [50, 50, 60, 60], 0.9), det(0, [0, 0, 10, 10], 0.8)]).map, 1, 'map');
    close(evaluateVoc07(gt, [det(0, [0, 0, 10, 10], 0.8)]).map, 1, 'recall 1 without the difficult one');
  });

  it('classes without positives get -1 and are left out of the mean', () => {
    const gt = truth([[obj([0, 0, 10, 10], 0), obj([50, 0, 60, 10], 2, { difficult: true })]], 3);
    const result = evaluateVoc07(gt, [det(0, [0, 0, 10, 10], 0.9, 0), det(0, [80, 80, 90, 90], 0.9, 1)]);
    assert.deepEqual(result.classAp.slice(1), [-1, -1]);
    close(result.map, 1, 'map');
    assert.equal(evaluateVoc07(truth([[]]), []).map, -1);
  });

  it('11-point interpolation: the best precision at recall >= 0, 0.1, ..., 1', () => {
    assert.equal(VOC07_RECALL_POINTS[3], 0.30000000000000004);
    // numpy's points are i * 0.1: recall 0.3 falls short of 0.30000000000000004, 0.6 of 0.6000000000000001.
    close(voc07Ap([0.1, 0.3, 0.6, 0.6], [1, 0.9, 0.75, 0.6]), (2 * 1 + 0.9 + 3 * 0.75) / 11, 'ap');
    assert.equal(voc07Ap([], []), 0);
  });
});
