import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { groupedConv2d, type GroupedConvMethod } from '../../src/tf/grouped-conv.js';
import { GroupedConv2D } from '../../src/tf/grouped-conv-layer.js';
import { tf, tfl } from '../../src/tf/tf.js';

function randn(shape: number[], seed: number): tf.Tensor {
  const rng = Rng.fromSeed(seed);
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
  return tf.tensor(values, shape);
}

/** Direct definition of the grouped convolution, PyTorch padding, NHWC / [kh, kw, cin/g, cout]. */
function naiveGroupedConv(x: tf.Tensor4D, w: tf.Tensor4D, groups: number, stride: number, pad: number): Float32Array {
  const [n, h, wd, cin] = x.shape;
  const [k, , cinG, cout] = w.shape;
  const coutG = cout / groups;
  const xs = x.dataSync();
  const ws = w.dataSync();
  const ho = Math.floor((h + 2 * pad - k) / stride) + 1;
  const wo = Math.floor((wd + 2 * pad - k) / stride) + 1;
  const out = new Float32Array(n * ho * wo * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / coutG);
          let acc = 0;
          for (let di = 0; di < k; di++)
            for (let dj = 0; dj < k; dj++) {
              const r = i * stride - pad + di;
              const c = j * stride - pad + dj;
              if (r < 0 || r >= h || c < 0 || c >= wd) continue;
              for (let ci = 0; ci < cinG; ci++) {
                acc += xs[((b * h + r) * wd + c) * cin + g * cinG + ci] * ws[((di * k + dj) * cinG + ci) * cout + o];
              }
            }
          out[((b * ho + i) * wo + j) * cout + o] = acc;
        }
  return out;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tol, `${what}: max abs difference ${worst} > ${tol}`);
}

const CASES = [
  { groups: 4, stride: 1, pad: 1, x: [2, 7, 7, 8], w: [3, 3, 2, 12] },
  { groups: 2, stride: 2, pad: 1, x: [3, 8, 6, 6], w: [3, 3, 3, 4] },
  { groups: 3, stride: 2, pad: 0, x: [1, 5, 5, 9], w: [1, 1, 3, 6] },
];
const METHODS: GroupedConvMethod[] = ['split', 'slices', 'blockDiagonal'];

describe('groupedConv2d (cpu)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of CASES) {
    const label = `groups ${c.groups} stride ${c.stride} pad ${c.pad}`;
    it(`matches the direct definition for every method (${label})`, () => {
      const x = randn(c.x, 1) as tf.Tensor4D;
      const w = randn(c.w, 2) as tf.Tensor4D;
      const expected = naiveGroupedConv(x, w, c.groups, c.stride, c.pad);
      for (const method of METHODS) {
        const y = groupedConv2d(x, w, { groups: c.groups, strides: c.stride, pad: c.pad, method });
        assertClose(y.dataSync(), expected, 1e-4, method);
      }
      tf.dispose([x, w]);
    });

    it(`gradients of split and blockDiagonal equal those of the slices reference (${label})`, () => {
      const x = randn(c.x, 3);
      const w = randn(c.w, 4);
      const ho = Math.floor((c.x[1] + 2 * c.pad - c.w[0]) / c.stride) + 1;
      const wo = Math.floor((c.x[2] + 2 * c.pad - c.w[0]) / c.stride) + 1;
      const r = randn([c.x[0], ho, wo, c.w[3]], 5);
      const gradsOf = (method: GroupedConvMethod) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(groupedConv2d(a as tf.Tensor4D, b as tf.Tensor4D, { groups: c.groups, strides: c.stride, pad: c.pad, method }), r)),
        )([x, w]);
      const [dxRef, dwRef] = gradsOf('slices');
      for (const method of ['split', 'blockDiagonal'] as const) {
        const [dx, dw] = gradsOf(method);
        assertClose(dx.dataSync(), dxRef.dataSync(), 1e-4, `${method} dx`);
        assertClose(dw.dataSync(), dwRef.dataSync(), 1e-4, `${method} dw`);
      }
      // The loss is linear in x (and in w): a central difference along a random direction is exact
      // up to rounding, which checks the reference gradient itself.
      const v = randn(c.x, 6);
      const loss = (a: tf.Tensor) =>
        tf.sum(tf.mul(groupedConv2d(a as tf.Tensor4D, w as tf.Tensor4D, { groups: c.groups, strides: c.stride, pad: c.pad }), r)).dataSync()[0];
      const fd = (loss(tf.add(x, v)) - loss(tf.sub(x, v))) / 2;
      const analytic = tf.sum(tf.mul(dxRef, v)).dataSync()[0];
      assert.ok(Math.abs(fd - analytic) <= 1e-3 * Math.max(1, Math.abs(analytic)), `directional derivative ${fd} vs ${analytic}`);
    });
  }

  it('rejects channel counts that groups does not divide, naming them', () => {
    const x = tf.zeros([1, 4, 4, 6]) as tf.Tensor4D;
    assert.throws(() => groupedConv2d(x, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D, { groups: 4 }), /groups \(4\) must divide input channels \(6\)/);
    assert.throws(() => groupedConv2d(x, tf.zeros([3, 3, 3, 6]) as tf.Tensor4D, { groups: 3 }), /filter input depth is 3, expected .* 2/);
  });

  it('GroupedConv2D layer: PyTorch output size, initialisation std, save and load', async () => {
    const input = tfl.input({ shape: [9, 9, 16] });
    const layer = new GroupedConv2D({ filters: 32, kernelSize: 3, groups: 8, strides: 2, padding: 1, seed: 3, name: 'g' });
    const output = layer.apply(input) as tfl.SymbolicTensor;
    assert.deepEqual(output.shape, [null, 5, 5, 32]);
    const kernel = layer.getWeights()[0];
    assert.deepEqual(kernel.shape, [3, 3, 2, 32]);
    const std = Math.sqrt(tf.moments(kernel).variance.dataSync()[0]);
    assert.ok(Math.abs(std / Math.sqrt(2 / (3 * 3 * 32)) - 1) < 0.15, `kernel std ${std}`);

    const model = tfl.model({ inputs: input, outputs: output });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const x = randn([2, 9, 9, 16], 7);
    const expected = naiveGroupedConv(x as tf.Tensor4D, kernel as tf.Tensor4D, 8, 2, 1);
    assertClose((loaded.predict(x) as tf.Tensor).dataSync(), expected, 1e-4, 'loaded model');
    model.dispose();
    loaded.dispose();
    x.dispose();
  });
});
