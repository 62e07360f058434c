/** The build-time sample images of the playground: Fashion-MNIST when installed, else the synthetic set. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fashionMnistSamples } from '../../web/build/samples-plugin.js';
import { colourScene, syntheticShapes } from '../../web/build/synthetic.js';

const HAS_FASHION = existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');

test('synthetic fallback: distinct 28x28 grayscale shapes on black, each covering 10% to 70% of the image', () => {
  const shapes = syntheticShapes();
  assert.ok(shapes.length >= 4);
  const seen = new Set<string>();
  for (const s of shapes) {
    assert.deepEqual([s.height, s.width, s.channels, s.pixels.length], [28, 28, 1, 784]);
    const covered = s.pixels.filter((v) => v > 0).length / s.pixels.length;
    assert.ok(covered > 0.1 && covered < 0.7, `${s.name} covers ${covered}`);
    seen.add(Buffer.from(s.pixels).toString('base64'));
  }
  assert.equal(seen.size, shapes.length, 'every shape differs');
});

test('colour scene: 96x96 RGB with red, green and blue objects', () => {
  const scene = colourScene();
  assert.deepEqual([scene.height, scene.width, scene.channels], [96, 96, 3]);
  const colours = new Set<string>();
  for (let i = 0; i < scene.pixels.length; i += 3) colours.add(scene.pixels.subarray(i, i + 3).join(','));
  for (const c of ['220,50,40', '40,170,70', '40,80,210']) assert.ok(colours.has(c), `colour ${c} present`);
});

test('Fashion-MNIST samples: the first test image of each class', { skip: HAS_FASHION ? false : 'dataset-fashion-mnist not installed' }, async () => {
  const samples = await fashionMnistSamples();
  assert.ok(samples);
  assert.deepEqual(samples.map((s) => s.label), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const s of samples) {
    assert.deepEqual([s.height, s.width, s.channels, s.pixels.length], [28, 28, 1, 784]);
    assert.match(s.name, /\(test #\d+\)$/);
  }
});
