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
