/** Training kernels for the wasm backend and the backend-agnostic gradient overrides. */
import { tf } from '../tf.js';
import { fusedBatchNormGradConfig } from './batch-norm-grad.js';
import { channelAffineConfigs } from './channel-affine.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, batchNormTrainingConfigs } from './native-batch-norm.js';
import { nativeForwardConfigs } from './native-conv.js';
import { RELU_GRAD, reluConfigs, reluGradConfig } from './native-relu.js';
import { pooledReduceConfigs } from './pooled-reduce.js';
import { SGD_UPDATE, sgdUpdateConfig } from './sgd-update.js';
import { sharedCopyConfigs } from './shared-copies.js';
import { sliceConfigs } from './strided-slice-copy.js';

/** Kernels this module registers for backend `wasm`, replacing any stock version. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  ...nativeForwardConfigs,
  ...batchNormTrainingConfigs,
  ...reluConfigs,
  sgdUpdateConfig,
  ...pooledReduceConfigs,
  ...channelAffineConfigs,
  ...sharedCopyConfigs,
  ...sliceConfigs,
];

/** Kernels of this module with no stock counterpart: called only on a backend that registers them, composed ops elsewhere. */
export const FUSED_KERNEL_NAMES: readonly string[] = [BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, RELU_GRAD, SGD_UPDATE];

/** Gradients this module replaces for every backend. */
export const GRADIENT_OVERRIDES: readonly tf.GradConfig[] = [fusedBatchNormGradConfig, reluGradConfig];

/**
 * Registers the wasm training kernels and the gradient overrides. Idempotent: a kernel already
 * registered by this module is left alone, a stock one is replaced.
 */
export function registerTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
  for (const config of GRADIENT_OVERRIDES) {
    if (tf.getGradient(config.kernelName)?.gradFunc === config.gradFunc) continue;
    if (tf.getGradient(config.kernelName) !== undefined) tf.unregisterGradient(config.kernelName);
    tf.registerGradient(config);
  }
}
