/**
 * The allocator hint behind large copies: once collections free earlier copies, new copies reuse the
 * freed memory instead of faulting fresh pages in. Counted in page faults (a counter, not a timing),
 * against a bare uninitialised copy in the same environment; skipped where the C allocator does not
 * return freed blocks to the kernel (nothing to measure there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./copy-faults-child.ts', import.meta.url));

/** A 3x224x224 float copy spans 147 pages of 4 KiB: a control below this many faults shows no trimming. */
const TRIMMING_SHOWS_FROM = 20;

function faultsPerCopy(mode: 'copyOf' | 'plain'): number {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', CHILD, mode], { encoding: 'utf8' });
  return (JSON.parse(stdout) as { faultsPerCopy: number }).faultsPerCopy;
}

test('large copies reuse freed memory after a collection instead of faulting fresh pages', (t) => {
  const plain = faultsPerCopy('plain');
  if (plain < TRIMMING_SHOWS_FROM) {
    t.skip(`the allocator keeps freed blocks here (${plain.toFixed(1)} faults per bare copy)`);
    return;
  }
  const hinted = faultsPerCopy('copyOf');
  assert.ok(hinted < plain / 10, `copyOf: ${hinted.toFixed(1)} page faults per copy, bare copy ${plain.toFixed(1)}`);
});
