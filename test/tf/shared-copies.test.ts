/** Identity and same-dtype Cast share the buffer on wasm; values and lifetimes stay correct. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';

describe('wasm Identity and Cast', () => {
  before(async () => {
    await setupBackend({ backend: 'wasm' });
  });

  it('a clone outlives its disposed source and keeps its values', () => {
    const source = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(source);
    const sameType = tf.cast(source, 'float32');
    source.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(sameType.dataSync()), [1, 2, 3, 4]);
    tf.dispose([copy, sameType]);
  });

  it('frees the buffer once every sharer is disposed', () => {
    const before = tf.memory().numBytes;
    const source = tf.ones([64, 64]);
    const copies = [tf.clone(source), tf.cast(source, 'float32')];
    source.dispose();
    tf.dispose(copies);
    assert.equal(tf.memory().numBytes, before);
  });

  it('still converts between dtypes', () => {
    const ints = tf.tensor1d([1.7, -2.2, 0], 'float32');
    const cast = tf.cast(ints, 'int32');
    assert.equal(cast.dtype, 'int32');
    assert.deepEqual(Array.from(cast.dataSync()), [1, -2, 0]);
    const back = tf.cast(cast, 'float32');
    assert.deepEqual([back.dtype, ...back.dataSync()], ['float32', 1, -2, 0]);
    tf.dispose([ints, cast, back]);
  });
});
