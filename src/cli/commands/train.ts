/**
 * `random-erasing train`: the paper's training script (cifar.py / fashionmnist.py) with the same flags
 * and defaults. Every value is validated before any work starts.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ARCHS, BACKENDS, DEFAULTS, FILL_NAMES, PRESETS, validateConfig, type TrainConfig } from '../../train/config.js';
import { interruptSignal } from '../interrupt.js';
import { integer, integers, number } from '../options.js';

/** Options as commander parses them: the config's fields plus the CLI-only ones. */
type TrainFlags = Omit<TrainConfig, 'seed' | 'schedule'> & {
  schedule?: number[];
  manualSeed?: number;
  wd?: number;
  evaluate: boolean;
  json: boolean;
};

/** The run config of parsed flags (`checkpointGiven`: whether -c was set explicitly). */
export function configFromFlags(flags: TrainFlags, checkpointGiven: boolean): TrainConfig {
  const config = {
    ...flags,
    depth: flags.depth ?? (flags.arch === 'resnet' ? 20 : undefined),
    schedule: flags.schedule ?? [...DEFAULTS.schedule],
    weightDecay: flags.wd ?? flags.weightDecay,
    checkpoint: flags.resume && !checkpointGiven ? path.dirname(flags.resume) : flags.checkpoint,
    seed: flags.manualSeed ?? randomInt(1, 10001),
  };
  const cliOnly = new Set(['manualSeed', 'wd', 'evaluate', 'json']);
  return Object.fromEntries(Object.entries(config).filter(([k, v]) => v !== undefined && !cliOnly.has(k))) as unknown as TrainConfig;
}

function defineOptions(cmd: Command): Command {
  const d = DEFAULTS;
  return cmd
    .option('-d, --dataset <name>', 'fashionmnist | cifar10 | cifar100 | path of a PNG folder dataset', d.dataset)
    .addOption(new Option('-a, --arch <arch>', 'model architecture').choices(ARCHS).default(d.arch))
    .option('--depth <n>', "model depth (default: the architecture's: resnet 20, wrn 28, resnext 29)", integer)
    .option('--widen-factor <k>', 'WRN widen factor', integer, d.widenFactor)
    .option('--cardinality <n>', 'ResNeXt cardinality (groups)', integer, d.cardinality)
    .option('--drop <rate>', 'WRN dropout rate between the convolutions of a block', number, d.drop)
    .option('--conv-dropout <rate>', 'dropout after every convolution (paper Table 4)', number, d.convDropout)
    .option('--p <prob>', 'Random Erasing probability (0 = baseline without erasing)', number, d.p)
    .option('--sl <area>', 'smallest erased area fraction', number, d.sl)
    .option('--sh <area>', 'largest erased area fraction', number, d.sh)
    .option('--r1 <ratio>', 'smallest aspect ratio of the erased region (largest = 1/r1)', number, d.r1)
    .addOption(new Option('--preset <name>', 'Random Erasing preset (default reference); --p/--sl/--sh/--r1 override its values').choices(PRESETS))
    .option('--fill <fill>', `erased pixel values: ${FILL_NAMES.join(' | ')} | a number (default: the preset's; reference = per-channel mean)`)
    .option('--noise <fraction>', 'replace this fraction of pixels with random values (paper Table 5)', number)
    .option('--epochs <n>', 'number of epochs', integer, d.epochs)
    .option('--start-epoch <n>', 'first epoch to run, 0-based (resume sets it from the checkpoint)', integer, d.startEpoch)
    .option('--schedule <epochs...>', `epochs (0-based) at which the LR is multiplied by --gamma (default: ${d.schedule.join(' ')})`, integers)
    .option('--gamma <g>', 'LR multiplier at each --schedule epoch', number, d.gamma)
    .option('--lr <rate>', 'initial learning rate', number, d.lr)
    .option('--momentum <m>', 'SGD momentum', number, d.momentum)
    .option('--weight-decay <wd>', 'SGD weight decay on every parameter (alias --wd)', number, d.weightDecay)
    .addOption(new Option('--wd <wd>').argParser(number).hideHelp())
    .option('--nesterov', 'Nesterov momentum', d.nesterov)
    .option('--label-smoothing <eps>', 'label smoothing of the cross-entropy', number, d.labelSmoothing)
    .option('--train-batch <n>', 'training batch size', integer, d.trainBatch)
    .option('--micro-batch <n>', 'split each training batch into micro-batches of at most n images (gradients accumulated, one SGD step; BatchNorm statistics per micro-batch): lowers peak memory (default: whole batch)', integer)
    .option('--replicas <n>', 'data-parallel replicas: each batch split in n slices whose gradients are computed concurrently in worker threads (the same step as --micro-batch ceil(batch/n); with --micro-batch, each slice in micro-batches) (default 1)', integer)
    .option('--test-batch <n>', 'test batch size', integer, d.testBatch)
    .option('-j, --workers <n>', 'data loading worker threads (0 = main thread)', integer, d.workers)
    .option('-c, --checkpoint <dir>', 'folder for checkpoints, logs and plots (default with --resume: the checkpoint\'s folder)', d.checkpoint)
    .option('--resume <file>', 'resume from this checkpoint (e.g. checkpoint/checkpoint.ckpt)')
    .option('-e, --evaluate', 'only evaluate a checkpoint (--resume, or <checkpoint>/model_best.ckpt) on the test set', false)
    .option('--manual-seed <n>', 'seed of every random draw (alias --manualSeed; default: random, recorded in seed.txt)', integer)
    .addOption(new Option('--manualSeed <n>').argParser(integer).hideHelp())
    .option('--data-dir <dir>', 'where datasets are looked up')
    .addOption(new Option('--backend <name>', 'TF.js backend (default: the fastest available)').choices(BACKENDS))
    .option('--no-flip', 'no random horizontal flip')
    .option('--no-crop', 'no random crop')
    .option('--train-subset <n>', 'train on a seeded random subset of n training images', integer)
    .option('--test-subset <n>', 'evaluate on a seeded random subset of n test images', integer)
    .option('--json', 'machine-readable output: one JSON object per line on stdout', false);
}

