import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import type { Box } from '../../src/core/object-aware.js';
import { toCocoBox, toVocBox } from '../../src/data/detection/boxes.js';
import { COCO_IOU_THRESHOLDS, COCO_RECALL_POINTS } from '../../src/train/detection/coco-eval.js';
import { boxIou, cocoIou, vocIou } from '../../src/train/detection/iou.js';
import { NUMPY1_BUFFER, numpyMean } from '../../src/train/detection/numpy-mean.js';
import { findPythonWith, pythonsWith } from '../models/torch-python.js';

const torchvisionPython = findPythonWith('torchvision');
const numpyPython = findPythonWith('numpy');
/** A pyenv python3 and the system one may hold different numpy versions: check each. */
const numpyPythons = pythonsWith('numpy');

function randomBoxes(rng: Rng, n: number, integer: boolean): Box[] {
  return Array.from({ length: n }, () => {
    const [a, b, c, d] = [rng.uniform(0, 100), rng.uniform(0, 100), rng.uniform(0, 100), rng.uniform(0, 100)].map((v) => (integer ? Math.floor(v) : v));
    return { x1: Math.min(a, b), y1: Math.min(c, d), x2: Math.max(a, b) + 1, y2: Math.max(c, d) + 1 };
  });
}

function python(exe: string, script: string, input: unknown): unknown {
  const run = spawnSync(exe, ['-c', script], { input: JSON.stringify(input), maxBuffer: 1 << 28 });
  assert.equal(run.status, 0, run.stderr.toString());
  return JSON.parse(run.stdout.toString());
}

describe('box IoU', () => {
  it('plain IoU: overlap, containment, touching and disjoint boxes', () => {
    assert.equal(boxIou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 5, y1: 0, x2: 15, y2: 10 }), 50 / 150);
    assert.equal(boxIou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 2, y1: 2, x2: 7, y2: 7 }), 25 / 100);
    assert.equal(boxIou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 10, y1: 0, x2: 20, y2: 10 }), 0);
    assert.equal(boxIou({ x1: 0, y1: 0, x2: 1, y2: 1 }, { x1: 5, y1: 5, x2: 6, y2: 6 }), 0);
  });

  it('COCO IoU equals the plain IoU on converted boxes, and against a crowd region divides by the detection area', () => {
    const a = { x1: 2, y1: 3, x2: 12, y2: 9 };
    const b = { x1: 0, y1: 0, x2: 8, y2: 20 };
    const [plain, crowd] = [false, true].map((c) => cocoIou([toCocoBox(a)], [toCocoBox(b)], [c])[0]);
    assert.equal(plain, boxIou(a, b));
    assert.equal(crowd, (6 * 6) / 60);
    assert.deepEqual([...cocoIou([toCocoBox(a), toCocoBox(b)], [toCocoBox(b)], [false])], [boxIou(a, b), 1]);
  });

  it("VOC's +1 IoU on 1-based inclusive boxes equals the plain IoU of our integer boxes", () => {
    const boxes = randomBoxes(Rng.fromSeed(3), 60, true);
    for (let i = 0; i < boxes.length; i += 2) {
      assert.ok(Math.abs(vocIou(toVocBox(boxes[i]), toVocBox(boxes[i + 1])) - boxIou(boxes[i], boxes[i + 1])) < 1e-15);
    }
    // On raw inclusive coordinates the +1 matters: (1..10) and (1..5) are 10 and 5 pixels wide.
    assert.equal(vocIou({ xmin: 1, ymin: 1, xmax: 10, ymax: 10 }, { xmin: 1, ymin: 1, xmax: 5, ymax: 10 }), 0.5);
  });

  it('matches torchvision.ops.box_iou on random boxes', { skip: torchvisionPython ? false : 'no python3 with torchvision (apt-get install -y python3-torchvision): cross-check skipped' }, () => {
    const rng = Rng.fromSeed(11);
    const a = [...randomBoxes(rng, 40, false), ...randomBoxes(rng, 10, true)];
    const b = [...randomBoxes(rng, 30, false), ...randomBoxes(rng, 10, true)];
    const script = [
      'import sys, json, torch, torchvision',
      'a, b = json.load(sys.stdin)',
      't = lambda boxes: torch.tensor([[q["x1"], q["y1"], q["x2"], q["y2"]] for q in boxes], dtype=torch.float64)',
      'print(json.dumps(torchvision.ops.box_iou(t(a), t(b)).tolist()))',
    ].join('\n');
    const expected = python(torchvisionPython as string, script, [a, b]) as number[][];
    const coco = cocoIou(a.map(toCocoBox), b.map(toCocoBox), b.map(() => false));
    let overlapping = 0;
    a.forEach((p, i) =>
      b.forEach((q, j) => {
        assert.ok(Math.abs(boxIou(p, q) - expected[i][j]) < 1e-14, `boxIou ${i},${j}`);
        assert.ok(Math.abs(coco[i * b.length + j] - expected[i][j]) < 1e-14, `cocoIou ${i},${j}`);
        if (expected[i][j] > 0) overlapping++;
      }),
    );
    assert.ok(overlapping > 200, `only ${overlapping} overlapping pairs`);
  });
});

describe('numpy arithmetic the scorers reproduce', { skip: numpyPython ? false : 'no python3 with numpy: cross-check skipped' }, () => {
  it('IoU thresholds and recall points are np.linspace bit for bit', () => {
    const script = 'import json, numpy as np; print(json.dumps([np.linspace(.5, 0.95, 10).tolist(), np.linspace(0, 1, 101).tolist()]))';
    const [ious, recalls] = python(numpyPython as string, script, null) as number[][];
    assert.deepEqual([...COCO_IOU_THRESHOLDS], ious);
    assert.deepEqual([...COCO_RECALL_POINTS], recalls);
  });

  it('numpyMean is np.mean bit for bit: numpy 2 whole-array pairwise, numpy 1 in 8192-value buffers', () => {
    const rng = Rng.fromSeed(5);
    const lengths = [1, 7, 8, 9, 127, 128, 129, 1000, 8192, 8193, 10100, 30301];
    const arrays = lengths.map((n) => Array.from({ length: n }, () => rng.next() * (rng.next() < 0.5 ? 1 : 1e-3)));
    const script = 'import sys, json, numpy as np; print(json.dumps([int(np.__version__.split(".")[0]), [float(np.mean(np.array(a))) for a in json.load(sys.stdin)]]))';
    const naive = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    for (const exe of numpyPythons) {
      const [major, expected] = python(exe, script, arrays) as [number, number[]];
      const buffer = major >= 2 ? Infinity : NUMPY1_BUFFER;
      assert.deepEqual(arrays.map((a) => numpyMean(a, buffer)), expected, `${exe} (numpy ${major})`);
      assert.ok(arrays.some((a, i) => naive(a) !== expected[i]), 'a left-to-right sum would differ somewhere');
    }
  });
});
