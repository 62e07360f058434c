/**
 * Distribution tests per preset: fixed seeds, 1e5 draws each, bounds a wrong law would fail.
 * Geometry is checked through `sample` (no pixels), which `apply` and `plan` share.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomErasing, Rng, type PresetName, type Region } from '../../src/core/index.js';
import { chiSquareBound, chiSquareUniform, histogram } from './stats.js';

const N = 100_000;
const PRESET_NAMES: PresetName[] = ['reference', 'paper', 'torchvision', 'timm'];

function draws(eraser: RandomErasing, height: number, width: number, seed: number, n = N): Region[][] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => eraser.sample(height, width, rng));
}

test('erase rate equals p for every preset (5 standard deviations)', () => {
  for (const name of PRESET_NAMES) {
    for (const p of [0.5, 0.2]) {
      const erased = draws(new RandomErasing(name, { p }), 32, 32, 11).filter((r) => r.length > 0).length;
      const sd = Math.sqrt(N * p * (1 - p));
      assert.ok(Math.abs(erased - N * p) < 5 * sd, `${name} p=${p}: ${erased} erased of ${N}`);
    }
  }
});

const SIZE = 4000;

/** Area fraction and aspect of one region per draw on a large image (rounding is negligible there). */
function geometry(name: PresetName, seed: number): { area: number[]; aspect: number[] } {
  const area: number[] = [];
  const aspect: number[] = [];
  for (const [r] of draws(new RandomErasing(name, { p: 1 }), SIZE, SIZE, seed)) {
    area.push((r.height * r.width) / (SIZE * SIZE));
    aspect.push(r.height / r.width);
  }
  return { area, aspect };
}

/**
 * Size-first presets: every draw with area fraction below 0.24 fits at its first attempt for aspect
 * ratios in [0.3, 3.34], so in that zone areas and aspects follow the sampling laws untruncated.
 */
function unconstrained(name: PresetName, seed: number): { area: number[]; aspect: number[] } {
  const { area, aspect } = geometry(name, seed);
  const keep = area.map((f) => f < 0.24);
  return { area: area.filter((_, i) => keep[i]), aspect: aspect.filter((_, i) => keep[i]) };
}

test('size-first presets: area fraction is uniform from sl', () => {
  for (const name of ['reference', 'torchvision', 'timm'] as const) {
    const { area } = unconstrained(name, 21);
    const sl = new RandomErasing(name).options.sl;
    assert.ok(area.length > N * 0.5, `${name}: ${area.length} draws in the unconstrained zone`);
    const chi = chiSquareUniform(histogram(area, sl, 0.24, 10));
    assert.ok(chi < chiSquareBound(9), `${name}: area chi-square ${chi.toFixed(1)}`);
    assert.ok(Math.min(...area) >= sl * 0.99, `${name}: smallest area ${Math.min(...area)} below sl ${sl}`);
  }
});

test('size-first presets: aspect law is detected (uniform for reference, log-uniform for torchvision and timm)', () => {
  for (const name of ['reference', 'torchvision', 'timm'] as const) {
    const { aspect } = unconstrained(name, 31);
    const { r1, r2, aspectSampling } = new RandomErasing(name).options;
    const linear = chiSquareUniform(histogram(aspect, r1, r2, 10));
    const logarithmic = chiSquareUniform(histogram(aspect.map(Math.log), Math.log(r1), Math.log(r2), 10));
    const [right, wrong] = aspectSampling === 'uniform' ? [linear, logarithmic] : [logarithmic, linear];
    assert.ok(right < chiSquareBound(9), `${name}: chi-square under its own law ${right.toFixed(1)}`);
    assert.ok(wrong > 100 * chiSquareBound(9), `${name}: chi-square under the other law only ${wrong.toFixed(1)}`);
    const top = Math.max(...aspect);
    assert.ok(top > r2 * 0.97 && top < r2 * 1.01, `${name}: largest aspect ${top} vs r2 ${r2}`);
  }
});

/**
 * Expected area and aspect histograms of Algorithm 1 (position first): a proposal (f, r) is kept with
 * probability (1 - sqrt(f r)) (1 - sqrt(f / r)), the chance that a uniform corner lets it fit.
 * Midpoint integration on a 300 x 300 grid of the proposal law.
 */
function positionFirstExpectation(sl: number, sh: number, r1: number, r2: number, logAspect: boolean, bins: number) {
  const G = 300;
  const area = new Array<number>(bins).fill(0);
  const aspect = new Array<number>(bins).fill(0);
  for (let i = 0; i < G; i++) {
    const f = sl + ((i + 0.5) / G) * (sh - sl);
    for (let j = 0; j < G; j++) {
      const t = (j + 0.5) / G;
      const r = logAspect ? Math.exp(Math.log(r1) + t * Math.log(r2 / r1)) : r1 + t * (r2 - r1);
      const keep = Math.max(0, 1 - Math.sqrt(f * r)) * Math.max(0, 1 - Math.sqrt(f / r));
      area[Math.floor(((f - sl) / (sh - sl)) * bins)] += keep;
      aspect[Math.min(bins - 1, Math.floor(((r - r1) / (r2 - r1)) * bins))] += keep;
    }
  }
  const norm = (h: number[]) => h.map((v) => v / h.reduce((a, b) => a + b, 0));
  return { area: norm(area), aspect: norm(aspect) };
}

