/**
 * Child process of uninitialised.test.ts (run with --expose-gc): page faults per 3x224x224 float
 * copy once collections have freed earlier copies, for copyOf or (argument `plain`) a bare
 * Buffer.allocUnsafeSlow copy without the allocator hint. Prints the figure as JSON.
 */
import { copyOf } from '../../src/core/image.js';

const ROUNDS = 6;
const COPIES_PER_ROUND = 40;

const image = new Float32Array(3 * 224 * 224);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function plainCopy(): Float32Array {
  const bytes = Buffer.allocUnsafeSlow(image.byteLength);
  const copy = new Float32Array(bytes.buffer, bytes.byteOffset, image.length);
  copy.set(image);
  return copy;
}

const copy = process.argv[2] === 'plain' ? plainCopy : () => copyOf(image);
copy();
for (let i = 0; i < 2; i++) {
  gc();
  await settle();
}
/** One round of copies, all alive at once: page faults per copy. */
function roundFaultsPerCopy(): number {
  const before = process.resourceUsage().minorPageFault;
  const copies = Array.from({ length: COPIES_PER_ROUND }, copy);
  return (process.resourceUsage().minorPageFault - before) / copies.length;
}

const perRound: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  perRound.push(roundFaultsPerCopy());
  gc();
  await settle();
}
const afterFirst = perRound.slice(1);
console.log(JSON.stringify({ faultsPerCopy: afterFirst.reduce((a, b) => a + b, 0) / afterFirst.length }));
