/** Pure TypeScript Random Erasing library: no TF.js, runs in Node and browsers. */
export * from './rng.js';
export * from './image.js';
export * from './erasing-options.js';
export * from './presets.js';
export * from './keras.js';
export { regionSides, roundHalfEven, type Region } from './region-sampler.js';
export type { PixelDtype } from './fill.js';
export * from './random-erasing.js';
export * from './transforms.js';
export * from './object-aware.js';
export * from './occlusion.js';
export * from './box-iou.js';
export * from './noise.js';
export { normalKernelName, type NormalKernelName } from './ziggurat-kernel.js';
export * from './targets.js';
