/**
 * Detection data and scoring: scene generation (scenes/s) against an anchor measured in the same
 * run, I+ORE erasing of the same scenes (the augmentation a detector's training applies to every
 * scene every epoch); then COCOeval-exact and VOC07 scoring of 1,000 test scenes with 25 detections
 * each. Best of three rounds, alternating, so machine noise hits both sides alike.
 */
import { availableParallelism, loadavg } from 'node:os';
import { sampleOf } from '../src/core/image.js';
import { ObjectAwareErasing } from '../src/core/object-aware.js';
import { RandomErasing } from '../src/core/random-erasing.js';
import { Rng } from '../src/core/rng.js';
import { generateScenes, loadFashionMnist, type SceneSet } from '../src/data/index.js';
import { evaluateCoco, evaluateVoc07, type Detection } from '../src/train/index.js';

const SCENES = 5000;
const ROUNDS = 3;
const DETECTIONS_PER_SCENE = 25;

function erasePerScene(set: SceneSet): void {
  const eraser = new ObjectAwareErasing({ mode: 'image+object', imageEraser: new RandomErasing('paper'), objectEraser: new RandomErasing('paper') });
  const root = Rng.fromSeed(1);
  set.images.forEach((image, i) => eraser.apply(sampleOf(set.batch, i), image.objects.map((o) => o.box), root.derive(i)));
}

/** A detector's output, roughly: each object found with jitter, the rest false positives, scores random. */
function fakeDetections(set: SceneSet): Detection[] {
  const rng = Rng.fromSeed(2);
  return set.images.flatMap((image, i) => {
    const found = image.objects.map((o) => {
      const [dx, dy] = [rng.normal(), rng.normal()];
      return { image: i, label: o.label, box: { x1: Math.max(0, o.box.x1 + dx), y1: Math.max(0, o.box.y1 + dy), x2: o.box.x2 + dx, y2: o.box.y2 + dy }, score: rng.uniform(0.3, 1) };
    });
    const extra = Array.from({ length: DETECTIONS_PER_SCENE - found.length }, () => {
      const [x, y] = [rng.uniform(0, 48), rng.uniform(0, 48)];
      return { image: i, label: rng.int(0, 9), box: { x1: x, y1: y, x2: x + rng.uniform(4, 16), y2: y + rng.uniform(4, 16) }, score: rng.uniform(0, 0.6) };
    });
    return [...found, ...extra];
  });
}

/** Milliseconds `fn` takes. */
function elapsed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export async function run(): Promise<void> {
  console.log(`nproc ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: figures are pessimistic)`);
  const source = await loadFashionMnist({ split: 'train', download: false });
  let scenes: SceneSet | undefined;
  const times = { generate: Infinity, erase: Infinity };
  for (let r = 0; r < ROUNDS; r++) {
    times.generate = Math.min(times.generate, elapsed(() => (scenes = generateScenes(source, { split: 'train', count: SCENES, seed: r }))));
    times.erase = Math.min(times.erase, elapsed(() => erasePerScene(scenes as SceneSet)));
  }
  const perScene = (ms: number) => (ms * 1000) / SCENES;
  console.log(`| ${SCENES} 64x64 scenes, best of ${ROUNDS} | us/scene | scenes/s |`);
  console.log('|---|---|---|');
  console.log(`| generate (2-4 items, 1-3 fragments, noise) | ${perScene(times.generate).toFixed(1)} | ${((SCENES / times.generate) * 1000).toFixed(0)} |`);
  console.log(`| anchor: I+ORE erasing of the same scenes | ${perScene(times.erase).toFixed(1)} | ${((SCENES / times.erase) * 1000).toFixed(0)} |`);
  console.log(`generation costs ${(times.generate / times.erase).toFixed(2)}x one I+ORE erasing pass`);
  const test = generateScenes(await loadFashionMnist({ split: 'test', download: false }), { split: 'test', count: 1000, seed: 1 });
  const detections = fakeDetections(test);
  const score = { coco: Infinity, voc: Infinity };
  let ap = 0;
  for (let r = 0; r < ROUNDS; r++) {
    score.coco = Math.min(score.coco, elapsed(() => (ap = evaluateCoco(test, detections).stats.ap)));
    score.voc = Math.min(score.voc, elapsed(() => evaluateVoc07(test, detections)));
  }
  console.log(`scoring 1000 scenes, ${detections.length} detections: COCOeval ${score.coco.toFixed(0)} ms (AP ${ap.toFixed(3)}), VOC07 ${score.voc.toFixed(0)} ms`);
}
