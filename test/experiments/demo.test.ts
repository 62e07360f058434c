import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { robustnessVerdict, runDemo } from '../../src/experiments/demo.js';
import { FASHION_MNIST_SYSTEM_DIR } from '../../src/data/fashion-mnist.js';

const point = (model: string, level: number, error: number) => ({ model, level, error });

test('the verdict names the model with the lower error at most occlusion levels, or says neither', () => {
  const levels = [0, 0.2, 0.4, 0.6];
  const curves = (re: number[], base: number[]) => levels.flatMap((l, i) => [point('Baseline', l, base[i]), point('Random Erasing', l, re[i])]);
  assert.match(robustnessVerdict(curves([26, 30, 50, 70], [25, 35, 55, 74])), /^Random Erasing is more robust to occlusion: lower test error at 3 of 3 levels \(occlusion 0\.2 to 0\.6\), by 4\.67 points on average; without occlusion on the same images 25\.00 % \(baseline\) vs 26\.00 %/);
  assert.match(robustnessVerdict(curves([25, 40, 60, 80], [25, 35, 55, 74])), /^The baseline is more robust to occlusion at this budget: lower test error at 3 of 3 levels/);
  assert.match(robustnessVerdict(curves([25, 34, 56, 74], [25, 35, 55, 74])), /^Neither model is consistently more robust/);
});

test('the demo trains the baseline and the RE model on one budget, compares them under occlusion and exports the RE model', { skip: !existsSync(FASHION_MNIST_SYSTEM_DIR) && 'needs dataset-fashion-mnist' }, async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'demo-'));
  try {
    const lines: string[] = [];
    const result = await runDemo({
      outDir: out,
      budget: { epochs: 1, trainSubset: 64, testSubset: 40 },
      seed: 2,
      runtime: { threads: 2, workers: 0, backend: 'wasm', dataDir: FASHION_MNIST_SYSTEM_DIR },
      log: (line) => lines.push(line),
    });
    assert.deepEqual(result.experiment.summaries.map((s) => s.run.variant), ['Baseline', 'Random Erasing']);
    assert.equal(result.experiment.occlusion?.length, 2 * 9);
    assert.match(result.verdict, /more robust|Neither model/);
    const files = await readdir(out);
    for (const name of ['preview.png', 'results.md', 'occlusion.md', 'occlusion.png', 'model']) assert.ok(files.includes(name), `missing ${name}`);
    const re = JSON.parse(await readFile(path.join(out, 'runs', 'fashion-mnist_resnet-20_re', 'seed-2', 'config.json'), 'utf8'));
    assert.deepEqual([re.spec.p, re.spec.trainSubset, re.spec.epochs, re.runtime.threads], [0.5, 64, 1, 2]);
    assert.equal(JSON.parse(await readFile(path.join(out, 'model', 'model.json'), 'utf8')).format, 'layers-model');
    assert.ok(lines.some((l) => l.startsWith('occlusion: fashion-mnist_resnet-20_re seed 2')));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
