/**
 * The ziggurat fast pass as a WebAssembly SIMD kernel (assembly/normal-ziggurat.ts, embedded in
 * ziggurat-wasm-module.ts). The module is under 1 KB, so it compiles synchronously even on a
 * browser's main thread.
 */
import type { ZigguratKernel } from './ziggurat-kernel.js';
import { kn, wf } from './ziggurat-tables.js';
import { ZIGGURAT_WASM_BASE64 } from './ziggurat-wasm-module.js';

const CAPACITY = 1 << 14;
const PAGE = 65536;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly TABLE: WebAssembly.Global;
  readonly STATE: WebAssembly.Global;
  readonly OUTPUT: WebAssembly.Global;
  fastNormals(n: number, mean: number, std: number, rejected: number): number;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bytes = atob(text);
  return Uint8Array.from(bytes, (c) => c.charCodeAt(0));
}

function instantiate(): KernelExports | null {
  if (typeof WebAssembly !== 'object') return null;
  const bytes = decodeBase64(ZIGGURAT_WASM_BASE64);
  // validate() is false where SIMD is not supported.
  if (!WebAssembly.validate(bytes)) return null;
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
  } catch {
    // A content security policy may forbid compiling WebAssembly.
    return null;
  }
}

/** The WebAssembly kernel, or null where WebAssembly SIMD cannot run. */
export function wasmZigguratKernel(): ZigguratKernel | null {
  const kernel = instantiate();
  if (!kernel) return null;
  const [table, stateAt, output] = [kernel.TABLE.value as number, kernel.STATE.value as number, kernel.OUTPUT.value as number];
  const rejectedAt = output + 4 * CAPACITY;
  const needed = rejectedAt + 8 * CAPACITY;
  const memory = kernel.memory;
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
  const layers = new Int32Array(memory.buffer, table, 2 * kn.length);
  const widths = new Int32Array(wf.buffer);
  for (let i = 0; i < kn.length; i++) [layers[2 * i], layers[2 * i + 1]] = [widths[i], kn[i]];
  return {
    capacity: CAPACITY,
    state: new Int32Array(memory.buffer, stateAt, 16),
    values: new Float32Array(memory.buffer, output, CAPACITY),
    rejected: new Int32Array(memory.buffer, rejectedAt, 2 * CAPACITY),
    fastPass: (n, mean, std) => kernel.fastNormals(n, mean, std, rejectedAt),
  };
}
