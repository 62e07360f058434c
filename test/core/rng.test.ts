import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';

test('same seed gives the same sequence, different seeds differ', () => {
  const a = Rng.fromSeed(42);
  const b = Rng.fromSeed(42);
  const c = Rng.fromSeed(43);
  const sa = Array.from({ length: 16 }, () => a.nextUint32());
  const sb = Array.from({ length: 16 }, () => b.nextUint32());
  const sc = Array.from({ length: 16 }, () => c.nextUint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('derived streams are independent of the parent position and of each other', () => {
  const root = Rng.fromSeed(1);
  const d1 = root.derive(5, 9).nextUint32();
  root.nextUint32();
  assert.equal(root.derive(5, 9).nextUint32(), d1);
  assert.notEqual(root.derive(5, 10).nextUint32(), d1);
  assert.notEqual(root.derive(9, 5).nextUint32(), d1);
});

test('sample streams (epoch, position): first draws uncorrelated within a stream and with the next position and epoch', () => {
  // The loader augments sample i of epoch e from derive(e, i): crop, flip, the erase decision, area and
  // aspect are its first draws, so a correlation there would couple augmentations.
  const n = 20000;
  const draws = 6;
  const first = (e: number, i: number) => {
    const r = Rng.fromSeed(1).derive(e, i);
    return Array.from({ length: draws }, () => r.next());
  };
  const streams = Array.from({ length: n + 1 }, (_, i) => first(0, i));
  const nextEpoch = Array.from({ length: n }, (_, i) => first(1, i));
  const correlation = (x: number[], y: number[]) => {
    const mx = x.reduce((a, b) => a + b, 0) / x.length;
    const my = y.reduce((a, b) => a + b, 0) / y.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let k = 0; k < x.length; k++) {
      sxy += (x[k] - mx) * (y[k] - my);
      sxx += (x[k] - mx) ** 2;
      syy += (y[k] - my) ** 2;
    }
    return sxy / Math.sqrt(sxx * syy);
  };
  const column = (rows: number[][], k: number) => rows.slice(0, n).map((r) => r[k]);
  const bound = 5 / Math.sqrt(n);
  for (let a = 0; a < draws; a++) {
    for (let b = 0; b < draws; b++) {
      if (a !== b) assert.ok(Math.abs(correlation(column(streams, a), column(streams, b))) < bound, `draws ${a} and ${b} of a stream`);
      assert.ok(Math.abs(correlation(column(streams, a), column(streams.slice(1), b))) < bound, `draw ${a} and the next position's draw ${b}`);
      assert.ok(Math.abs(correlation(column(streams, a), column(nextEpoch, b))) < bound, `draw ${a} and the next epoch's draw ${b}`);
    }
  }
});

test('state round-trips, normal spare included', () => {
  const a = Rng.fromSeed(3).derive(2);
  a.normal();
  const b = Rng.fromState(JSON.parse(JSON.stringify(a.state())));
  assert.deepEqual([a.normal(), a.next(), a.int(0, 9)], [b.normal(), b.next(), b.int(0, 9)]);
});

test('uniform mean and int range over 1e5 draws', () => {
  const r = Rng.fromSeed(7);
  let sum = 0;
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 1e5; i++) {
    sum += r.next();
    counts[r.int(0, 5)]++;
  }
  assert.ok(Math.abs(sum / 1e5 - 0.5) < 0.005);
  for (const c of counts) assert.ok(Math.abs(c - 1e5 / 6) < 600, `count ${c}`);
});

test('normal draws have mean 0 and variance 1', () => {
  const r = Rng.fromSeed(11);
  let s = 0;
  let s2 = 0;
  const n = 1e5;
  for (let i = 0; i < n; i++) {
    const v = r.normal();
    s += v;
    s2 += v * v;
  }
  assert.ok(Math.abs(s / n) < 0.015);
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
});

test('bad seeds are rejected with the value', () => {
  assert.throws(() => Rng.fromSeed(-1), /seed must be an integer.*-1/);
  assert.throws(() => Rng.fromSeed(1.5), /seed/);
});

test('fillUint32 gives the nextUint32 sequence and leaves the generator at the same position', () => {
  const a = Rng.fromSeed(21).derive(4);
  const b = Rng.fromSeed(21).derive(4);
  const bulk = a.fillUint32(new Uint32Array(13), 3, 13);
  const single = Array.from({ length: 10 }, () => b.nextUint32());
  assert.deepEqual(Array.from(bulk.subarray(3)), single);
  assert.deepEqual(Array.from(bulk.subarray(0, 3)), [0, 0, 0]);
  assert.equal(a.nextUint32(), b.nextUint32());
});
