/**
 * The ziggurat kernel in WebAssembly SIMD (assembly/normal-ziggurat.ts, embedded in
 * ziggurat-wasm-module.ts). The module is about 3 KB, small enough to compile synchronously even on
 * a browser's main thread.
 */
import type { ZigguratKernel } from './ziggurat-kernel.js';
import { EXP2_STEPS } from './ziggurat-slow.js';
import { fn, kn, LAYERS, wf, wn } from './ziggurat-tables.js';
import { ZIGGURAT_WASM_BASE64 } from './ziggurat-wasm-module.js';

const PAGE = 65536;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly CAPACITY: WebAssembly.Global;
  readonly LAYERS: WebAssembly.Global;
  readonly TABLE: WebAssembly.Global;
  readonly STATE: WebAssembly.Global;
  readonly EXP2: WebAssembly.Global;
  readonly WN: WebAssembly.Global;
  readonly FN: WebAssembly.Global;
  readonly KN: WebAssembly.Global;
  readonly OUTPUT: WebAssembly.Global;
  normals(n: number, mean: number, std: number): void;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
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

/** Copy the layer tables where the kernel reads them. */
function writeTables(kernel: KernelExports): void {
  if (kernel.LAYERS.value !== LAYERS) throw new Error(`ziggurat kernel built for ${kernel.LAYERS.value} layers, tables have ${LAYERS}: run npm run build:wasm`);
  const buffer = kernel.memory.buffer;
  const at = (global: WebAssembly.Global) => global.value as number;
  const pairs = new Int32Array(buffer, at(kernel.TABLE), 2 * kn.length);
  const widths = new Int32Array(wf.buffer);
  for (let i = 0; i < kn.length; i++) [pairs[2 * i], pairs[2 * i + 1]] = [widths[i], kn[i] - 1];
  new Float64Array(buffer, at(kernel.EXP2), EXP2_STEPS.length).set(EXP2_STEPS);
  new Float64Array(buffer, at(kernel.WN), wn.length).set(wn);
  new Float64Array(buffer, at(kernel.FN), fn.length).set(fn);
  new Int32Array(buffer, at(kernel.KN), kn.length).set(kn);
}

/** The WebAssembly kernel, or null where WebAssembly SIMD cannot run. */
export function wasmZigguratKernel(): ZigguratKernel | null {
  const kernel = instantiate();
  if (!kernel) return null;
  const capacity = kernel.CAPACITY.value as number;
  const output = kernel.OUTPUT.value as number;
  const needed = output + 4 * capacity;
  const memory = kernel.memory;
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
  writeTables(kernel);
  return {
    name: 'wasm-simd',
    capacity,
    state: new Int32Array(memory.buffer, kernel.STATE.value as number, 20),
    values: new Float32Array(memory.buffer, output, capacity),
    normals: (n, mean, std) => kernel.normals(n, mean, std),
  };
}
