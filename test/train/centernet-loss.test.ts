import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { tf } from '../../src/tf/tf.js';
import { centerNetLoss, LOSS_WEIGHTS, targetTensors } from '../../src/train/detection/centernet-loss.js';
import { centerNetTargets, gaussianRadius } from '../../src/train/detection/centernet-targets.js';

await tf.setBackend('cpu');

test("gaussianRadius is CenterNet's (hand-computed: the third root is the smallest)", () => {
  assert.ok(Math.abs(gaussianRadius(10, 10) - 2.7332005306815113) < 1e-12);
  assert.ok(Math.abs(gaussianRadius(4, 4) - 1.0932802122726049) < 1e-12);
});

test('targets: a Gaussian of peak 1 at the centre cell, size and offset there, masks and counts', () => {
  // 32x32 image, one box 16 x 16 px centred at (16.5, 12): cells (4.125, 3), size 4 x 4 cells, radius 1.
  const t = centerNetTargets([[{ box: { x1: 8.5, y1: 4, x2: 24.5, y2: 20 }, label: 2 }]], 32, 32, 3);
  assert.deepEqual([t.count, t.height, t.width, t.classes, t.positives, t.centres], [1, 8, 8, 3, 1, 1]);
  const heat = (y: number, x: number, k = 2) => t.heatmap[(y * 8 + x) * 3 + k];
  assert.equal(heat(3, 4), 1);
  const sigma = 3 / 6;
  assert.ok(Math.abs(heat(3, 5) - Math.exp(-1 / (2 * sigma * sigma))) < 1e-7);
  assert.ok(Math.abs(heat(2, 3) - Math.exp(-2 / (2 * sigma * sigma))) < 1e-7);
  assert.equal(heat(3, 6), 0, 'outside the radius');
  assert.equal(heat(3, 4, 0), 0, 'other classes stay 0');
  const cell = 3 * 8 + 4;
  assert.deepEqual([...t.regression.subarray(cell * 4, cell * 4 + 4)], [4, 4, 0.125, 0]);
  assert.equal(t.mask[cell], 1);
  assert.equal(t.mask.reduce((a, b) => a + b, 0), 1);
});

test('targets: overlapping Gaussians of a class merge by maximum; bad labels are refused', () => {
  const box = (x: number) => ({ x1: x, y1: 8, x2: x + 24, y2: 32 });
  const t = centerNetTargets([[{ box: box(4), label: 0 }, { box: box(12), label: 0 }]], 40, 40, 1);
  assert.equal(t.positives, 2);
  const row = Array.from({ length: 10 }, (_, x) => t.heatmap[5 * 10 + x]);
  assert.equal(row[4], 1);
  assert.equal(row[6], 1);
  assert.ok(row[5] < 1 && row[5] > 0.1);
  assert.throws(() => centerNetTargets([[{ box: box(4), label: 3 }]], 40, 40, 2), /image 0: label 3 is not a class index in \[0, 2\)/);
  assert.throws(() => centerNetTargets([[]], 30, 40, 2), /multiples of 4/);
});

/** The loss written out in plain arithmetic from CenterNet's definition. */
function referenceLoss(out: Float32Array, t: ReturnType<typeof centerNetTargets>): { heatmap: number; size: number; offset: number } {
  const K = t.classes;
  const C = K + 4;
  const cells = t.count * t.height * t.width;
  let focal = 0;
  let size = 0;
  let offset = 0;
  for (let c = 0; c < cells; c++) {
    for (let k = 0; k < K; k++) {
      const p = Math.min(1 - 1e-4, Math.max(1e-4, 1 / (1 + Math.exp(-out[c * C + k]))));
      const y = t.heatmap[c * K + k];
      focal += y === 1 ? Math.log(p) * (1 - p) ** 2 : Math.log(1 - p) * p ** 2 * (1 - y) ** 4;
    }
    if (t.mask[c] === 1) {
      for (let j = 0; j < 2; j++) {
        size += Math.abs(out[c * C + K + j] - t.regression[c * 4 + j]);
        offset += Math.abs(out[c * C + K + 2 + j] - t.regression[c * 4 + 2 + j]);
      }
    }
  }
  return { heatmap: -focal / Math.max(t.positives, 1), size: size / (2 * t.centres + 1e-4), offset: offset / (2 * t.centres + 1e-4) };
}

test('the loss equals the focal + L1 definition computed directly, on random outputs', () => {
  const rng = Rng.fromSeed(5);
  const objects = [0, 1].map(() => Array.from({ length: 3 }, () => {
    const x1 = rng.int(0, 20);
    const y1 = rng.int(0, 20);
    return { box: { x1, y1, x2: x1 + rng.int(6, 12), y2: y1 + rng.int(6, 12) }, label: rng.int(0, 2) };
  }));
  const t = centerNetTargets(objects, 32, 32, 3);
  const out = Float32Array.from({ length: 2 * 8 * 8 * 7 }, () => rng.uniform(-6, 6));
  const tensors = targetTensors(t);
  const output = tf.tensor4d(out, [2, 8, 8, 7]);
  const loss = centerNetLoss(output, tensors);
  const ref = referenceLoss(out, t);
  const got = { heatmap: loss.heatmap.dataSync()[0], size: loss.size.dataSync()[0], offset: loss.offset.dataSync()[0] };
  for (const key of ['heatmap', 'size', 'offset'] as const) assert.ok(Math.abs(got[key] - ref[key]) < 1e-4 * Math.max(1, ref[key]), `${key}: ${got[key]} vs ${ref[key]}`);
  const total = ref.heatmap * LOSS_WEIGHTS.heatmap + ref.size * LOSS_WEIGHTS.size + ref.offset * LOSS_WEIGHTS.offset;
  assert.ok(Math.abs(loss.total.dataSync()[0] - total) < 1e-4 * total);
  tf.dispose([output, tensors.heatmap, tensors.regression, tensors.mask, loss.total, loss.heatmap, loss.size, loss.offset]);
});
