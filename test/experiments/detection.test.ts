import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { loadScenes } from '../../src/data/detection/scenes.js';
import { runDetectionExperiment } from '../../src/experiments/detection-experiment.js';
import { DETECTION_ARMS, DETECTION_IDENTITY, type DetectionArm, type DetectionOutcome, type DetectionRunSpec } from '../../src/experiments/detection-grid.js';
import { summarizeDetection, writeDetectionReport } from '../../src/experiments/detection-report.js';
import { runGrid, type GridExecutor } from '../../src/experiments/runner.js';
import { GridInterrupted } from '../../src/experiments/train-executor.js';
import { setupBackend } from '../../src/tf/backend.js';
import { completeDetectorSpec } from '../../src/train/detection/detector-spec.js';
import { loadDetectorCheckpoint } from '../../src/train/detection/detector-state.js';
import type { DetectorData } from '../../src/train/detection/detector-trainer.js';
import { tempDir } from '../train/fixtures.js';

const LEVELS = [0, 0.3];

/** A fake executor: scores from the arm's index and the seed; fails at a chosen call, as a crash would. */
function fakeExecutor(epochs: number, levels = LEVELS, failAtCall = -1): GridExecutor<DetectionArm, DetectionRunSpec, DetectionOutcome> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    describe: (arm, seed) => ({ detector: completeDetectorSpec({ erasing: arm.erasing, seed, epochs }), scoring: { levels, occlusionSeed: 0 } }),
    async execute(arm, seed, dir) {
      calls.push(`${arm.id}/${seed}`);
      if (calls.length === failAtCall) throw new Error('crashed');
      const rank = DETECTION_ARMS.indexOf(arm);
      const scores = levels.map((level) => {
        const ap50 = 0.4 + 0.05 * rank + 0.01 * seed - level / 2;
        return { level, ap: ap50 / 2, ap50, ap75: ap50 / 4, voc07: ap50 + 0.01, precision50: Array.from({ length: 101 }, (_, r) => Math.max(0, ap50 + 0.3 - r / 100)) };
      });
      return { epochs, checkpoint: path.join(dir, 'checkpoint.ckpt'), scores };
    },
  };
}

test('the detection grid resumes after a crash and refuses finished runs of another spec, naming the fields', async () => {
  const out = await tempDir('re-detgrid-');
  try {
    const grid = (executor: ReturnType<typeof fakeExecutor>) => runGrid({ runs: DETECTION_ARMS, seeds: [1, 2], outDir: out, executor, identity: DETECTION_IDENTITY });
    const first = fakeExecutor(2, LEVELS, 4);
    await assert.rejects(grid(first), /crashed/);
    const second = fakeExecutor(2);
    const records = await grid(second);
    assert.deepEqual(second.calls, ['detection_ire/2', 'detection_ore/1', 'detection_ore/2', 'detection_i-ore/1', 'detection_i-ore/2']);
    assert.equal(records.length, 8);
    await assert.rejects(grid(fakeExecutor(3)), /holds a finished run of another spec \(epochs: 2 then, 3 now; schedule: \[1\] then, \[2\] now\)/);
    await assert.rejects(grid(fakeExecutor(2, [0, 0.5])), /another spec \(levels: \[0,0.3\] then, \[0,0.5\] now\)/);

    const summaries = summarizeDetection(DETECTION_ARMS, LEVELS, records);
    const ore = summaries.find((s) => s.arm.label === 'ORE' && s.level === 0.3)!;
    assert.ok(Math.abs(ore.ap50.mean - 100 * (0.4 + 0.1 + 0.015 - 0.15)) < 1e-9);
    assert.ok(Math.abs((ore.ap50.std ?? 0) - 100 * 0.01 * Math.SQRT1_2) < 1e-9);
    const files = await writeDetectionReport(out, DETECTION_ARMS, LEVELS, records, { title: 'Detection', budget: 'tiny', occludedLevel: 0.3 });
    const md = await readFile(files.markdown, 'utf8');
    assert.match(md, /## Clean test scenes\n\n\| Arm \| Seeds \| COCO AP % \| AP50 % \| VOC07 AP50 % \|/);
    assert.match(md, /\| I\+ORE \| 2 \| 28\.25 ± 0\.35 \| 56\.50 ± 0\.71 \| 57\.50 ± 0\.71 \|/);
    assert.match(md, /## Occluded test scenes \(30 % of each scene's area\)/);
    const summary = (await readFile(files.summaryCsv, 'utf8')).trim().split('\n');
    assert.equal(summary[0], 'id,arm,level,seeds,ap_mean,ap_std,ap50_mean,ap50_std,voc07_mean,voc07_std');
    assert.equal(summary.length, 1 + 8);
    assert.equal((await readFile(files.runsCsv, 'utf8')).trim().split('\n').length, 1 + 16);
    assert.match(await readFile(files.occlusion.markdown, 'utf8'), /\| 0\.30 \| 26\.50 ± 0\.71 \| 31\.50 ± 0\.71 \| 36\.50 ± 0\.71 \| 41\.50 ± 0\.71 \|/);
    for (const png of [files.chart.png, files.occlusion.chart.png]) assert.ok((await readFile(png)).length > 5000);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('the experiment trains every arm on tiny scenes, stops at Ctrl-C with a checkpoint, and resumes', async () => {
  await setupBackend({ backend: 'wasm' });
  const [train, testSet] = await Promise.all([loadScenes({ split: 'train', count: 8, seed: 1 }), loadScenes({ split: 'test', count: 4, seed: 1 })]);
  const data: DetectorData = { train, test: testSet };
  const out = await tempDir('re-detexp-');
  const options = { seeds: [1], outDir: out, budget: { width: 4, epochs: 2, trainBatch: 4 }, scoring: { levels: LEVELS, occlusionSeed: 3 }, data };
  try {
    // The signal is read at each epoch start and after each batch (2 an epoch): 6 reads an arm, so the
    // 15th is the third arm's (ORE) third, after the first batch of its first epoch.
    let checks = 0;
    const signal = { get aborted() {
      return ++checks >= 15;
    } } as AbortSignal;
    const lines: string[] = [];
    await assert.rejects(runDetectionExperiment({ ...options, signal, log: (l) => lines.push(l) }), (e: unknown) => e instanceof GridInterrupted && /holds a checkpoint/.test(e.message));
    assert.ok(lines.some((l) => /\[2\/4\] detection_ire seed 1: AP \d+\.\d\d, AP50/.test(l)), lines.join('\n'));
    const stopped = await loadDetectorCheckpoint(path.join(out, 'runs', 'detection_ore', 'seed-1', 'checkpoint.ckpt'));
    assert.equal(stopped.spec.erasing, 'object');
    const resumed: string[] = [];
    const result = await runDetectionExperiment({ ...options, log: (l) => resumed.push(l) });
    assert.ok(resumed.some((l) => /\[1\/4\] detection_baseline seed 1: finished earlier, skipped/.test(l)));
    assert.ok(!resumed.some((l) => /\[2\/4\].*training/.test(l)));
    assert.equal(result.summaries.length, 8);
    const record = JSON.parse(await readFile(path.join(out, 'runs', 'detection_ore', 'seed-1', 'result.json'), 'utf8'));
    assert.deepEqual([record.outcome.epochs, record.outcome.scores.map((s: { level: number }) => s.level)], [2, LEVELS]);
    assert.equal(record.runId, DETECTION_IDENTITY.hash(record.spec));
    for (const s of record.outcome.scores) assert.ok(s.ap50 >= 0 && s.ap50 <= 1 && s.precision50.length === 101);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
