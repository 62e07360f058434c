/**
 * `random-erasing experiment <table1|table4|table5|fig3>`: one of the paper's experiments as a grid of
 * training runs, aggregated over seeds, resumable (rerun the same command after a stop), with the
 * paper's figures beside ours. Budget flags scale every run; the results say which budget was used.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { ExperimentOptions, ExperimentResult } from '../../experiments/experiment.js';
import type { GridBudget } from '../../experiments/train-executor.js';
import type { RunRuntime } from '../../train/run-runtime.js';
import { interruptSignal } from '../interrupt.js';
import { integer, integers, numbers } from '../options.js';
import { addRunFlags, givenRunFields, type RunField } from '../run-flags.js';
import { addDetectionFlags, DETECTION_BUDGET_FIELDS, detectionExperiment, refuseOthers } from './experiment-detection.js';

/** Spec fields every run of a grid shares: the budget (erasing ones for the RE runs). */
const BUDGET_FIELDS = [
  'preset', 'sl', 'sh', 'r1', 'fill', 'epochs', 'schedule', 'gamma', 'lr', 'momentum', 'weightDecay', 'nesterov', 'labelSmoothing',
  'trainBatch', 'microBatch', 'trainSubset', 'testSubset',
] as const satisfies ReadonlyArray<keyof GridBudget>;
/** How the runs execute. */
const GRID_RUNTIME_FIELDS = ['threads', 'workers', 'backend', 'native', 'dataDir', 'testBatch'] as const satisfies ReadonlyArray<RunField>;

interface ExperimentFlags {
  queue?: string;
  wait?: boolean;
  results?: string;
  datasets?: string[];
  models?: string[];
  seeds: number[];
  out?: string;
  levels?: number[];
  occlusionSeed: number;
  occlusionSubset?: number;
}

/** Submit to the queue (and wait, with --wait); the results only when waited for. */
async function queued(flags: ExperimentFlags, options: ExperimentOptions): Promise<ExperimentResult | undefined> {
  const [{ parseQueueUrl }, { runQueuedExperiment }] = await Promise.all([import('../../experiments/queue/queue-url.js'), import('../../experiments/queue/queued-experiment.js')]);
  const address = parseQueueUrl(flags.queue as string);
  const outcome = await runQueuedExperiment({ ...options, address, wait: flags.wait, results: flags.results });
  if (!flags.wait) console.log(`Submitted. Start workers with: random-erasing worker --queue ${address.display} --results <shared folder>; then this command with --wait writes the results.`);
  return outcome.result;
}

/** The queue flags go together; a runtime flag does nothing for runs on a queue (each worker has its own), so it is refused. */
function checkQueueFlags(flags: ExperimentFlags, runtime: Record<string, unknown>): void {
  if (!flags.queue) {
    if (flags.wait) throw new Error('--wait: only with --queue (waits for the queued runs)');
    if (flags.results) throw new Error('--results: only with --queue (the workers\' results folder)');
    return;
  }
  const given = Object.keys(runtime)[0];
  if (given) throw new Error(`\`${given}\`: runs on a queue run with each worker's settings; give it to random-erasing worker`);
}

function strings(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter(Boolean)];
}

/** Detector budget flags the classification grids do not take. */
const DETECTION_ONLY = [...DETECTION_BUDGET_FIELDS.filter((f) => !(BUDGET_FIELDS as readonly string[]).includes(f)), 'occludedLevel'];

