/**
 * The optional native kernels: a Node-API addon (`native/`, built with `npm run build:native`) that
 * runs the convolutions (oneDNN), batch normalisation and ReLU, multi-threaded, directly on the wasm
 * backend's heap (the tensors' own memory: no copy). Everything works without it; `setupBackend`
 * loads it when it is built and the backend is wasm, and reports which path runs.
 *
 * Each native call cuts its work into tasks fixed by the tensor shapes alone (batch chunks for the
 * convolutions, row blocks for the reductions) and adds partial sums in task order, so results are
 * the same for any thread count.
 */

/** The addon's functions. Tensor arguments are Float32Array views; lengths are checked natively. */
export interface NativeAddon {
  convForward(geometry: Int32Array, x: Float32Array, filter: Float32Array, bias: Float32Array | null, relu: boolean, y: Float32Array): void;
  convBackwardData(geometry: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  convBackwardWeights(geometry: Int32Array, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  /** y = batch norm of x (then max(0, y) with `relu`); writes the batch mean, biased variance and the float scale used. */
  batchNormForward(
    rows: number,
    channels: number,
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    epsilon: number,
    relu: boolean,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array,
  ): void;
  /** Gradients of batchNormForward; after a forward with the ReLU pass its scale and beta (else null, null). */
  batchNormBackward(
    rows: number,
    channels: number,
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    epsilon: number,
    reluScale: Float32Array | null,
    reluBeta: Float32Array | null,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
  ): void;
  reluForward(x: Float32Array, y: Float32Array): void;
  channelAffine(rows: number, channels: number, x: Float32Array, scale: Float32Array, shift: Float32Array, y: Float32Array): void;
  reluBackward(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  setThreads(threads: number): void;
  info(): { onednn: string; threads: number };
}

/** Where `npm run build:native` puts the addon, relative to this module (src/tf or dist/tf). */
const ADDON_PATH = '../../native/build/Release/random_erasing_native.node';

let active: NativeAddon | null = null;

/** The native kernels in use, or null when the wasm kernels run. */
export function activeNative(): NativeAddon | null {
  return active;
}

/** Switches the native kernels on (an addon) or off (null) for every later kernel call. */
export function useNative(addon: NativeAddon | null): void {
  active = addon;
}

let loaded: Promise<NativeAddon> | undefined;

/**
 * Loads the addon (once). Rejects with the reason when it cannot: not in Node, not built, or its
 * libraries (libdnnl) missing.
 */
export function loadNativeAddon(): Promise<NativeAddon> {
  loaded ??= (async () => {
    if (typeof process === 'undefined' || process.versions?.node === undefined) {
      throw new Error('native kernels need Node.js');
    }
    const { createRequire } = await import('node:module');
    const { fileURLToPath } = await import('node:url');
    const file = fileURLToPath(new URL(ADDON_PATH, import.meta.url));
    try {
      return createRequire(import.meta.url)(file) as NativeAddon;
    } catch (err) {
      const cause = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new Error(`cannot load ${file} (build it with \`npm run build:native\`; needs libdnnl-dev): ${cause}`, { cause: err });
    }
  })();
  return loaded;
}
