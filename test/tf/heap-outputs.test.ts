/** Heap outputs of the in-place kernels: a failed wasm allocation becomes an out-of-memory error the trainer recognises. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateOutput } from '../../src/tf/kernels/heap-outputs.js';
import type { BackendWasm } from '../../src/tf/tf.js';
import { isOutOfMemory } from '../../src/train/out-of-memory.js';

describe('allocateOutput', () => {
  it('turns the trap of a failed wasm malloc into a RangeError saying out of memory', () => {
    const full = {
      makeOutput: () => {
        throw new WebAssembly.RuntimeError('memory access out of bounds');
      },
    } as unknown as BackendWasm;
    let caught: unknown;
    try {
      allocateOutput(full, [128, 32, 32, 64]);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof RangeError);
    assert.match(caught.message, /wasm heap allocation failed \(out of memory\) for a \[128,32,32,64\] float32 tensor \(32\.0 MiB\)/);
    assert.ok(isOutOfMemory(caught));
  });

  it('passes other errors through', () => {
    const broken = {
      makeOutput: () => {
        throw new TypeError('bad shape');
      },
    } as unknown as BackendWasm;
    assert.throws(() => allocateOutput(broken, [2]), TypeError);
  });
});
