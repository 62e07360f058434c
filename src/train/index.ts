/** Training system: the trainer, its run spec and runtime, checkpoints, evaluation, export and charts. */
export { train, type TrainHooks, type TrainResult } from './trainer.js';
export { resolveRequest, type TrainRequest, type ResolvedRequest } from './run-request.js';
export { completeSpec, resumedSpec, specHash, DEFAULT_MICRO_BATCH, SPEC_DEFAULTS, type CompleteSpec, type RunSpec } from './run-spec.js';
export { completeRuntime, RUNTIME_DEFAULTS, type CompleteRuntime, type RunRuntime } from './run-runtime.js';
export { OutOfMemoryError } from './out-of-memory.js';
export { loadCheckpoint, saveCheckpoint, CheckpointError, type CheckpointState } from './checkpoint.js';
export { evaluateCheckpoint, type Evaluation } from './evaluate.js';
export { exportLayersModel, fileLoadHandler, modelFromCheckpoint, type ExportedFiles } from './export.js';
export { lineChart, sideBySide, renderSvg, svgToPng, writeChart, type ChartRow } from './charts.js';
export { evaluateOcclusion, DEFAULT_LEVELS, type OcclusionEvalOptions, type OcclusionPoint } from './occlusion.js';
export * from './detection/index.js';
