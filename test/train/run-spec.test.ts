import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PRESETS } from '../../src/core/presets.js';
import { RandomErasing } from '../../src/core/random-erasing.js';
import { erasingOf } from '../../src/train/data-source.js';
import { parseModel } from '../../src/experiments/models.js';
import { buildGrid } from '../../src/experiments/grids.js';
import { runSpec, trainExecutor } from '../../src/experiments/train-executor.js';
import { buildModel, trainableParamCount } from '../../src/models/index.js';
import { tf } from '../../src/tf/tf.js';
import { completeRuntime } from '../../src/train/run-runtime.js';
import { completeSpec, modelSpecOf, resumedSpec, specDifferences, specHash } from '../../src/train/run-spec.js';

await tf.setBackend('cpu');

test('a preset gives its values, p included, unless a value is given (item 1)', () => {
  const torchvision = completeSpec({ seed: 1, preset: 'torchvision', p: 0.5 });
  assert.deepEqual([torchvision.p, torchvision.sl, torchvision.sh, torchvision.r1], [0.5, 0.02, 0.33, 0.3]);
  const timm = completeSpec({ seed: 1, preset: 'timm' });
  assert.equal(timm.p, PRESETS.timm.p);
  assert.equal(timm.sh, 1 / 3);
  assert.equal(completeSpec({ seed: 1, preset: 'timm', sh: 0.2 }).sh, 0.2);
  // No preset and no p: the reference scripts' baseline; erasing on: the reference preset's values.
  assert.equal(completeSpec({ seed: 1 }).p, 0);
  assert.deepEqual(completeSpec({ seed: 1, p: 0.5 }), { ...completeSpec({ seed: 1, p: 0.5, preset: 'reference', sl: 0.02, sh: 0.4, r1: 0.3 }) });
  assert.throws(() => completeSpec({ seed: 1, p: 0, sh: 0.3 }), /run option sh: has no effect without erasing \(p is 0\)/);
  assert.throws(() => completeSpec({ seed: 1, preset: 'timm', p: 0 }), /run option preset: has no effect without erasing/);
  // A preset that draws each side on its own has no aspect ratio to give.
  const keras = completeSpec({ seed: 1, preset: 'keras' });
  assert.equal(keras.r1, undefined);
  assert.equal(new RandomErasing(erasingOf(keras)!.preset, erasingOf(keras)!.options).options.sizeSampling, 'per-side');
  assert.throws(() => completeSpec({ seed: 1, preset: 'keras', r1: 0.3 }), /run option r1: has no effect with preset keras/);
});

test('ResNeXt takes its group width; a model option of another architecture is refused (item 2)', () => {
  const choice = parseModel('resnext-29-8-32');
  assert.equal(choice.baseWidth, 32);
  const [run] = buildGrid('table1', { datasets: ['cifar10'], models: [choice] }).runs;
  const spec = completeSpec(runSpec(run, 1, {}));
  assert.deepEqual([spec.cardinality, spec.baseWidth], [8, 32]);
  const narrow = buildModel(modelSpecOf(spec, 10, [32, 32, 3]));
  const wide = buildModel(modelSpecOf(completeSpec({ seed: 1, arch: 'resnext' }), 10, [32, 32, 3]));
  assert.equal(narrow.name, 'resnext29-8x32d');
  assert.ok(trainableParamCount(narrow) < trainableParamCount(wide) / 2, 'the 8x32d model is the narrower one');
  narrow.dispose();
  wide.dispose();
  assert.throws(() => completeSpec({ seed: 1, arch: 'resnext', widenFactor: 8 }), /model option widenFactor: does not apply to arch 'resnext' \(only to wrn\)/);
  assert.throws(() => completeSpec({ seed: 1, arch: 'resnet', widenFactor: 4 }), /model option widenFactor: does not apply to arch 'resnet'/);
  assert.throws(() => completeSpec({ seed: 1, arch: 'wrn', baseWidth: 4 }), /model option baseWidth: does not apply to arch 'wrn' \(only to resnext\)/);
  assert.equal(completeSpec({ seed: 1, arch: 'wrn' }).widenFactor, 10);
  assert.equal(completeSpec({ seed: 1 }).widenFactor, undefined, 'no WRN option on a ResNet spec');
});

