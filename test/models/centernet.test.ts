import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../src/core/validate.js';
import { buildCenterNet, centerNetLayout, decodeCenterNet, HEATMAP_PRIOR_LOGIT, OUTPUT_STRIDE } from '../../src/models/index.js';
import { tf } from '../../src/tf/tf.js';

await tf.setBackend('cpu');

const K = 3;
const [H, W] = [6, 7];
const layout = centerNetLayout(K);

/** An output with every heatmap logit at -10 (score ~ 4.5e-5) and zero sizes and offsets. */
function blank(count = 1): Float32Array {
  const values = new Float32Array(count * H * W * layout.channels);
  for (let cell = 0; cell < count * H * W; cell++) values.fill(-10, cell * layout.channels, cell * layout.channels + K);
  return values;
}

/** Plant a peak: class k at (y, x) of image n with logit `logit`, box size (w, h) cells and offset (ox, oy). */
function plant(values: Float32Array, n: number, k: number, y: number, x: number, logit: number, size: [number, number] = [2, 3], offset: [number, number] = [0.25, 0.5]): void {
  const at = ((n * H + y) * W + x) * layout.channels;
  values[at + k] = logit;
  values.set(size, at + layout.size);
  values.set(offset, at + layout.offset);
}

test('the model outputs K heatmap logits, size and offset at stride 4, heatmaps starting at the prior', () => {
  const model = buildCenterNet({ numClasses: K, inputShape: [32, 24, 1], width: 4, seed: 1 });
  const y = model.predict(tf.zeros([2, 32, 24, 1])) as tf.Tensor4D;
  assert.deepEqual(y.shape, [2, 32 / OUTPUT_STRIDE, 24 / OUTPUT_STRIDE, K + 4]);
  const heat = tf.slice(y, [0, 0, 0, 0], [2, 8, 6, K]);
  // Zero input: after BatchNorm every pre-head activation is its shift (0), so the heatmaps are the bias.
  assert.ok(Math.abs((tf.mean(heat).dataSync()[0]) - HEATMAP_PRIOR_LOGIT) < 1e-5);
  tf.dispose([y, heat]);
  assert.equal(model.name, 'centernet-w4-b1');
  const again = buildCenterNet({ numClasses: K, inputShape: [32, 24, 1], width: 4, seed: 1 });
  const same = model.getWeights().every((w, i) => tf.all(tf.equal(w, again.getWeights()[i])).dataSync()[0] === 1);
  assert.ok(same, 'the same seed gives the same weights');
  model.dispose();
  again.dispose();
});

test('invalid model options are named', () => {
  assert.throws(() => buildCenterNet({ numClasses: K, inputShape: [30, 32, 1] }), (e: unknown) => e instanceof OptionError && e.option === 'inputShape' && /multiples of 8/.test(e.problem));
  assert.throws(() => buildCenterNet({ numClasses: 0, inputShape: [32, 32, 1] }), (e: unknown) => e instanceof OptionError && e.option === 'numClasses');
  assert.throws(() => buildCenterNet({ numClasses: 2, inputShape: [32, 32, 1], normalize: { mean: 0, std: 0 } }), (e: unknown) => e instanceof OptionError && e.option === 'normalize.std');
});

test('decode recovers planted peaks: class, score, centre from cell + offset, size, times the stride', () => {
  const values = blank(2);
  plant(values, 0, 1, 2, 3, 2, [2, 3], [0.25, 0.5]);
  plant(values, 1, 2, 5, 0, 1, [4, 1], [0.5, 0]);
  plant(values, 1, 0, 0, 6, 3, [1, 1], [0, 0]);
  const top = decodeCenterNet(values, [2, H, W, layout.channels], K, { minScore: 0.5 });
  assert.deepEqual(
    top.map((d) => ({ ...d, score: +d.score.toFixed(6) })),
    [
      // centre (3.25, 2.5) cells = (13, 10) px, 8 x 12 px
      { image: 0, label: 1, box: { x1: 9, y1: 4, x2: 17, y2: 16 }, score: +(1 / (1 + Math.exp(-2))).toFixed(6) },
      // centre (6, 0) cells = (24, 0) px, 4 x 4 px: clipped at the top edge
      { image: 1, label: 0, box: { x1: 22, y1: 0, x2: 26, y2: 2 }, score: +(1 / (1 + Math.exp(-3))).toFixed(6) },
      // centre (0.5, 5) cells = (2, 20) px, 16 x 4 px: clipped at the left edge
      { image: 1, label: 2, box: { x1: 0, y1: 18, x2: 10, y2: 22 }, score: +(1 / (1 + Math.exp(-1))).toFixed(6) },
    ],
  );
});

test('decode keeps only 3x3 maxima (plateaus whole), per class, and the top k by score', () => {
  const values = blank();
  plant(values, 0, 0, 2, 2, 3);
  plant(values, 0, 0, 2, 3, 1); // a lower neighbour: not a peak
  plant(values, 0, 0, 4, 5, 2);
  plant(values, 0, 0, 4, 6, 2); // a plateau of two: both kept
  plant(values, 0, 1, 2, 3, 0.5); // another class at the same cell: its own peak
  const all = decodeCenterNet(values, [1, H, W, layout.channels], K, { minScore: 0.5 });
  assert.deepEqual(all.map((d) => [d.label, d.box.x1]), [[0, 5], [0, 17], [0, 21], [1, 9]]);
  const two = decodeCenterNet(values, [1, H, W, layout.channels], K, { topK: 2 });
  assert.equal(two.length, 2);
  assert.deepEqual(two.map((d) => d.label), [0, 0]);
  // Without a threshold every background cell is a (flat) peak: top-k fills up to k.
  assert.equal(decodeCenterNet(values, [1, H, W, layout.channels], K).length, 100);
});

test('decode checks its input', () => {
  assert.throws(() => decodeCenterNet(blank(), [1, H, W, layout.channels], K + 1), /4 classes need 8 output channels/);
  assert.throws(() => decodeCenterNet(blank(), [2, H, W, layout.channels], K), /do not match the shape/);
  assert.throws(() => decodeCenterNet(blank(), [1, H, W, layout.channels], K, { topK: 0 }), /topK must be an integer >= 1/);
});
