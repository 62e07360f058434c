/**
 * Engine set-up: picks the fastest backend that can start here and registers the training kernels.
 * Order: `tensorflow` (when the optional `@tensorflow/tfjs-node` package can be imported) → `wasm`
 * (binaries loaded from the installed `@tensorflow/tfjs-backend-wasm`, no network) → `cpu`.
 */
import { BACKENDS, type BackendName } from './backend-names.js';
import { registerTrainingKernels } from './kernels/index.js';
import { setWasmPaths, tf } from './tf.js';

export { BACKENDS, type BackendName };

export interface SetupBackendOptions {
  /** Force one backend; a clear error is thrown when it cannot start. Default: best available. */
  backend?: BackendName;
}

export interface BackendInfo {
  /** The active backend (`tf.getBackend()`). */
  backend: BackendName;
  /** Whether wasm runs the SIMD binary (false off wasm). */
  simd: boolean;
  /** Backends tried before the chosen one, with the reason each failed. */
  skipped: Array<{ backend: BackendName; reason: string }>;
}

const TFJS_NODE = '@tensorflow/tfjs-node';

/** Imports the optional native binding, which registers the `tensorflow` backend. */
async function loadTensorflow(): Promise<void> {
  const name = TFJS_NODE; // a variable keeps bundlers and tsc from resolving the optional package
  await import(name);
}

/** Points the wasm loader at the installed package's dist folder (Node only; bundlers set their own). */
async function locateWasmBinaries(): Promise<void> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return;
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(path.dirname(entry) + path.sep);
}

let wasmLocated = false;

async function start(name: BackendName): Promise<void> {
  if (name === 'tensorflow') await loadTensorflow();
  if (name === 'wasm' && !wasmLocated && tf.findBackend('wasm') === null) {
    await locateWasmBinaries();
    wasmLocated = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Starts a TF.js backend and returns what it chose. With `backend` set, that backend must start or
 * an error naming it and the cause is thrown; otherwise the first of tensorflow → wasm → cpu that
 * starts is used. On wasm the training kernels (convolution gradients) are registered.
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendInfo> {
  const wanted = options.backend;
  if (wanted !== undefined && !(BACKENDS as readonly string[]).includes(wanted)) {
    throw new Error(`setupBackend: unknown backend '${String(wanted)}'; expected one of ${BACKENDS.join(', ')}`);
  }
  registerTrainingKernels();
  const skipped: BackendInfo['skipped'] = [];
  for (const name of wanted === undefined ? BACKENDS : [wanted]) {
    try {
      await start(name);
      const simd = name === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      return { backend: name, simd, skipped };
    } catch (err) {
      if (wanted !== undefined) {
        const hint = name === 'tensorflow' ? ` (install ${TFJS_NODE} to use it)` : '';
        throw new Error(`backend '${name}' cannot start: ${reasonOf(err)}${hint}`, { cause: err });
      }
      skipped.push({ backend: name, reason: reasonOf(err) });
    }
  }
  throw new Error(`no TF.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
