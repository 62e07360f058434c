/** Models of the paper (Table 1) as tfjs-layers models: see docs/models.md. */
export { buildModel, trainableParamCount } from './registry.js';
export { ARCHITECTURES, modelName, resolveSpec } from './spec.js';
export type { Arch, BlockKind, ModelSpec, ResolvedSpec } from './spec.js';
export { SeededDropout } from './seeded-dropout.js';
export { BN_EPSILON, BN_MOMENTUM } from './layer-factory.js';
export { TorchBatchNorm } from './batch-norm.js';
