/** Models of the paper (Table 1) as tfjs-layers models: see docs/models.md. */
export { buildModel, trainableParamCount } from './registry.js';
export { ARCHITECTURES, modelName, resolveSpec } from './spec.js';
export type { Arch, BlockKind, ModelSpec, ResolvedSpec } from './spec.js';
export { SeededDropout } from './seeded-dropout.js';
export { BN_EPSILON, BN_MOMENTUM } from './layer-factory.js';
export { TorchBatchNorm } from './batch-norm.js';
export { buildCenterNet, centerNetLayout, centerNetName, resolveCenterNet, HEATMAP_PRIOR_LOGIT, OUTPUT_STRIDE } from './centernet.js';
export type { CenterNetLayout, CenterNetSpec, ResolvedCenterNetSpec } from './centernet.js';
export { decodeCenterNet, DEFAULT_TOP_K, type DecodedDetection, type DecodeOptions } from './centernet-decode.js';
