/**
 * Our training augmentation is the reference script's, draw for draw: a run's pipeline (crop with zero
 * padding, flip, normalisation, Random Erasing with p 0.5 after normalisation) augments Fashion-MNIST
 * images, recording every random draw it makes; the anchor's own `train_batch` and `reference_erase`
 * (taken from ../shared/anchors/torch_reference_train.py) then run on the same images with those draws
 * (reference_pipeline.py) and must make the same calls and give the same pixels. This pins the pipeline
 * order, the padding value, crop and flip orientation, the normalisation constants, the erased region's
 * size, rounding, fit test and position, and the fill value and its scale; the laws of the draws
 * themselves are tested in test/core. Skipped without python3 with torch, the anchor or Fashion-MNIST.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { loadDataset } from '../../src/data/index.js';
import { buildTransform } from '../../src/data/pipeline.js';
import { completeSpec } from '../../src/train/run-spec.js';
import { trainPipelineOf } from '../../src/train/data-source.js';
import { findTorchPython } from '../models/torch-python.js';
import { fashionMnistPresent } from './torch-steps.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ANCHOR = path.resolve(HERE, '..', '..', '..', 'shared', 'anchors', 'torch_reference_train.py');
const COUNT = 400;

type Draw = { kind: 'float'; value: number } | { kind: 'int'; lo: number; hi: number; value: number };

/** `rng` with its `next` and `int` draws appended to `draws` as they are made. */
function recording(rng: Rng, draws: Draw[]): Rng {
  const next = rng.next.bind(rng);
  const int = rng.int.bind(rng);
  rng.next = () => {
    const value = next();
    draws.push({ kind: 'float', value });
    return value;
  };
  rng.int = (lo: number, hi: number) => {
    const value = int(lo, hi);
    draws.push({ kind: 'int', lo, hi, value });
    return value;
  };
  return rng;
}

const python = findTorchPython();
const skip = python === undefined ? 'no python3 with torch' : !existsSync(ANCHOR) ? `no ${ANCHOR}` : !(await fashionMnistPresent()) ? 'no Fashion-MNIST files' : false;

test('our augmentation equals the reference script\'s given the same draws (crop, flip, normalisation, erasing p 0.5)', { skip }, async (t) => {
  const train = await loadDataset('fashion-mnist', { split: 'train' });
  const config = completeSpec({ seed: 1, dataset: 'fashion-mnist', p: 0.5 });
  const transform = buildTransform(trainPipelineOf(config));
  const size = train.height * train.width;
  const ours = new Float32Array(COUNT * size);
  const draws: Draw[] = [];
  for (let i = 0; i < COUNT; i++) {
    const image = { data: train.images.subarray(i * size, (i + 1) * size), height: train.height, width: train.width, channels: 1, layout: 'hwc' as const };
    ours.set(transform(image, recording(Rng.fromSeed(config.seed).derive(0, i), draws)).data, i * size);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'reference-pipeline-'));
  try {
    const files = ['manifest.json', 'images.u8', 'ours.f32'].map((f) => path.join(dir, f));
    writeFileSync(files[0], JSON.stringify({ count: COUNT, height: train.height, width: train.width, p: config.p, draws }));
    writeFileSync(files[1], train.images.subarray(0, COUNT * size));
    writeFileSync(files[2], Buffer.from(ours.buffer));
    const run = spawnSync(python as string, [path.join(HERE, 'reference_pipeline.py'), ANCHOR, ...files], { encoding: 'utf8' });
    assert.equal(run.status, 0, `reference augmentation failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout) as { maxDifference: number; drawsUsed: number; drawsMade: number; erasedImages: number };
    t.diagnostic(`largest difference ${result.maxDifference}, ${result.erasedImages} of ${COUNT} images erased, ${result.drawsMade} draws`);
    assert.equal(result.drawsUsed, result.drawsMade, 'the reference made as many draws as ours');
    assert.ok(result.erasedImages > 0.4 * COUNT && result.erasedImages < 0.6 * COUNT, `${result.erasedImages} of ${COUNT} images erased`);
    // Ours normalises in float64 and rounds once; the reference rounds to float32 after each operation.
    assert.ok(result.maxDifference <= 1e-6, `largest pixel difference ${result.maxDifference}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
