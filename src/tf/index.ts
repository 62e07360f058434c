/** TF.js engine: backend set-up (WebGPU included), wasm training kernels, and the batched Random Erasing op. */
export * from './backend.js';
export * from './webgpu.js';
export { registerTrainingKernels } from './kernels/index.js';
export * from './random-erasing-op.js';
export { profileKernels, type KernelTime } from './kernel-profile.js';
export { tf, tfd, tfl } from './tf.js';
export * from './random-erasing-layer.js';
export * from './tf-dataset.js';
