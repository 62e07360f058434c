/** The paper's experiments: grids of training runs, their tables and figures, previews and the demo. */
export { runExperiment, describeEvent, type ExperimentOptions, type ExperimentResult } from './experiment.js';
export { buildGrid, parseExperiment, parseModels, EXPERIMENTS, DEFAULT_CHOICE, type ExperimentGrid, type ExperimentName, type GridRun } from './grids.js';
export { runGrid, runDirectory, readRecord, checkSeeds, type GridExecutor, type RunOutcome, type RunRecord } from './runner.js';
export { trainExecutor, runSpec, GridInterrupted, PAPER_P, type GridBudget } from './train-executor.js';
export { TABLE1, ABLATIONS, table1Figure, ablationFigure, type PaperFigure } from './paper.js';
export { writeOcclusionReport, type OcclusionFiles } from './occlusion-report.js';
export { runDemo, robustnessVerdict, DEMO_BUDGET, type DemoOptions, type DemoResult } from './demo.js';
export * from './queue/index.js';
export * from './detection-grid.js';
export * from './detection-report.js';
export * from './detection-experiment.js';
