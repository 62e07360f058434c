/** README "For TF.js users": every example type-checks and runs (tiny data, seconds). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runBlock, sectionBlocks, typeErrors, writeBlocks } from './readme-examples.js';

test('README "For TF.js users": the layer, tf.data and targets examples type-check and run', async () => {
  const blocks = await sectionBlocks('## For TF.js users');
  assert.equal(blocks.length, 3, 'layer, tf.data and targets examples');
  const files = await writeBlocks(blocks);
  assert.deepEqual(typeErrors(files), []);
  try {
    for (const file of files) await runBlock(file);
  } finally {
    await rm(path.dirname(files[0]), { recursive: true, force: true });
  }
});
