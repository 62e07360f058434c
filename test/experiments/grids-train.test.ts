import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExperiment } from '../../src/experiments/experiment.js';
import { parseModels } from '../../src/experiments/grids.js';
import type { RunRecord } from '../../src/experiments/runner.js';
import { writeTinyDataset } from './tiny-data.js';

const readRecord = async (out: string, id: string): Promise<RunRecord> =>
  JSON.parse(await readFile(path.join(out, 'runs', id, 'seed-1', 'result.json'), 'utf8')) as RunRecord;

test('table4 and table5 train every variant with its dropout, noise, flip, crop and erasing settings', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'grids-'));
  try {
    const data = await writeTinyDataset(path.join(root, 'tiny'), 8, { train: 4, test: 2 });
    const common = { datasets: [data], models: parseModels(['resnet-8']), seeds: [1], budget: { epochs: 1, trainBatch: 8 }, runtime: { testBatch: 4, workers: 0, backend: 'wasm' as const } };
    const t4 = path.join(root, 't4');
    const table4 = await runExperiment({ ...common, name: 'table4', outDir: t4 });
    assert.equal(table4.summaries.length, 12);
    const dropout = (await readRecord(t4, 'tiny_resnet-8_dropout-0.05')).spec;
    assert.deepEqual([dropout.convDropout, dropout.p, dropout.noise], [0.05, 0, undefined]);
    const noise = (await readRecord(t4, 'tiny_resnet-8_noise-0.2')).spec;
    assert.deepEqual([noise.noise, noise.convDropout, noise.p], [0.2, 0, 0]);
    const t5 = path.join(root, 't5');
    const table5 = await runExperiment({ ...common, name: 'table5', outDir: t5 });
    assert.deepEqual(table5.summaries.map((s) => s.run.variant), ['None', 'RF', 'RC', 'RF+RC', 'RE', 'RF+RE', 'RC+RE', 'RF+RC+RE']);
    const none = (await readRecord(t5, 'tiny_resnet-8_none')).spec;
    assert.deepEqual([none.flip, none.crop, none.p], [false, false, 0]);
    const all = (await readRecord(t5, 'tiny_resnet-8_rf-rc-re')).spec;
    assert.deepEqual([all.flip, all.crop, all.p], [true, true, 0.5]);
    const md = await readFile(path.join(t5, 'results.md'), 'utf8');
    assert.equal((md.match(/^\| tiny \| ResNet-8 \|/gm) ?? []).length, 8);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
