import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FASHION_MNIST_SYSTEM_DIR } from '../../src/data/fashion-mnist.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The first `ts` block after README's detection heading, its package imports pointed at the sources. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Detection: scenes, VOC and COCO data'));
  const code = /```ts\n([^]*?)```/.exec(section)?.[1];
  assert.ok(code, 'README has a detection example');
  return code.replace(/'random-erasing\/(\w+)'/g, (_, layer: string) => `'${join(ROOT, 'src', layer, 'index.ts')}'`);
}

test('the README detection example runs and prints the COCO summary and VOC07 AP50', { skip: existsSync(FASHION_MNIST_SYSTEM_DIR) ? false : 'dataset-fashion-mnist not installed' }, async () => {
  const file = join(await mkdtemp(join(tmpdir(), 're-readme-')), 'example.mts');
  await writeFile(file, readmeExample());
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, 13);
  const value = (i: number) => Number(/= (\S+)$/.exec(lines[i])?.[1]);
  assert.match(lines[1], /^ Average Precision {2}\(AP\) @\[ IoU=0\.50 {6}\| area= {3}all \| maxDets=100 \] = /);
  // Shifted by one pixel every plain box keeps IoU >= 2/3 (the narrowest items are 5-8 px wide); the few
  // boxes of difficult slivers miss, so AP50 is just below 1, and the higher thresholds reject narrow boxes.
  assert.ok(value(1) > 0.99 && value(1) <= 1, `AP50 ${value(1)}`);
  assert.ok(value(2) < value(1) && value(0) < value(2) && value(0) > 0.6, `AP75 ${value(2)}, AP ${value(0)}`);
  assert.equal(value(4), -1, 'no medium objects on 64x64 canvases');
  const voc = /^VOC07 AP50 (\S+), fashion-mnist-scenes-test-occluded-0\.3$/.exec(lines[12]);
  assert.ok(voc && Number(voc[1]) > 0.99, lines[12]);
});
