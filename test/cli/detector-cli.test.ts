import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir } from './fixtures.js';

const TINY = ['--train-scenes', '8', '--test-scenes', '4', '--width', '4', '--train-batch', '4', '--backend', 'wasm'];

test('train-detector trains, resumes with more epochs, refuses a changed setting; export writes the detector', async () => {
  const dir = await tempDir();
  try {
    const first = await runCli(['train-detector', ...TINY, '--epochs', '1', '--erasing', 'object', '--manual-seed', '3', '-c', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /random erasing: object, p 0\.5, area 0\.02\.\.0\.4/);
    assert.match(first.stdout, /Epoch: \[1 \| 1\] LR: 0\.050000/);
    assert.match(first.stdout, /test AP \d\.\d{4}, AP50 \d\.\d{4}, VOC07 AP50 \d\.\d{4}/);
    const more = await runCli(['train-detector', '--resume', path.join(dir, 'checkpoint.ckpt'), '--epochs', '2', '--json']);
    assert.equal(more.code, 0, more.stderr);
    const done = JSON.parse(more.stdout.trim().split('\n').at(-1) as string);
    assert.deepEqual([done.event, done.epochs, done.interrupted], ['done', 2, false]);
    const changed = await runCli(['train-detector', '--resume', path.join(dir, 'checkpoint.ckpt'), '--erasing', 'image']);
    assert.notEqual(changed.code, 0);
    assert.match(changed.stderr, /--erasing: the checkpoint's run has "object", given "image"/);
    const exported = await runCli(['export', path.join(dir, 'checkpoint.ckpt'), path.join(dir, 'model')]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /detector, epoch 2, test AP .*decodeCenterNet\(values, shape, 10\)/);
    const json = JSON.parse(await readFile(path.join(dir, 'model', 'model.json'), 'utf8'));
    assert.equal(json.modelTopology.config.layers.at(-1).class_name, 'Concatenate');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('detector flags are checked before any work, and each experiment refuses the other kind of flag', async () => {
  const bad = await runCli(['train-detector', '--p', '0.3', '--manual-seed', '1']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--p: has no effect without erasing/);
  const classification = await runCli(['experiment', 'table1', '--train-scenes', '10']);
  assert.notEqual(classification.code, 0);
  assert.match(classification.stderr, /--train-scenes: does not apply to experiment table1/);
  const detection = await runCli(['experiment', 'detection', '--micro-batch', '2']);
  assert.notEqual(detection.code, 0);
  assert.match(detection.stderr, /--micro-batch: does not apply to experiment detection/);
  const levels = await runCli(['experiment', 'detection', '--levels', '0', '1.2']);
  assert.match(levels.stderr, /--levels: expected a number in \[0, 1\), got 1\.2/);
});
