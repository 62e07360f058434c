import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';
import { correctTopK } from '../../src/train/metrics.js';

await setupBackend({ backend: 'wasm' });

test('top-k counts are exact integers on wasm and match a plain ranking', async () => {
  const [n, classes] = [100, 10];
  const logits = tf.randomUniform([n, classes], 0, 1, 'float32', 1) as tf.Tensor2D;
  const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7) % classes), 'int32');
  const values = logits.arraySync();
  const truth = labels.arraySync();
  const expected = [1, 5].map((k) => values.filter((row, i) => row.filter((v) => v > row[truth[i]]).length < k).length);
  const counts = await correctTopK(logits, truth, [1, 5]);
  assert.deepEqual(counts, expected);
  assert.ok(counts.every(Number.isInteger));
  tf.dispose([logits, labels]);
});
