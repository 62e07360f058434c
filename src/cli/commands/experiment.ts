/**
 * `random-erasing experiment <table1|table4|table5|fig3>`: one of the paper's experiments as a grid of
 * training runs, aggregated over seeds, resumable (rerun the same command after a stop), with the
 * paper's figures beside ours. Budget flags scale every run; the results say which budget was used.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { BACKENDS, PRESETS, type Backend, type Preset } from '../../train/config.js';
import { interruptSignal } from '../interrupt.js';
import { integer, integers, number, numbers } from '../options.js';

interface ExperimentFlags {
  datasets?: string[];
  models?: string[];
  seeds: number[];
  out?: string;
  epochs?: number;
  schedule?: number[];
  gamma?: number;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
  labelSmoothing?: number;
  trainBatch?: number;
  microBatch?: number;
  replicas?: number;
  testBatch?: number;
  trainSubset?: number;
  testSubset?: number;
  preset?: Preset;
  workers?: number;
  backend?: Backend;
  dataDir?: string;
  levels?: number[];
  occlusionSeed: number;
  occlusionSubset?: number;
}

function strings(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter(Boolean)];
}

/** The budget flags that were given (unset ones keep the paper's defaults). */
function budgetOf(flags: ExperimentFlags) {
  const budget = {
    epochs: flags.epochs,
    schedule: flags.schedule,
    gamma: flags.gamma,
    lr: flags.lr,
    momentum: flags.momentum,
    weightDecay: flags.weightDecay,
    nesterov: flags.nesterov,
    labelSmoothing: flags.labelSmoothing,
    trainBatch: flags.trainBatch,
    microBatch: flags.microBatch,
    replicas: flags.replicas,
    testBatch: flags.testBatch,
    trainSubset: flags.trainSubset,
    testSubset: flags.testSubset,
    preset: flags.preset,
    workers: flags.workers,
    backend: flags.backend,
    dataDir: flags.dataDir,
  };
  return Object.fromEntries(Object.entries(budget).filter(([, v]) => v !== undefined));
}

async function experiment(name: string, flags: ExperimentFlags): Promise<void> {
  const [{ buildGrid, DEFAULT_CHOICE, parseExperiment, parseModels }, { runExperiment }, { GridInterrupted }, { checkLevels, DEFAULT_LEVELS }, { validateConfig, makeConfig }] =
    await Promise.all([
      import('../../train/experiments/grids.js'),
      import('../../train/experiments/experiment.js'),
      import('../../train/experiments/train-executor.js'),
      import('../../train/occlusion.js'),
      import('../../train/config.js'),
    ]);
  const experimentName = parseExperiment(name);
  const choice = DEFAULT_CHOICE[experimentName];
  const datasets = flags.datasets ?? choice.datasets;
  const models = parseModels(flags.models ?? choice.models);
  const budget = budgetOf(flags);
  // Validate the budget before any work: a config of the first run with these flags.
  validateConfig(makeConfig({ ...budget, seed: flags.seeds[0] ?? 0, schedule: flags.schedule ?? [] }));
  buildGrid(experimentName, { datasets, models });
  const levels = flags.levels ?? DEFAULT_LEVELS;
  checkLevels(levels);
  const interrupt = interruptSignal('Stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)...');
  try {
    const result = await runExperiment({
      name: experimentName,
      datasets,
      models,
      seeds: flags.seeds,
      outDir: flags.out ?? path.join('results', experimentName),
      budget,
      occlusion: experimentName === 'fig3' ? { levels, seed: flags.occlusionSeed, testSubset: flags.occlusionSubset, backend: flags.backend, dataDir: flags.dataDir } : undefined,
      progress: 'auto',
      signal: interrupt.signal,
      log: (line) => console.log(line),
    });
    const occlusion = result.files.occlusion ? `, ${result.files.occlusion.markdown}, ${result.files.occlusion.chart.png}` : '';
    console.log(`Results: ${result.files.markdown}, ${result.files.summaryCsv}, ${result.files.runsCsv}, ${result.files.chart.png}${occlusion}`);
  } catch (error) {
    if (!(error instanceof GridInterrupted)) throw error;
    console.error(`Interrupted: ${error.message}`);
    process.exitCode = 130;
  } finally {
    interrupt.dispose();
  }
}

/** Add the `experiment` subcommand. */
export function register(program: Command): void {
  program
    .command('experiment')
    .description("run one of the paper's experiments as a resumable grid of training runs, mean ± std over seeds, beside the paper's figures")
    .argument('<name>', 'table1 (baseline vs RE) | table4 (RE vs dropout and random noise) | table5 (flip / crop / erase combinations) | fig3 (occlusion)')
    .option('-d, --datasets <names...>', "datasets (names or folders; default: the paper's for the experiment)", strings)
    .option('-m, --models <names...>', "models: resnet-<depth>, preresnet18, wrn-<depth>-<widen>, resnext-<depth>-<card>-<width> (default: the paper's)", strings)
    .option('--seeds <n...>', 'seeds; one run per configuration and seed', integers, undefined)
    .option('-o, --out <dir>', 'results folder (default results/<name>); rerun with the same folder to resume')
    .option('--epochs <n>', 'epochs per run (default 300, the paper\'s)', integer)
    .option('--schedule <epochs...>', 'LR drop epochs (default: 50% and 75% of --epochs, as 150/225 of 300)', integers)
    .option('--gamma <g>', 'LR multiplier at each --schedule epoch (default 0.1)', number)
    .option('--lr <rate>', 'initial learning rate (default 0.1)', number)
    .option('--momentum <m>', 'SGD momentum (default 0.9)', number)
    .option('--weight-decay <wd>', 'weight decay (default 5e-4)', number)
    .option('--nesterov', 'Nesterov momentum')
    .option('--label-smoothing <eps>', 'label smoothing (default 0)', number)
    .option('--train-batch <n>', 'training batch size (default 128)', integer)
    .option('--micro-batch <n>', 'split each training batch into micro-batches of at most n images (less memory; see train --help)', integer)
    .option('--replicas <n>', 'data-parallel replicas per run, one per core (see train --help; default 1)', integer)
    .option('--test-batch <n>', 'test batch size (default 100)', integer)
    .option('--train-subset <n>', 'train each run on a seeded random subset of n training images', integer)
    .option('--test-subset <n>', 'evaluate each run on a seeded random subset of n test images', integer)
    .addOption(new Option('--preset <name>', 'Random Erasing preset of the RE runs (default reference)').choices(PRESETS))
    .option('-j, --workers <n>', 'data loading worker threads per run (default 2)', integer)
    .addOption(new Option('--backend <name>', 'TF.js backend (default: the fastest available)').choices(BACKENDS))
    .option('--data-dir <dir>', 'where datasets are looked up')
    .option('--levels <fractions...>', 'fig3: occlusion levels (default 0 0.1 ... 0.8)', numbers)
    .option('--occlusion-seed <n>', 'fig3: seed of the occluding rectangles', integer, 0)
    .option('--occlusion-subset <n>', 'fig3: evaluate occlusion on a seeded subset of n test images', integer)
    .action(async (name: string, flags: ExperimentFlags) => experiment(name, { ...flags, seeds: flags.seeds ?? [1, 2, 3, 4, 5] }));
}