test('paper preset: area and aspect follow Algorithm 1 (uniform proposals thinned by the corner fit)', () => {
  const { sl, sh, r1, r2 } = new RandomErasing('paper').options;
  const { area, aspect } = geometry('paper', 81);
  const bins = 10;
  const chi = (observed: number[], probs: number[]) =>
    observed.reduce((s, o, i) => s + (o - probs[i] * N) ** 2 / (probs[i] * N), 0);
  const observedArea = histogram(area, sl, sh, bins);
  const observedAspect = histogram(aspect, r1, r2, bins);
  const right = positionFirstExpectation(sl, sh, r1, r2, false, bins);
  const wrong = positionFirstExpectation(sl, sh, r1, r2, true, bins);
  assert.ok(chi(observedArea, right.area) < chiSquareBound(9), `area chi-square ${chi(observedArea, right.area).toFixed(1)}`);
  assert.ok(chi(observedAspect, right.aspect) < chiSquareBound(9), `aspect chi-square ${chi(observedAspect, right.aspect).toFixed(1)}`);
  assert.ok(chi(observedAspect, wrong.aspect) > 10 * chiSquareBound(9), 'a log-uniform aspect proposal is not rejected');
  const sizeFirst = chiSquareUniform(histogram(area.filter((f) => f < 0.24), sl, 0.24, bins));
  assert.ok(sizeFirst > 10 * chiSquareBound(9), `size-first area law not rejected (${sizeFirst.toFixed(1)})`);
});

/**
 * Given its height h, a region's top must be uniform over 0..H-h inclusive (and left over 0..W-w):
 * pooled chi-square over (h, top) cells, normal approximation with 5 standard deviations.
 */
function checkPositions(name: PresetName, H: number, W: number, seed: number): void {
  const cells = new Map<string, number[]>();
  for (const regions of draws(new RandomErasing(name, { p: 1 }), H, W, seed)) {
    for (const r of regions) {
      for (const [key, pos, span] of [[`h${r.height}`, r.top, H - r.height], [`w${r.width}`, r.left, W - r.width]] as const) {
        const counts = cells.get(key) ?? new Array<number>(span + 1).fill(0);
        counts[pos]++;
        cells.set(key, counts);
      }
    }
  }
  let chi = 0;
  let df = 0;
  for (const [key, counts] of cells) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total < 20 * counts.length || counts.length < 2) continue;
    chi += chiSquareUniform(counts);
    df += counts.length - 1;
    assert.ok(counts[0] > 0 && counts[counts.length - 1] > 0, `${name} ${key}: an end of the inclusive range is never drawn`);
  }
  assert.ok(df > 50, `${name}: only ${df} degrees of freedom tested`);
  assert.ok((chi - df) / Math.sqrt(2 * df) < 5, `${name}: position chi-square ${chi.toFixed(1)} with ${df} df`);
}

test('positions are uniform over the inclusive valid range, per preset', () => {
  for (const name of PRESET_NAMES) checkPositions(name, 24, 20, 41);
});

test('fit test: strict presets never span the image, the paper preset (x + We <= W) does', () => {
  const H = 6;
  const full = (name: PresetName) =>
    draws(new RandomErasing(name, { p: 1 }), H, H, 51).flat().filter((r) => r.height === H || r.width === H).length;
  for (const name of ['reference', 'torchvision', 'timm'] as const) assert.equal(full(name), 0, name);
  assert.ok(full('paper') > 100, `paper: ${full('paper')} full-height or full-width regions`);
});

test('nearest rounding keeps the mean area unbiased; floor rounding is detected', () => {
  // sh = 0.2 so every draw fits: the mean area fraction must be (sl + sh) / 2.
  const meanArea = (rounding: 'half-even' | 'floor') => {
    const all = draws(new RandomErasing('reference', { p: 1, sh: 0.2, rounding }), 100, 100, 61);
    return all.reduce((s, r) => s + r[0].height * r[0].width, 0) / (all.length * 1e4);
  };
  const se = (0.18 / Math.sqrt(12)) / Math.sqrt(N);
  assert.ok(Math.abs(meanArea('half-even') - 0.11) < 5 * se, `half-even mean ${meanArea('half-even')}`);
  assert.ok(meanArea('floor') < 0.11 - 20 * se, `floor mean ${meanArea('floor')}`);
});

test('timm count range: count uniform in minCount..maxCount, total area split across regions', () => {
  const eraser = new RandomErasing('timm', { p: 1, sh: 0.2, minCount: 1, maxCount: 3 });
  const all = draws(eraser, 200, 200, 71);
  const counts = [1, 2, 3].map((k) => all.filter((r) => r.length === k).length);
  assert.equal(counts.reduce((a, b) => a + b, 0), N);
  assert.ok(chiSquareUniform(counts) < chiSquareBound(2), `counts ${counts}`);
  const meanTotal = all.reduce((s, rs) => s + rs.reduce((t, r) => t + r.height * r.width, 0), 0) / (N * 4e4);
  assert.ok(Math.abs(meanTotal - 0.11) < 0.002, `mean total area fraction ${meanTotal}`);
});
