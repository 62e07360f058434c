/** The backends `setupBackend` knows, in the automatic order; no TF.js import, so option parsing stays light. */

/** Backends `setupBackend` knows how to start, in the automatic order. */
export const BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
