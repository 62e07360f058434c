import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelName, resolveSpec, type ModelSpec } from '../../src/models/spec.js';

const CIFAR = { numClasses: 10, inputShape: [32, 32, 3] as [number, number, number] };

describe('resolveSpec', () => {
  it('fills the reference defaults', () => {
    assert.deepEqual(resolveSpec({ arch: 'wrn', ...CIFAR }), {
      arch: 'wrn',
      depth: 28,
      widenFactor: 10,
      cardinality: 8,
      baseWidth: 64,
      drop: 0,
      convDropout: 0,
      block: 'basic',
      ...CIFAR,
      seed: 0,
    });
    assert.equal(modelName(resolveSpec({ arch: 'resnext', ...CIFAR })), 'resnext29-8x64d');
    assert.equal(modelName(resolveSpec({ arch: 'wrn', ...CIFAR })), 'wrn-28-10');
  });

  it('switches resnet to Bottleneck at depth >= 44 unless a block is forced', () => {
    assert.equal(resolveSpec({ arch: 'resnet', depth: 32, ...CIFAR }).block, 'basic');
    assert.equal(resolveSpec({ arch: 'resnet', depth: 44, ...CIFAR }).block, 'bottleneck');
    assert.equal(resolveSpec({ arch: 'resnet', depth: 110, block: 'basic', ...CIFAR }).block, 'basic');
    assert.equal(resolveSpec({ arch: 'resnet', depth: 20, block: 'bottleneck', ...CIFAR }).block, 'bottleneck');
    assert.equal(modelName(resolveSpec({ arch: 'resnet', depth: 56, ...CIFAR })), 'resnet56');
    assert.equal(modelName(resolveSpec({ arch: 'resnet', depth: 56, block: 'basic', ...CIFAR })), 'resnet56-basic');
  });

  const invalid: Array<[string, Partial<ModelSpec>, RegExp]> = [
    ['unknown arch', { arch: 'vgg' as never }, /model option arch: expected one of resnet, preresnet18, wrn, resnext, got 'vgg'/],
    ['resnet depth not 6n+2', { arch: 'resnet', depth: 21 }, /depth: expected 6n\+2 \(e\.g\. 20\) for resnet, got 21/],
    ['wrn depth not 6n+4', { arch: 'wrn', depth: 26 }, /depth: expected 6n\+4 \(e\.g\. 22\) for wrn, got 26/],
    ['resnext depth not 9n+2', { arch: 'resnext', depth: 28 }, /depth: expected 9n\+2 \(e\.g\. 29\) for resnext, got 28/],
    ['preresnet18 other depth', { arch: 'preresnet18', depth: 34 }, /depth: expected 18 for preresnet18, got 34/],
    ['one class', { arch: 'resnet', numClasses: 1 }, /numClasses: expected an integer >= 2, got 1/],
    ['fractional classes', { arch: 'resnet', numClasses: 2.5 }, /numClasses: expected an integer >= 2, got 2.5/],
    ['bad input shape', { arch: 'resnet', inputShape: [32, 32] as never }, /inputShape: expected \[height, width, channels\]/],
    ['tiny input', { arch: 'resnet', inputShape: [4, 4, 3] }, /inputShape: expected height and width >= 8, got \[4, 4, 3\]/],
    ['drop out of range', { arch: 'wrn', drop: 1 }, /drop: expected a number in \[0, 1\), got 1/],
    ['convDropout negative', { arch: 'resnet', convDropout: -0.1 }, /convDropout: expected a number in \[0, 1\)/],
    ['widenFactor on resnet', { arch: 'resnet', widenFactor: 2 }, /option widenFactor: does not apply to arch 'resnet' \(only to wrn\)/],
    ['drop on resnext', { arch: 'resnext', drop: 0.3 }, /option drop: does not apply to arch 'resnext'/],
    ['block on wrn', { arch: 'wrn', block: 'bottleneck' }, /option block: does not apply to arch 'wrn' \(only to resnet\)/],
    ['bad block', { arch: 'resnet', block: 'wide' as never }, /block: expected one of auto, basic, bottleneck, got 'wide'/],
    ['zero cardinality', { arch: 'resnext', cardinality: 0 }, /cardinality: expected an integer >= 1, got 0/],
    ['bad seed', { arch: 'resnet', seed: -1 }, /seed: expected an integer in \[0, 4294967295\], got -1/],
  ];
  for (const [what, patch, message] of invalid) {
    it(`rejects ${what}`, () => {
      assert.throws(() => resolveSpec({ arch: 'resnet', ...CIFAR, ...patch } as ModelSpec), message);
    });
  }

  it('rejects the ResNeXt group width on other architectures', () => {
    assert.throws(() => resolveSpec({ arch: 'wrn', baseWidth: 32, ...CIFAR }), /option baseWidth: does not apply to arch 'wrn' \(only to resnext\)/);
  });

  it('accepts neutral values of options that do not apply (drop 0, block auto)', () => {
    assert.doesNotThrow(() => resolveSpec({ arch: 'resnet', drop: 0, block: 'auto', ...CIFAR }));
  });
});
