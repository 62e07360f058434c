/**
 * The one TF.js namespace the project uses (`tfd`: tfjs-data, the `tf.data` API). Importing tfjs-layers registers the gradients that
 * tfjs-core alone would lack; the wasm and cpu backends register themselves. Chained tensor methods
 * (`x.sum()`) are not registered: call the functional ops (`tf.sum(x)`).
 */
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';

export * as tf from '@tensorflow/tfjs-core';
export * as tfl from '@tensorflow/tfjs-layers';
export * as tfd from '@tensorflow/tfjs-data';
export { setWasmPaths, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