async function experiment(name: string, flags: ExperimentFlags, cmd: Command): Promise<void> {
  if (name === 'detection') return detectionExperiment(flags, cmd);
  const others = cmd.options.map((o) => o.attributeName()).filter((a) => !DETECTION_ONLY.includes(a));
  refuseOthers(cmd, others, `experiment ${name} (it is a detection experiment flag)`);
  const [{ buildGrid, DEFAULT_CHOICE, parseExperiment, parseModels }, { runExperiment }, { GridInterrupted, runSpec }, { checkLevels, DEFAULT_LEVELS }, { completeSpec }, { checkSeeds }, { completeRuntime }, { withSchedule }] =
    await Promise.all([
      import('../../experiments/grids.js'),
      import('../../experiments/experiment.js'),
      import('../../experiments/train-executor.js'),
      import('../../train/occlusion.js'),
      import('../../train/run-spec.js'),
      import('../../experiments/runner.js'),
      import('../../train/run-runtime.js'),
      import('../../experiments/budget.js'),
    ]);
  const experimentName = parseExperiment(name);
  const choice = DEFAULT_CHOICE[experimentName];
  const datasets = flags.datasets ?? choice.datasets;
  const models = parseModels(flags.models ?? choice.models);
  const budget = givenRunFields(cmd, BUDGET_FIELDS) as GridBudget;
  const runtime = givenRunFields(cmd, GRID_RUNTIME_FIELDS) as Omit<RunRuntime, 'checkpoint'>;
  checkSeeds(flags.seeds);
  const grid = buildGrid(experimentName, { datasets, models });
  // Every run's spec is checked before any work.
  for (const run of grid.runs) completeSpec(runSpec(run, flags.seeds[0], withSchedule(budget)));
  completeRuntime(runtime);
  const levels = flags.levels ?? DEFAULT_LEVELS;
  checkLevels(levels);
  checkQueueFlags(flags, runtime);
  const interrupt = interruptSignal('Stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)...');
  const options = {
    name: experimentName,
    datasets,
    models,
    seeds: flags.seeds,
    outDir: flags.out ?? path.join('results', experimentName),
    budget,
    runtime,
    occlusion: experimentName === 'fig3' ? { levels, seed: flags.occlusionSeed, testSubset: flags.occlusionSubset, backend: runtime.backend, dataDir: runtime.dataDir } : undefined,
    progress: 'auto' as const,
    signal: interrupt.signal,
    log: (line: string) => console.log(line),
  };
  try {
    const result = flags.queue ? await queued(flags, options) : await runExperiment(options);
    if (!result) return;
    const occlusion = result.files.occlusion ? `, ${result.files.occlusion.markdown}, ${result.files.occlusion.chart.png}` : '';
    console.log(`Results: ${result.files.markdown}, ${result.files.summaryCsv}, ${result.files.runsCsv}, ${result.files.chart.png}${occlusion}`);
  } catch (error) {
    const stoppedWaiting = flags.queue !== undefined && interrupt.signal.aborted;
    if (!(error instanceof GridInterrupted) && !stoppedWaiting) throw error;
    console.error(`Interrupted: ${(error as Error).message}`);
    process.exitCode = 130;
  } finally {
    interrupt.dispose();
  }
}

/** Add the `experiment` subcommand. */
export function register(program: Command): void {
  const cmd = program
    .command('experiment')
    .description("run one of the paper's experiments as a resumable grid of training runs, mean ± std over seeds, beside the paper's figures")
    .argument('<name>', 'table1 (baseline vs RE) | table4 (RE vs dropout and random noise) | table5 (flip / crop / erase combinations) | fig3 (occlusion) | detection (no erasing, IRE, ORE, I+ORE with a detector; its run flags and defaults: random-erasing train-detector --help)')
    .option('-d, --datasets <names...>', "datasets (names or folders; default: the paper's for the experiment)", strings)
    .option('-m, --models <names...>', "models: resnet-<depth>, preresnet18, wrn-<depth>-<widen>, resnext-<depth>-<card>-<width> (default: the paper's)", strings)
    .option('--seeds <n...>', 'seeds; one run per configuration and seed (default: 1 2 3 4 5)', integers)
    .option('-o, --out <dir>', 'results folder (default results/<name>); rerun with the same folder to resume')
    .option('--levels <fractions...>', 'fig3 and detection: occlusion levels (default 0 0.1 ... 0.8; detection 0 0.1 ... 0.5)', numbers)
    .option('--occlusion-seed <n>', 'fig3 and detection: seed of the occluding rectangles', integer, 0)
    .option('--occlusion-subset <n>', 'fig3: evaluate occlusion on a seeded subset of n test images', integer)
    .option('--queue <url>', 'submit the runs as jobs to this Redis (redis://[:password@]host:port/db, rediss:// for TLS) instead of training here; workers (random-erasing worker) train them')
    .option('--wait', 'with --queue: show the queue until every run has finished, then write the results folder', false)
    .option('--results <dir>', "with --queue: the workers' results folder as mounted here (fig3 reads the runs' checkpoints there)");
  addRunFlags(cmd, [...BUDGET_FIELDS, ...GRID_RUNTIME_FIELDS]);
  addDetectionFlags(cmd, BUDGET_FIELDS).action(async (name: string, flags: ExperimentFlags, command: Command) =>
    experiment(name, { ...flags, seeds: flags.seeds ?? [1, 2, 3, 4, 5] }, command),
  );
}
