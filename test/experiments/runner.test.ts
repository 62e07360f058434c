import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildGrid, parseModels } from '../../src/experiments/grids.js';
import { runGrid, type GridExecutor, type RunOutcome } from '../../src/experiments/runner.js';
import { summarizeGrid, writeGridReport } from '../../src/experiments/report.js';
import type { GridRun } from '../../src/experiments/grids.js';
import { completeSpec } from '../../src/train/run-spec.js';

/** A fake trainer: error depends on the run and seed; can fail at a chosen call to simulate a crash. */
function fakeExecutor(epochs: number, failAtCall = -1): GridExecutor & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    describe: (run: GridRun, seed: number) => completeSpec({ dataset: run.dataset, seed, epochs, p: run.settings.erasing ? 0.5 : 0 }),
    async execute(run, seed, dir): Promise<RunOutcome> {
      calls.push(`${run.id}/${seed}`);
      if (calls.length === failAtCall) throw new Error('interrupted');
      const error = (run.settings.erasing ? 10 : 12) + seed;
      return { finalError: error, bestError: error - 1, epochs, checkpoint: dir };
    },
  };
}

test('a grid interrupted mid-way resumes: finished runs are skipped, the rest run once', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'grid-'));
  try {
    const grid = buildGrid('table1', { datasets: ['fashionmnist'], models: parseModels(['resnet-20']) });
    const first = fakeExecutor(2, 3);
    await assert.rejects(runGrid({ runs: grid.runs, seeds: [1, 2], outDir: out, executor: first }), /interrupted/);
    assert.equal(first.calls.length, 3);
    const second = fakeExecutor(2);
    const skipped: string[] = [];
    const records = await runGrid({
      runs: grid.runs,
      seeds: [1, 2],
      outDir: out,
      executor: second,
      onEvent: (e) => e.type === 'skip' && skipped.push(`${e.record.id}/${e.record.seed}`),
    });
    assert.deepEqual(skipped, ['fashion-mnist_resnet-20_baseline/1', 'fashion-mnist_resnet-20_baseline/2']);
    assert.deepEqual(second.calls, ['fashion-mnist_resnet-20_re/1', 'fashion-mnist_resnet-20_re/2']);
    assert.equal(records.length, 4);
    const summaries = summarizeGrid(grid, records);
    assert.equal(summaries[0].final.mean, 13.5);
    assert.ok(Math.abs((summaries[0].final.std ?? 0) - Math.SQRT1_2) < 1e-12);
    assert.equal(summaries[1].run.paper?.mean, 4.02);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('a finished run of another spec is reported with the fields that differ, not silently reused', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'grid-'));
  try {
    const grid = buildGrid('table1', { datasets: ['cifar10'], models: parseModels(['resnet-20']) });
    await runGrid({ runs: grid.runs, seeds: [0], outDir: out, executor: fakeExecutor(2) });
    await assert.rejects(
      runGrid({ runs: grid.runs, seeds: [0], outDir: out, executor: fakeExecutor(3) }),
      /holds a finished run of another spec \(epochs: 2 then, 3 now\); use another results folder/,
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('grids list the paper configurations', () => {
  const models = parseModels(['preresnet18']);
  const t4 = buildGrid('table4', { datasets: ['cifar10'], models });
  assert.equal(t4.runs.length, 12);
  assert.deepEqual(
    t4.runs.filter((r) => r.settings.convDropout !== undefined).map((r) => r.settings.convDropout),
    [0.001, 0.005, 0.01, 0.05, 0.1],
  );
  assert.deepEqual(t4.runs.filter((r) => r.settings.noise !== undefined).map((r) => r.settings.noise), [0.01, 0.05, 0.1, 0.2, 0.4]);
  const t5 = buildGrid('table5', { datasets: ['cifar10'], models });
  assert.equal(new Set(t5.runs.map((r) => JSON.stringify(r.settings))).size, 8);
  assert.deepEqual(
    t5.runs.filter((r) => r.paper).map((r) => [r.variant, r.paper?.mean]),
    [['None', 11.31], ['RF', 8.3], ['RC', 6.33], ['RF+RC', 5.17], ['RE', 10.13], ['RF+RE', 7.19], ['RC+RE', 5.21], ['RF+RC+RE', 4.31]],
  );
  assert.deepEqual(
    t4.runs.map((r) => r.paper?.mean),
    [5.17, 4.31, 5.37, 5.48, 5.89, 6.23, 6.38, 5.38, 5.79, 6.13, 6.25, 6.52],
    'every Table 4 row shows the paper figure',
  );
  const elsewhere = buildGrid('table4', { datasets: ['fashionmnist'], models: parseModels(['resnet-20']) });
  assert.ok(elsewhere.runs.slice(2).every((r) => r.paper === undefined), 'Table 4 figures only for its own model and dataset');
  assert.equal(buildGrid('table1', { datasets: ['cifar100'], models: parseModels(['resnext-29-8-64']) }).runs[1].paper?.mean, 18.84);
  assert.throws(() => parseModels(['vgg16']), /--models: unknown model "vgg16"/);
});

test('the report holds CSV, markdown with the budget and paper figures, and a PNG chart', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'grid-'));
  try {
    const grid = buildGrid('table1', { datasets: ['fashionmnist'], models: parseModels(['resnet-20']) });
    const records = await runGrid({ runs: grid.runs, seeds: [3, 4], outDir: out, executor: fakeExecutor(2) });
    const files = await writeGridReport(out, grid, records, '2 epochs, schedule 1');
    const csv = (await readFile(files.runsCsv, 'utf8')).trim().split('\n');
    assert.equal(csv.length, 5);
    assert.equal(csv[0], 'id,dataset,model,variant,seed,error,best_error,epochs,seconds');
    const summary = (await readFile(files.summaryCsv, 'utf8')).trim().split('\n');
    assert.match(summary[1], /^fashion-mnist_resnet-20_baseline,fashion-mnist,ResNet-20,Baseline,3 4,15\.5000,0\.7071,14\.5000,0\.7071,4\.39,0\.08$/);
    const md = await readFile(files.markdown, 'utf8');
    assert.match(md, /Budget: 2 epochs, schedule 1/);
    assert.match(md, /\| fashion-mnist \| ResNet-20 \| Random Erasing \| 2 \| 13\.50 ± 0\.71 \| 12\.50 ± 0\.71 \| 4\.02 ± 0\.07 \|/);
    const png = await readFile(files.chart.png);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.match(await readFile(files.chart.svg, 'utf8'), /<svg/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
