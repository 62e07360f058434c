import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { OptionError } from '../../src/core/validate.js';
import { loadScenes } from '../../src/data/detection/scenes.js';
import { buildCenterNet } from '../../src/models/index.js';
import { setupBackend } from '../../src/tf/backend.js';
import { tf } from '../../src/tf/tf.js';
import { CheckpointError, loadCheckpoint } from '../../src/train/checkpoint.js';
import { detectionSource, SceneAugmenter } from '../../src/train/detection/detector-data.js';
import { detectAll, scoreDetections } from '../../src/train/detection/detector-eval.js';
import { detectorStep } from '../../src/train/detection/detector-passes.js';
import { completeDetectorSpec, detectorSpecHash, type DetectorSpec } from '../../src/train/detection/detector-spec.js';
import { loadDetectorCheckpoint } from '../../src/train/detection/detector-state.js';
import { trainDetector, type DetectorData } from '../../src/train/detection/detector-trainer.js';
import { readWeights } from '../../src/train/model-state.js';
import { Sgd } from '../../src/train/sgd.js';
import { tempDir } from './fixtures.js';

await setupBackend({ backend: 'wasm' });

/**
 * SGD steps on the 8 scenes: enough to memorise them on either wasm path. With the native kernels
 * (float gradients closer to cpu's) the box size of one scene's only class-2 item is learned last,
 * after some 600 steps.
 */
const STEPS = 800;

test('the detector overfits a few scenes: AP50 > 0.9 on its own training scenes', async () => {
  const scenes = await loadScenes({ split: 'train', count: 8, seed: 3 });
  const model = buildCenterNet({ numClasses: 10, inputShape: [64, 64, 1], width: 8, seed: 1, normalize: { mean: 0.2, std: 0.25 } });
  const sgd = new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: 0.9, weightDecay: 0, nesterov: false });
  const source = detectionSource({ dataset: scenes, batchSize: 8, augment: new SceneAugmenter({ erasing: 'none', flip: false }), seed: 1 });
  const before = tf.memory().numTensors;
  let last = { count: 0, loss: 0, heatmap: 0, size: 0, offset: 0 };
  for (let step = 0; step < STEPS; step++) {
    for (const batch of source.epoch(step)) last = await detectorStep(model, sgd, batch, 0.05, 10, { count: 0, loss: 0, heatmap: 0, size: 0, offset: 0 });
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors leak across steps');
  assert.ok(last.loss / last.count < 0.3, `final loss ${last.loss / last.count}`);
  const scores = scoreDetections(scenes, await detectAll(model, scenes, 8));
  assert.ok(scores.ap50 > 0.9, `AP50 ${scores.ap50}`);
  assert.ok(scores.voc07 > 0.9, `VOC07 AP50 ${scores.voc07}`);
  sgd.dispose();
  model.dispose();
});

let data: DetectorData;
const spec = (extra: DetectorSpec = {}): DetectorSpec => ({ seed: 4, width: 4, epochs: 3, trainBatch: 4, lr: 0.05, erasing: 'image+object', ...extra });

/** A signal that reads as aborted from its `after`-th check on (checked at each epoch start and after each batch). */
function abortAfter(after: number): AbortSignal {
  let checks = 0;
  return { get aborted() {
    return ++checks >= after;
  } } as AbortSignal;
}

test.before(async () => {
  const [train, test] = await Promise.all([loadScenes({ split: 'train', count: 12, seed: 2 }), loadScenes({ split: 'test', count: 6, seed: 2 })]);
  data = { train, test };
});

