import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { writeTinyDataset } from './tiny-data.js';

const MAIN = path.resolve('src/cli/main.ts');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI; `interruptWhen` sends SIGINT once stdout matches it. */
function cli(args: string[], interruptWhen?: RegExp): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, NODE_OPTIONS: '' } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (interruptWhen && !sent && interruptWhen.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const readPng = async (file: string) => PNG.sync.read(await readFile(file));

let root: string;
let data: string;

test.before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'experiments-cli-'));
  data = await writeTinyDataset(path.join(root, 'tiny'));
});
test.after(async () => rm(root, { recursive: true, force: true }));

test('preview writes an upscaled grid: originals and erased rows, and object-aware rows', async () => {
  const out = path.join(root, 'preview.png');
  const run = await cli(['preview', '-d', data, '-n', '4', '--draws', '2', '--scale', '3', '-o', out]);
  assert.equal(run.code, 0, run.stderr);
  const png = await readPng(out);
  assert.deepEqual([png.width, png.height], [4 + 4 * (24 + 4), 4 + 3 * (24 + 4)]);
  const objects = path.join(root, 'objects.png');
  const boxes = path.join(root, 'boxes.json');
  await writeFile(boxes, JSON.stringify([{ x1: 1, y1: 1, x2: 6, y2: 7 }]));
  const run2 = await cli(['preview', '-d', data, '--object-aware', '--boxes', boxes, '-n', '2', '--scale', '4', '-o', objects]);
  assert.equal(run2.code, 0, run2.stderr);
  const png2 = await readPng(objects);
  assert.deepEqual([png2.width, png2.height], [4 + 2 * (32 + 4), 4 + 4 * (32 + 4)]);
  // The box's top-left corner is outlined in green on the first tile.
  const at = ((4 + 1 * 4) * png2.width + (4 + 1 * 4)) * 4;
  assert.deepEqual([...png2.data.subarray(at, at + 3)], [20, 200, 60]);
  await writeFile(boxes, JSON.stringify([{ x1: 1, y1: 1, x2: 60, y2: 7 }]));
  const bad = await cli(['preview', '-d', data, '--object-aware', '--boxes', boxes, '-o', objects]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /boxes\[0\].*x2 <= 8/);
});

test('experiment: interrupted mid-grid, rerun skips finished runs and resumes; occlusion evaluates its checkpoints', async () => {
  const out = path.join(root, 'table1');
  const args = ['experiment', 'table1', '-d', data, '-m', 'resnet-8', '--seeds', '1', '2', '--epochs', '6', '--train-batch', '4', '--micro-batch', '2', '--threads', '2', '--test-batch', '6', '-j', '0', '--backend', 'wasm', '-o', out];
  const first = await cli(args, /\[2\/4\][^]*Epoch: \[2 \| 6\]/);
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stderr, /seed-2 holds a checkpoint; the same command resumes the grid/);
  assert.match(first.stdout, /\[1\/4\] tiny_resnet-8_baseline seed 1: test error/);
  const second = await cli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /\[1\/4\] tiny_resnet-8_baseline seed 1: finished earlier, skipped/);
  assert.match(second.stdout + second.stderr, /Resumed from .*tiny_resnet-8_baseline.seed-2.checkpoint\.ckpt/);
  assert.doesNotMatch(second.stdout, /\[1\/4\].*training/);
  const summary = (await readFile(path.join(out, 'summary.csv'), 'utf8')).trim().split('\n');
  assert.equal(summary.length, 3);
  assert.match(summary[2], /^tiny_resnet-8_re,tiny,ResNet-8,Random Erasing,1 2,\d+\.\d{4},\d+\.\d{4},/);
  const md = await readFile(path.join(out, 'results.md'), 'utf8');
  assert.match(md, /Budget: 6 epochs; SGD lr 0\.1 \(×0\.1 at epochs 3, 5\)/);
  assert.equal((await readPng(path.join(out, 'results.png'))).width > 100, true);
  const third = await cli(args);
  assert.equal((third.stdout.match(/skipped/g) ?? []).length, 4);

  const runs = path.join(out, 'runs');
  assert.deepEqual((await readdir(runs)).sort(), ['tiny_resnet-8_baseline', 'tiny_resnet-8_re']);
  const runConfig = JSON.parse(await readFile(path.join(runs, 'tiny_resnet-8_re', 'seed-1', 'config.json'), 'utf8'));
  assert.deepEqual([runConfig.spec.microBatch, runConfig.runtime.threads], [2, 2]);
  const occ = path.join(root, 'occ');
  const evaluation = await cli(
    ['occlusion', `baseline=${path.join(runs, 'tiny_resnet-8_baseline', 'seed-1')}`, `re=${path.join(runs, 'tiny_resnet-8_re', 'seed-1')}`, '--levels', '0', '0.3', '0.6', '-o', occ],
  );
  assert.equal(evaluation.code, 0, evaluation.stderr);
  const csv = (await readFile(path.join(occ, 'occlusion.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv[0], 'model,level,error,std');
  assert.deepEqual(csv.slice(1).map((l) => l.split(',').slice(0, 2).join(',')), ['baseline,0', 're,0', 'baseline,0.3', 're,0.3', 'baseline,0.6', 're,0.6']);
  for (const line of csv.slice(1)) {
    const error = Number(line.split(',')[2]);
    assert.ok(error >= 0 && error <= 100, line);
  }
  assert.match(await readFile(path.join(occ, 'occlusion.md'), 'utf8'), /\| 0\.30 \| \d+\.\d\d \| \d+\.\d\d \|/);
  const bad = await cli(['occlusion', path.join(root, 'missing'), '-o', occ]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /checkpoint '.*missing' does not exist/);
});
