import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { tf } from '../../src/tf/tf.js';
import { CheckpointError, loadCheckpoint } from '../../src/train/checkpoint.js';
import { NonFiniteLossError, type BatchSource } from '../../src/train/passes.js';
import { completeSpec, specHash, type RunSpec } from '../../src/train/run-spec.js';
import type { TrainRequest } from '../../src/train/run-request.js';
import { train, type TrainHooks } from '../../src/train/trainer.js';
import { WriteError } from '../../src/train/atomic-write.js';
import { tempDir, tinyData, tinyModel } from './fixtures.js';

await tf.setBackend('cpu');

const spec = (extra: RunSpec = {}): RunSpec => ({ seed: 7, epochs: 3, schedule: [2], lr: 0.05, weightDecay: 1e-3, nesterov: true, ...extra });
const config = (dir: string, extra: RunSpec = {}, resume?: string): TrainRequest => ({ spec: spec(extra), runtime: { checkpoint: dir }, ...(resume ? { resume } : {}) });
const hooks = (extra: Partial<TrainHooks> = {}): TrainHooks => ({ data: tinyData(), buildModel: () => tinyModel(), ...extra });

/** Wrap a source so `onBatch(epoch, index)` runs as each batch is handed out. */
function tap(source: BatchSource, onBatch: (epoch: number, index: number) => void): BatchSource {
  return {
    batchesPerEpoch: source.batchesPerEpoch,
    async *epoch(e) {
      let i = 0;
      for await (const batch of source.epoch(e)) {
        onBatch(e, i++);
        yield batch;
      }
    },
  };
}

const stripTimes = (history: readonly object[]) => history.map((r) => ({ ...r, seconds: 0 }));