test('a run writes its files; interrupted mid-epoch and resumed it ends as an uninterrupted run', async () => {
  const whole = await tempDir('re-det-');
  const parts = await tempDir('re-det-');
  try {
    const before = tf.memory().numTensors;
    const full = await trainDetector({ spec: spec(), runtime: { checkpoint: whole } }, { data, keepModel: true });
    assert.equal(full.epochs, 3);
    const log = (await readFile(`${whole}/log.txt`, 'utf8')).split('\n');
    assert.equal(log[0], 'Learning Rate\tTrain Loss\tValid Loss\tValid AP\tValid AP50\tValid VOC07 AP50\t');
    assert.equal(log.length, 5);
    assert.match(log[1], /^(-?\d+\.\d{6}\t){6}$/);
    const metrics = (await readFile(`${whole}/metrics.jsonl`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(metrics.map((m) => m.epoch), [1, 2, 3]);
    assert.ok(metrics.every((m) => m.testAp >= 0 && m.testAp50 >= m.testAp && Number.isFinite(m.trainLoss)));
    assert.equal(full.bestAp, Math.max(...metrics.map((m) => m.testAp)));
    const config = JSON.parse(await readFile(`${whole}/config.json`, 'utf8'));
    assert.deepEqual(config.spec, completeDetectorSpec(spec()));
    assert.equal(config.runId, detectorSpecHash(completeDetectorSpec(spec())));
    assert.equal(config.model.name, 'centernet-w4-b1');
    assert.ok((await readFile(`${whole}/curves.png`)).length > 1000);
    await loadDetectorCheckpoint(`${whole}/model_best.ckpt`);

    // Stopped after the 2nd batch of epoch 2 (checks: epoch 1 start, 3 batches, epoch 2 start, 2 batches).
    const stopped = await trainDetector({ spec: spec(), runtime: { checkpoint: parts } }, { data, signal: abortAfter(7) });
    assert.equal(stopped.interrupted, true);
    assert.equal(stopped.epochs, 1);
    const saved = await loadDetectorCheckpoint(`${parts}/checkpoint.ckpt`);
    assert.deepEqual([saved.epoch, saved.partial?.batches], [1, 2]);
    const resumed = await trainDetector({ resume: `${parts}/checkpoint.ckpt` }, { data, keepModel: true });
    assert.equal(resumed.interrupted, false);
    const strip = (h: readonly object[]) => h.map((r) => ({ ...r, seconds: 0 }));
    assert.deepEqual(strip(resumed.history), strip(full.history));
    const a = await readWeights(full.model!);
    const b = await readWeights(resumed.model!);
    a.forEach((w, i) => assert.deepEqual(b[i].values, w.values, `weight ${w.name}`));
    full.model!.dispose();
    resumed.model!.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensors leak across runs');

    // The resume rule: the spec stays; more epochs continue it.
    await assert.rejects(
      trainDetector({ resume: `${parts}/checkpoint.ckpt`, spec: { lr: 0.1 } }, { data }),
      (e: unknown) => e instanceof OptionError && e.option === 'lr' && /the checkpoint's run has 0.05, given 0.1/.test(e.problem),
    );
    const longer = await trainDetector({ resume: `${parts}/checkpoint.ckpt`, spec: { epochs: 4, lr: 0.05 } }, { data });
    assert.deepEqual([longer.epochs, longer.spec.epochs], [4, 4]);
    // Each trainer refuses the other's checkpoints, saying which command reads them.
    await assert.rejects(loadCheckpoint(`${parts}/checkpoint.ckpt`), (e: unknown) => e instanceof CheckpointError && /is a random-erasing-detector-checkpoint file, not a random-erasing-checkpoint.*train-detector/.test(e.message));
  } finally {
    await Promise.all([rm(whole, { recursive: true, force: true }), rm(parts, { recursive: true, force: true })]);
  }
});

test('detector specs: defaults, and errors naming the field', () => {
  const complete = completeDetectorSpec({ seed: 1, epochs: 12 });
  assert.deepEqual([complete.erasing, complete.schedule, complete.p], ['none', [8, 10], undefined]);
  const ore = completeDetectorSpec({ seed: 1, erasing: 'object' });
  assert.deepEqual([ore.p, ore.sl, ore.sh, ore.r1], [0.5, 0.02, 0.4, 0.3]);
  const fails = (s: DetectorSpec, field: string, problem: RegExp) =>
    assert.throws(() => completeDetectorSpec(s), (e: unknown) => e instanceof OptionError && e.option === field && problem.test(e.problem));
  fails({}, 'seed', /required/);
  fails({ seed: 1, p: 0.3 }, 'p', /no effect without erasing/);
  fails({ seed: 1, erasing: 'image', sl: 0.5, sh: 0.2 }, 'sl', /<= sh/);
  fails({ seed: 1, erasing: 'both' as 'image' }, 'erasing', /one of none, image, object, image\+object/);
  fails({ seed: 1, threads: 2 } as DetectorSpec, 'threads', /is not a detector option/);
  fails({ seed: 1, trainScenes: 0 }, 'trainScenes', /an integer in \[1, 1000000\]/);
});
