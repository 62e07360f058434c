/** The backends `setupBackend` knows, in the order it tries them; no TF.js import, so option parsing stays light. */

/** Backends `setupBackend` knows how to start. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