test('a run writes every artifact, well-formed', async () => {
  const dir = await tempDir();
  const before = tf.memory().numTensors;
  const result = await train(config(dir), hooks());
  assert.equal(tf.memory().numTensors, before, 'no tensors leak across a run');
  assert.equal(result.epochs, 3);
  assert.equal(result.interrupted, false);

  const log = (await readFile(`${dir}/log.txt`, 'utf8')).split('\n');
  assert.equal(log[0], 'Learning Rate\tTrain Loss\tValid Loss\tTrain Acc.\tValid Acc.\t');
  assert.equal(log.length, 5);
  const lrs = log.slice(1, 4).map((line) => Number(line.split('\t')[0]));
  assert.deepEqual(lrs, [0.05, 0.05, 0.005]);
  for (const line of log.slice(1, 4)) assert.match(line, /^(\d+\.\d{6}\t){5}$/);

  const metrics = (await readFile(`${dir}/metrics.jsonl`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(metrics.map((m) => m.epoch), [1, 2, 3]);
  assert.deepEqual(stripTimes(metrics), stripTimes(result.history));
  assert.equal(result.bestAcc, Math.max(...metrics.map((m) => m.testTop1)));
  assert.ok(metrics.every((m) => m.testTop5 >= m.testTop1 && Number.isFinite(m.trainLoss)));

  const description = JSON.parse(await readFile(`${dir}/config.json`, 'utf8'));
  assert.deepEqual(description.spec, completeSpec(spec()));
  assert.equal(description.runId, specHash(completeSpec(spec())));
  assert.equal(result.runId, description.runId);
  assert.equal(description.erasing, null);
  assert.equal((await readFile(`${dir}/seed.txt`, 'utf8')).trim(), '7');
  const png = PNG.sync.read(await readFile(`${dir}/curves.png`));
  assert.ok(png.width > 400 && png.height > 200);
  assert.match(await readFile(`${dir}/curves.svg`, 'utf8'), /^<svg[^>]*>.*Accuracy/s);

  const last = await loadCheckpoint(`${dir}/checkpoint.ckpt`);
  assert.equal(last.epoch, 3);
  assert.equal(last.partial, null);
  assert.equal(last.optimizerSteps, 9);
  const best = await loadCheckpoint(`${dir}/model_best.ckpt`);
  const bestEpoch = metrics.findIndex((m) => m.testTop1 === result.bestAcc) + 1;
  assert.equal(best.epoch, bestEpoch);
});

for (const dropout of [0, 0.3]) {
  test(`a run interrupted mid-epoch and resumed ends with the same weights as an uninterrupted one (dropout ${dropout})`, async () => {
    const model = () => tinyModel(dropout);
    const whole = await tempDir();
    await train(config(whole), hooks({ buildModel: model }));

    const split = await tempDir();
    const stop = new AbortController();
    const data = tinyData();
    const interrupted = await train(config(split), {
      ...hooks({ signal: stop.signal, buildModel: model }),
      data: { ...data, train: tap(data.train, (e, i) => e === 1 && i === 1 && stop.abort()) },
    });
    assert.equal(interrupted.interrupted, true);
    const mid = await loadCheckpoint(`${split}/checkpoint.ckpt`);
    assert.equal(mid.epoch, 1);
    assert.equal(mid.partial?.batches, 2);
    assert.equal(mid.dropoutRng.length, dropout > 0 ? 1 : 0);

    const resumed = await train(config(split, {}, `${split}/checkpoint.ckpt`), hooks({ buildModel: model }));
    assert.equal(resumed.interrupted, false);
    const a = await loadCheckpoint(`${whole}/checkpoint.ckpt`);
    const b = await loadCheckpoint(`${split}/checkpoint.ckpt`);
    assert.equal(b.weights.length, a.weights.length);
    a.weights.forEach((w, i) => assert.deepEqual(b.weights[i].values, w.values, `weight ${w.name}`));
    a.optimizer.forEach((m, i) => assert.deepEqual(b.optimizer[i].values, m.values, `momentum ${i}`));
    assert.deepEqual(stripTimes(b.history), stripTimes(a.history));
    assert.equal(await readFile(`${split}/log.txt`, 'utf8'), await readFile(`${whole}/log.txt`, 'utf8'));
  });
}

test('resume from an epoch boundary can extend the run with more epochs', async () => {
  const whole = await tempDir();
  await train(config(whole), hooks());
  const split = await tempDir();
  await train(config(split, { epochs: 2 }), hooks());
  const resumed = await train(config(split, { epochs: 3 }, `${split}/checkpoint.ckpt`), hooks());
  assert.equal(resumed.epochs, 3);
  const a = await loadCheckpoint(`${whole}/checkpoint.ckpt`);
  const b = await loadCheckpoint(`${split}/checkpoint.ckpt`);
  a.weights.forEach((w, i) => assert.deepEqual(b.weights[i].values, w.values));
});

test('a NaN loss stops the run with a clear error and keeps the last good checkpoint', async () => {
  const dir = await tempDir();
  const data = tinyData();
  const poisoned: BatchSource = {
    batchesPerEpoch: data.train.batchesPerEpoch,
    async *epoch(e) {
      for await (const batch of data.train.epoch(e)) yield e === 1 ? { ...batch, x: batch.x.map(() => NaN) } : batch;
    },
  };
  await assert.rejects(train(config(dir), hooks({ data: { ...data, train: poisoned } })), (error: unknown) => {
    assert.ok(error instanceof NonFiniteLossError);
    assert.match(error.message, /loss became NaN at epoch 2, batch 1/);
    return true;
  });
  const kept = await loadCheckpoint(`${dir}/checkpoint.ckpt`);
  assert.equal(kept.epoch, 1);
  assert.ok(kept.weights.every((w) => w.values.every(Number.isFinite)));
});

test('a failed checkpoint write is reported and the previous checkpoint stays intact', async () => {
  const dir = await tempDir();
  const blockNextWrite = async () => {
    // A directory where the temporary file must go makes the next write fail.
    await mkdir(`${dir}/checkpoint.ckpt.tmp`);
  };
  await assert.rejects(train(config(dir), hooks({ onEpoch: blockNextWrite })), (error: unknown) => {
    assert.ok(error instanceof WriteError);
    assert.match(error.message, /checkpoint\.ckpt.*previous file, if any, is unchanged/);
    return true;
  });
  const kept = await loadCheckpoint(`${dir}/checkpoint.ckpt`);
  assert.equal(kept.epoch, 1);
});

test('a corrupt, truncated or foreign checkpoint is refused with a clear error', async () => {
  const dir = await tempDir();
  await train(config(dir, { epochs: 1 }), hooks());
  const bytes = await readFile(`${dir}/checkpoint.ckpt`);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['flipped', Uint8Array.from(bytes, (b, i) => (i === bytes.length - 3 ? b ^ 0xff : b)), /checksum mismatch/],
    ['truncated', bytes.subarray(0, bytes.length - 10), /truncated/],
    ['foreign', new TextEncoder().encode('{"not": "a checkpoint"}'), /bad magic bytes/],
  ];
  for (const [name, content, message] of cases) {
    const file = `${dir}/${name}.ckpt`;
    await writeFile(file, content);
    await assert.rejects(train(config(dir, {}, file), hooks()), (error: unknown) => {
      assert.ok(error instanceof CheckpointError, name);
      assert.match(error.message, new RegExp(`${name}\\.ckpt`));
      assert.match(error.message, message);
      return true;
    });
  }
  await assert.rejects(loadCheckpoint(`${dir}/missing.ckpt`), /missing\.ckpt: cannot be read/);
});

test('the one resume rule: the checkpoint\'s spec, its epochs unless given; a changed value is refused naming it', async () => {
  const dir = await tempDir();
  await train(config(dir, { epochs: 1 }), hooks());
  const file = `${dir}/checkpoint.ckpt`;
  // Through the API with no spec, the run keeps the checkpoint's 1 epoch (not the 300 of the defaults).
  const kept = await train({ resume: file }, hooks());
  assert.equal(kept.spec.epochs, 1);
  assert.equal(kept.epochs, 1);
  assert.deepEqual(kept.spec, completeSpec(spec({ epochs: 1 })));
  await assert.rejects(train({ resume: file, spec: { lr: 0.5 } }, hooks()), /run option lr: the checkpoint's run has 0\.05, given 0\.5; a resumed run keeps the settings it started with/);
  await assert.rejects(train({ resume: file, spec: { epochs: 0 } }, hooks()), /run option epochs: expected an integer >= 1, got 0/);
  const extended = await train({ resume: file, spec: { epochs: 2, lr: 0.05 } }, hooks());
  assert.equal(extended.epochs, 2);
});
