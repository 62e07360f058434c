/** Pure TypeScript Random Erasing library: no TF.js, runs in Node and browsers. */
export * from './rng.js';
export * from './image.js';
