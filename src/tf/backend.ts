/**
 * Engine set-up: picks the fastest backend that can start here and registers the training kernels.
 * Order: `tensorflow` (when the optional `@tensorflow/tfjs-node` package can be imported) → `webgpu`
 * (the optional WebGPU packages, on a hardware GPU only) → `wasm` (binaries loaded from the installed
 * `@tensorflow/tfjs-backend-wasm`, no network) → `cpu`.
 */
import { BACKENDS, type BackendName } from './backend-names.js';
import { registerTrainingKernels } from './kernels/index.js';
import { loadNativeAddon, useNative } from './native-addon.js';
import { setWasmPaths, tf } from './tf.js';
import { registerWebGpu, webGpuAdapter, WEBGPU_PACKAGES, type WebGpuAdapterReport } from './webgpu.js';

export { BACKENDS, type BackendName };

/** Backends that compute on a GPU: one thread drives them (the trainer starts no replica workers there). */
export const GPU_BACKENDS: readonly BackendName[] = ['webgpu'];

/** Whether `backend` computes on a GPU. */
export function isGpuBackend(backend: string): boolean {
  return (GPU_BACKENDS as readonly string[]).includes(backend);
}

export interface SetupBackendOptions {
  /** Force one backend; a clear error is thrown when it cannot start. Default: best available. */
  backend?: BackendName;
  /**
   * The native oneDNN kernels on wasm (`npm run build:native`): `true` requires them (an error says
   * why they cannot load), `false` keeps the pure wasm kernels. Default: used when built.
   */
  native?: boolean;
  /** Threads of the native kernels (results do not depend on it). Default: every core. */
  threads?: number;
}

/** Which kernels run the convolutions and batch normalisation on wasm. */
export interface NativeInfo {
  /** True when the native oneDNN kernels run; false when the pure wasm kernels do. */
  active: boolean;
  /** oneDNN version of the loaded addon. */
  onednn?: string;
  /** Threads the native kernels use. */
  threads?: number;
  /** Why the native kernels are not used (when `active` is false). */
  reason?: string;
}

export interface BackendInfo {
  /** The active backend (`tf.getBackend()`). */
  backend: BackendName;
  /** Whether wasm runs the SIMD binary (false off wasm). */
  simd: boolean;
  /** On webgpu, the adapter: vendor, architecture, device, software or hardware, limits. */
  adapter?: WebGpuAdapterReport;
  /** Backends tried before the chosen one, with the reason each failed. */
  skipped: Array<{ backend: BackendName; reason: string }>;
  /** The native kernels' state. */
  native: NativeInfo;
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

/** Start backend `name` (`explicit`: the user asked for it, so webgpu may run on a software adapter); returns the WebGPU adapter on webgpu. */
async function start(name: BackendName, explicit: boolean): Promise<WebGpuAdapterReport | undefined> {
  let adapter: WebGpuAdapterReport | undefined;
  if (name === 'tensorflow') await loadTensorflow();
  if (name === 'webgpu') {
    if (!explicit) await webGpuAdapter(true);
    adapter = await registerWebGpu();
  }
  // Not tf.findBackend: it starts the backend's initialisation, before the binaries are located.
  if (name === 'wasm' && !wasmLocated && !('wasm' in tf.engine().registry)) {
    await locateWasmBinaries();
    wasmLocated = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
  return adapter;
}

const HINTS: Partial<Record<BackendName, string>> = {
  tensorflow: ` (install ${TFJS_NODE} to use it)`,
  webgpu: ` (needs a WebGPU adapter and, in Node, the optional packages ${WEBGPU_PACKAGES.join(' and ')})`,
};

let active: BackendInfo | null = null;

/** What the last {@link setupBackend} started, when it is still the current backend; else the current backend without details. */
export function activeBackend(): BackendInfo {
  const current = tf.getBackend() as BackendName;
  if (active?.backend === current) return active;
  return { backend: current, simd: current === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), skipped: [], native: { active: false, reason: 'the backend was not started by setupBackend' } };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function defaultThreads(): Promise<number> {
  const os = await import('node:os');
  return os.availableParallelism();
}

/** Loads (or switches off) the native kernels for `backend` as `options` ask; returns their state. */
async function setupNative(backend: BackendName, options: SetupBackendOptions): Promise<NativeInfo> {
  const { native, threads } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`setupBackend: threads must be a positive integer, got ${String(threads)}`);
  }
  useNative(null);
  if (native === false) return { active: false, reason: 'switched off (native: false)' };
  if (backend !== 'wasm') {
    if (native === true) throw new Error(`setupBackend: native kernels run on the wasm backend only, not '${backend}'`);
    return { active: false, reason: `backend '${backend}' does not use them` };
  }
  try {
    const addon = await loadNativeAddon();
    addon.setThreads(threads ?? (await defaultThreads()));
    useNative(addon);
    const { onednn, threads: used } = addon.info();
    return { active: true, onednn, threads: used };
  } catch (err) {
    if (native === true) throw new Error(`setupBackend: native kernels cannot load: ${reasonOf(err)}`, { cause: err });
    return { active: false, reason: reasonOf(err) };
  }
}

/**
 * Starts a TF.js backend and returns what it chose. With `backend` set, that backend must start or
 * an error naming it and the cause is thrown; otherwise the first of tensorflow → webgpu (hardware
 * GPU only) → wasm → cpu that starts is used, and `skipped` says why the earlier ones did not. On
 * wasm the training kernels (convolution gradients) are registered and the native oneDNN kernels
 * switched on when built (see {@link SetupBackendOptions.native}); on webgpu `adapter` describes the GPU.
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendInfo> {
  const wanted = options.backend;
  if (wanted !== undefined && !(BACKENDS as readonly string[]).includes(wanted)) {
    throw new Error(`setupBackend: unknown backend '${String(wanted)}'; expected one of ${BACKENDS.join(', ')}`);
  }
  registerTrainingKernels();
  const skipped: BackendInfo['skipped'] = [];
  for (const name of wanted === undefined ? BACKENDS : [wanted]) {
    let adapter: WebGpuAdapterReport | undefined;
    try {
      adapter = await start(name, wanted !== undefined);
    } catch (err) {
      if (wanted !== undefined) throw new Error(`backend '${name}' cannot start: ${reasonOf(err)}${HINTS[name] ?? ''}`, { cause: err });
      skipped.push({ backend: name, reason: reasonOf(err) });
      continue;
    }
    const simd = name === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    active = { backend: name, simd, ...(adapter ? { adapter } : {}), skipped, native: await setupNative(name, options) };
    return active;
  }
  throw new Error(`no TF.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
