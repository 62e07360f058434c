/**
 * Trainable parameter counts against the reference PyTorch definitions (figures of the models issue,
 * computed with the reference code). Every model is built for real (weights allocated and
 * initialised) on the cpu backend; the largest take about a second each.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildModel, trainableParamCount } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { tf } from '../../src/tf/tf.js';

type Arch = Pick<ModelSpec, 'arch' | 'depth' | 'widenFactor'>;
const DATASETS = [
  { name: 'CIFAR-10', numClasses: 10, inputShape: [32, 32, 3] },
  { name: 'CIFAR-100', numClasses: 100, inputShape: [32, 32, 3] },
  { name: 'Fashion-MNIST', numClasses: 10, inputShape: [28, 28, 1] },
] as const;

const EXPECTED: Array<[string, Arch, [number, number, number]]> = [
  ['resnet20', { arch: 'resnet', depth: 20 }, [272_474, 278_324, 272_186]],
  ['resnet32', { arch: 'resnet', depth: 32 }, [466_906, 472_756, 466_618]],
  ['resnet44', { arch: 'resnet', depth: 44 }, [684_058, 707_188, 683_770]],
  ['resnet56', { arch: 'resnet', depth: 56 }, [869_530, 892_660, 869_242]],
  ['resnet110', { arch: 'resnet', depth: 110 }, [1_704_154, 1_727_284, 1_703_866]],
  ['wrn-28-10', { arch: 'wrn', depth: 28, widenFactor: 10 }, [36_479_194, 36_536_884, 36_478_906]],
  ['preresnet18', { arch: 'preresnet18' }, [11_172_170, 11_218_340, 11_171_018]],
  ['resnext29-8x64d', { arch: 'resnext' }, [34_426_698, 34_518_948, 34_425_546]],
];

describe('parameter counts equal the reference definitions', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const [name, arch, counts] of EXPECTED) {
    it(`${name}: CIFAR-10 ${counts[0]}, CIFAR-100 ${counts[1]}, Fashion-MNIST ${counts[2]}`, () => {
      DATASETS.forEach((dataset, i) => {
        const model = buildModel({ ...arch, numClasses: dataset.numClasses, inputShape: [...dataset.inputShape] });
        try {
          assert.equal(model.name, name);
          assert.equal(trainableParamCount(model), counts[i], `${name} on ${dataset.name}`);
          assert.deepEqual(model.outputs[0].shape, [null, dataset.numClasses]);
          assert.deepEqual(model.inputs[0].shape, [null, ...dataset.inputShape]);
        } finally {
          model.dispose();
        }
      });
    });
  }

  it('the BasicBlock option at depth 56 gives the 6n+2 BasicBlock count (9 blocks per stage)', () => {
    const model = buildModel({ arch: 'resnet', depth: 56, block: 'basic', numClasses: 10, inputShape: [32, 32, 3] });
    // resnet20 has 3 blocks per stage; each extra basic block adds 2 * 9 * c^2 weights + 4c BN params.
    const perBlock = [16, 32, 64].reduce((sum, c) => sum + 18 * c * c + 4 * c, 0);
    assert.equal(trainableParamCount(model), 272_474 + 6 * perBlock);
    model.dispose();
  });
});
