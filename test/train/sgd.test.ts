import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tf/tf.js';
import { Sgd } from '../../src/train/sgd.js';
import { correctTopK, crossEntropy } from '../../src/train/metrics.js';
import { learningRateAt } from '../../src/train/schedule.js';

await tf.setBackend('cpu');

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tol, `index ${i}: ${actual[i]} vs ${e}`));
}

// Two steps worked by hand from PyTorch's update rule (lr 0.1, momentum 0.9, weight decay 0.01):
// d = g + wd p; buf = m buf + d; d = nesterov ? d + m buf : buf; p -= lr d. The same values come out of
// torch.optim.SGD 1.13.
const GRADS = [
  [0.5, 0.25],
  [-0.5, 1.0],
];

function run(nesterov: boolean): number[][] {
  const p = tf.variable(tf.tensor1d([1, -2]));
  const sgd = new Sgd([p], { momentum: 0.9, weightDecay: 0.01, nesterov });
  const seen = GRADS.map((g) => {
    const grad = tf.tensor1d(g);
    sgd.step([grad], 0.1);
    grad.dispose();
    return Array.from(p.dataSync());
  });
  sgd.dispose();
  p.dispose();
  return seen;
}

test('SGD with momentum and weight decay matches the hand-computed PyTorch update', () => {
  const [first, second] = run(false);
  close(first, [0.949, -2.023]);
  close(second, [0.952151, -2.141677]);
});

test('Nesterov SGD matches the hand-computed PyTorch update', () => {
  const [first, second] = run(true);
  close(first, [0.9031, -2.0437]);
  close(second, [0.95507411, -2.24844697]);
});

test('SGD state round-trips and steps do not leak tensors', async () => {
  const p = tf.variable(tf.tensor1d([1, -2]));
  const sgd = new Sgd([p], { momentum: 0.9, weightDecay: 0.01, nesterov: false });
  const grad = tf.tensor1d(GRADS[0]);
  sgd.step([grad], 0.1);
  const before = tf.memory().numTensors;
  sgd.step([grad], 0.1);
  assert.equal(tf.memory().numTensors, before);
  const state = await sgd.state();
  assert.equal(state.steps, 2);
  const copy = tf.variable(tf.tensor1d([1, -2]));
  const other = new Sgd([copy], { momentum: 0.9, weightDecay: 0.01, nesterov: false });
  other.setState(state);
  assert.deepEqual(Array.from((await other.state()).buffers[0]), Array.from(state.buffers[0]));
  assert.throws(() => other.setState({ steps: 1, buffers: [] }), /1 parameters/);
  tf.dispose([p, copy, grad]);
  sgd.dispose();
  other.dispose();
});

test('cross-entropy with label smoothing matches PyTorch', async () => {
  const logits = tf.tensor2d([
    [2, 1, 0.1],
    [0.5, 0.2, 3],
  ]);
  const labels = tf.tensor1d([0, 1], 'int32');
  // torch.nn.functional.cross_entropy(logits, labels[, label_smoothing=0.1])
  close(crossEntropy(logits, labels).dataSync(), [1.6752973], 1e-5);
  close(crossEntropy(logits, labels, 0.1).dataSync(), [1.6719638], 1e-5);
  assert.deepEqual(await correctTopK(logits, labels.dataSync(), [1, 2, 5]), [1, 1, 2]);
  tf.dispose([logits, labels]);
});

test('step schedule multiplies the LR by gamma from each milestone on', () => {
  const lrs = [0, 149, 150, 224, 225, 299].map((e) => learningRateAt(e, 0.1, [150, 225], 0.1));
  close(lrs, [0.1, 0.1, 0.01, 0.01, 0.001, 0.001], 1e-12);
});
