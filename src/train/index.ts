/** Training system: the trainer, checkpoints, evaluation, export, charts and the paper's experiments. */
export { train, type TrainHooks, type TrainResult } from './trainer.js';
export { DEFAULTS, type TrainConfig } from './config.js';
export { OutOfMemoryError } from './out-of-memory.js';
export { loadCheckpoint, saveCheckpoint, CheckpointError, type CheckpointState } from './checkpoint.js';
export { evaluateCheckpoint, type Evaluation } from './evaluate.js';
export { exportLayersModel, fileLoadHandler, modelFromCheckpoint, type ExportedFiles } from './export.js';
export { lineChart, sideBySide, renderSvg, svgToPng, writeChart, type ChartRow } from './charts.js';
export { runExperiment } from './experiments/experiment.js';
export { evaluateOcclusion, DEFAULT_LEVELS, type OcclusionEvalOptions } from './occlusion.js';
export * from './detection/index.js';