test('the threads are a runtime setting: not in the spec or its hash; the micro-batch is in both (item 3)', () => {
  const spec = completeSpec({ seed: 1, microBatch: 32 });
  assert.ok(!('threads' in spec));
  assert.notEqual(specHash(spec), specHash(completeSpec({ seed: 1, microBatch: 64 })));
  assert.equal(completeRuntime({ threads: 2 }).threads, 2);
  assert.throws(() => completeRuntime({ threads: 0 }), /run option threads: expected an integer >= 1, got 0/);
  assert.throws(() => completeSpec({ seed: 1, threads: 2 } as never), /run option threads: is not a run option/);
});

test('a resumed spec is the checkpoint\'s; only epochs may change (item 4)', () => {
  const saved = completeSpec({ seed: 4, preset: 'torchvision', epochs: 10 });
  assert.deepEqual(resumedSpec(saved, {}, 3), saved);
  assert.equal(resumedSpec(saved, { epochs: 20 }, 3).epochs, 20);
  assert.deepEqual(resumedSpec(saved, { preset: 'torchvision', sh: 0.33, dataset: 'fashionmnist' }, 3), saved);
  assert.throws(() => resumedSpec(saved, { sh: 0.4 }, 3), /run option sh: the checkpoint's run has 0\.33, given 0\.4/);
  assert.throws(() => resumedSpec(saved, { epochs: 2 }, 3), /run option epochs: expected an integer >= 3, got 2/);
});

test('datasets are stored by canonical name; a grid rerun with another spelling is the same run (item 5)', () => {
  assert.equal(completeSpec({ seed: 1, dataset: 'fashionmnist' }).dataset, 'fashion-mnist');
  assert.equal(completeSpec({ seed: 1, dataset: 'CIFAR-10' }).dataset, 'cifar10');
  assert.equal(completeSpec({ seed: 1, dataset: 'some/folder' }).dataset, path.resolve('some/folder'));
  const describe = (dataset: string) => {
    const [run] = buildGrid('table1', { datasets: [dataset], models: [parseModel('resnet-20')] }).runs;
    return { id: run.id, spec: trainExecutor({ budget: { epochs: 2 } }).describe(run, 1) };
  };
  const a = describe('fashionmnist');
  const b = describe('fashion-mnist');
  assert.equal(a.id, b.id);
  assert.equal(specHash(a.spec), specHash(b.spec));
});

test('completing is idempotent, the hash stable and sensitive to every computation field', () => {
  const spec = completeSpec({ seed: 9, arch: 'wrn', depth: 16, widenFactor: 2, p: 0.5, noise: 0.1, trainSubset: 100 });
  assert.deepEqual(completeSpec(spec), spec);
  assert.equal(specHash(spec), specHash(completeSpec(spec)));
  assert.match(specHash(spec), /^[0-9a-f]{16}$/);
  for (const change of [{ lr: 0.2 }, { seed: 10 }, { widenFactor: 4 }, { sh: 0.3 }, { flip: false }, { trainSubset: 101 }, { microBatch: 32 }]) {
    const other = completeSpec({ ...spec, ...change });
    assert.notEqual(specHash(other), specHash(spec), JSON.stringify(change));
    assert.deepEqual(specDifferences(spec, other), Object.keys(change));
  }
  assert.throws(() => completeSpec({}), /run option seed: is required/);
  assert.throws(() => completeSpec({ seed: 1, lr: 0 }), /run option lr: expected a number > 0, got 0/);
  assert.throws(() => completeSpec({ seed: 1, lrate: 0.1 } as never), /run option lrate: is not a run option/);
});