async function runEvaluate(config: TrainConfig, json: boolean): Promise<void> {
  const { evaluateCheckpoint } = await import('../../train/evaluate.js');
  const file = config.resume ?? path.join(config.checkpoint, 'model_best.ckpt');
  const result = await evaluateCheckpoint(file, { dataDir: config.dataDir, backend: config.backend, testBatch: config.testBatch, testSubset: config.testSubset }, json ? 'json' : 'auto');
  if (json) console.log(JSON.stringify({ event: 'evaluation', ...result }));
  else console.log(`\nEvaluation of ${file} (epoch ${result.epoch}, ${result.count} test images)\n Test Loss: ${result.loss.toFixed(8)}, Test Acc: ${result.top1.toFixed(2)}, Top-5: ${result.top5.toFixed(2)}`);
}

async function runTraining(config: TrainConfig, json: boolean): Promise<void> {
  const { train } = await import('../../train/trainer.js');
  const interrupt = interruptSignal('Stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)...');
  try {
    const result = await train(config, { progress: json ? 'json' : 'auto', signal: interrupt.signal });
    if (json) console.log(JSON.stringify({ event: 'done', bestAcc: result.bestAcc, lastAcc: result.lastAcc, epochs: result.epochs, interrupted: result.interrupted, dir: result.paths.dir }));
    if (result.interrupted) {
      console.error(`Interrupted. Checkpoint saved: ${result.paths.checkpoint}\nResume with: random-erasing train --resume ${result.paths.checkpoint}`);
      process.exitCode = 130;
    } else if (!json) {
      console.log(`Run folder: ${result.paths.dir}`);
    }
  } finally {
    interrupt.dispose();
  }
}

/** Config fields named differently from their flag's attribute. */
const FIELD_OF_FLAG: Record<string, keyof TrainConfig> = { manualSeed: 'seed', wd: 'weightDecay' };

/**
 * With --resume, settings not given on the command line come from the checkpoint (the run continues
 * as it was started, epochs included); given ones are passed on, and train() reports those it ignores.
 */
async function withCheckpointSettings(config: TrainConfig, cmd: Command): Promise<TrainConfig> {
  if (!config.resume || cmd.opts().evaluate) return config;
  const { loadCheckpoint } = await import('../../train/checkpoint.js');
  const saved = (await loadCheckpoint(config.resume)).config;
  const given = new Set<string>(
    cmd.options.map((o) => o.attributeName()).filter((name) => cmd.getOptionValueSource(name) === 'cli').map((name) => FIELD_OF_FLAG[name] ?? name),
  );
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(saved)) {
    if (!given.has(key) && key !== 'checkpoint' && key !== 'resume') merged[key] = value;
  }
  return merged as unknown as TrainConfig;
}

/** Add the `train` subcommand. */
export function register(program: Command): void {
  defineOptions(program.command('train').description('train a model as the paper does (flags and defaults of the reference cifar.py / fashionmnist.py)'))
    .action(async (flags: TrainFlags, cmd: Command) => {
      const config = configFromFlags(flags, cmd.getOptionValueSource('checkpoint') !== 'default');
      validateConfig(config);
      if (flags.evaluate) await runEvaluate(config, flags.json);
      else await runTraining(await withCheckpointSettings(config, cmd), flags.json);
    });
}
