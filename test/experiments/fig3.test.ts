import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExperiment } from '../../src/experiments/experiment.js';
import { parseModels } from '../../src/experiments/grids.js';
import { writeTinyDataset } from './tiny-data.js';

test('fig3 trains baseline and RE per seed, then writes occlusion curves averaged over seeds (reused on rerun)', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'fig3-'));
  try {
    const data = await writeTinyDataset(path.join(root, 'tiny'));
    const out = path.join(root, 'fig3');
    const options = {
      name: 'fig3' as const,
      datasets: [data],
      models: parseModels(['resnet-8']),
      seeds: [1, 2],
      outDir: out,
      budget: { epochs: 2, trainBatch: 8 },
      runtime: { testBatch: 8, workers: 0, backend: 'wasm' as const },
      occlusion: { levels: [0, 0.4, 0.8], seed: 3 },
    };
    const result = await runExperiment(options);
    assert.equal(result.summaries.length, 2);
    assert.match(result.budget, /^2 epochs; SGD lr 0\.1 \(×0\.1 at epochs 1\)/);
    const csv = (await readFile(path.join(out, 'occlusion.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv.length, 1 + 2 * 3);
    for (const line of csv.slice(1)) {
      const [model, level, error, std] = line.split(',');
      assert.ok(['Baseline', 'Random Erasing'].includes(model));
      assert.ok(['0', '0.4', '0.8'].includes(level));
      assert.ok(Number(error) >= 0 && Number(error) <= 100 && Number(std) >= 0, line);
    }
    const stored = path.join(out, 'runs', 'tiny_resnet-8_re', 'seed-2', 'occlusion.json');
    const before = (await stat(stored)).mtimeMs;
    const md = await readFile(path.join(out, 'results.md'), 'utf8');
    assert.match(md, /\[occlusion\.md\]\(occlusion\.md\)/);
    const logs: string[] = [];
    await runExperiment({ ...options, log: (line) => logs.push(line) });
    assert.equal(logs.filter((l) => l.includes('skipped')).length, 4);
    assert.equal((await stat(stored)).mtimeMs, before);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
