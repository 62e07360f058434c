/**
 * `random-erasing demo` (what `npm start` runs): ResNet-20 on real Fashion-MNIST with Random Erasing
 * (p = 0.5, the paper's setting) on a budget that finishes in about ten minutes on two cores. Writes
 * every training artifact plus a preview of erased training samples and the exported model into one
 * run folder, and prints where.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { BACKENDS, makeConfig, type TrainConfig } from '../../train/config.js';
import { interruptSignal } from '../interrupt.js';
import { integer } from '../options.js';

/** The demo's budget: a seeded subset of Fashion-MNIST and a short step schedule. */
export const DEMO_BUDGET = { epochs: 4, trainSubset: 6400, testSubset: 2000 } as const;

interface DemoFlags {
  out?: string;
  epochs: number;
  trainSubset: number;
  testSubset: number;
  workers: number;
  backend?: TrainConfig['backend'];
  dataDir?: string;
  manualSeed: number;
}

/** The demo's training config: the paper's recipe scaled to the budget (LR steps at 1/2 and 3/4). */
export function demoConfig(flags: DemoFlags, dir: string): TrainConfig {
  return makeConfig({
    dataset: 'fashion-mnist',
    dataDir: flags.dataDir,
    arch: 'resnet',
    depth: 20,
    p: 0.5,
    epochs: flags.epochs,
    schedule: [Math.floor(flags.epochs / 2), Math.floor((3 * flags.epochs) / 4)].filter((e, i, all) => e > 0 && all.indexOf(e) === i),
    trainSubset: flags.trainSubset,
    testSubset: flags.testSubset,
    workers: flags.workers,
    backend: flags.backend,
    seed: flags.manualSeed,
    checkpoint: dir,
  });
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const { train } = await import('../../train/trainer.js');
  const { loadSplit, trainPipelineOf } = await import('../../train/data-source.js');
  const { writeTrainingPreview } = await import('../../train/training-preview.js');
  const { exportLayersModel, modelFromCheckpoint } = await import('../../train/export.js');
  const { loadCheckpoint } = await import('../../train/checkpoint.js');
  const dir = path.resolve(flags.out ?? path.join('runs', `demo-${timestamp()}`));
  const config = demoConfig(flags, dir);
  const started = Date.now();
  console.log(
    `Random Erasing demo: ResNet-20 on Fashion-MNIST, p = 0.5 (sl 0.02, sh 0.4, r1 0.3), ${config.epochs} epochs on ` +
      `${config.trainSubset} training images, tested on ${config.testSubset}, seed ${config.seed}.\nRun folder: ${dir}`,
  );
  const preview = path.join(dir, 'preview.png');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeTrainingPreview(preview, await loadSplit(config, 'train'), trainPipelineOf(config), config.seed);
  console.log(`Preview of erased training samples: ${preview}`);

  const interrupt = interruptSignal('Stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)...');
  let result;
  try {
    result = await train(config, { progress: 'auto', signal: interrupt.signal });
  } finally {
    interrupt.dispose();
  }
  if (result.interrupted) {
    console.error(`Interrupted. Resume with: random-erasing train --resume ${result.paths.checkpoint}`);
    process.exitCode = 130;
    return;
  }
  const best = await loadCheckpoint(result.paths.best);
  const model = modelFromCheckpoint(best, result.paths.best);
  const exported = await exportLayersModel(model, path.join(dir, 'model')).finally(() => model.dispose());
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(
    [
      `\nDone in ${minutes} min. Best test accuracy ${result.bestAcc.toFixed(2)}% (last ${result.lastAcc.toFixed(2)}%).`,
      `Artifacts in ${dir}:`,
      `  preview.png                      training samples before/after augmentation`,
      `  log.txt, metrics.jsonl           per-epoch LR, loss, top-1, top-5`,
      `  curves.png, curves.svg           loss and accuracy curves`,
      `  checkpoint.ckpt, model_best.ckpt resumable checkpoints (random-erasing train --resume ...)`,
      `  config.json, seed.txt            the run's settings`,
      `  model/                           best model in TF.js layers format (${path.basename(exported.modelJson)} + ${path.basename(exported.weights)})`,
      `Full paper recipe: random-erasing train -d fashionmnist -a resnet --depth 20 --p 0.5 --epochs 300 --schedule 150 225 -c checkpoint/fmnist-re`,
    ].join('\n'),
  );
}

/** Add the `demo` subcommand. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('quick demonstration on real data: ResNet-20 on Fashion-MNIST with Random Erasing, about 10 minutes on 2 cores')
    .option('--out <dir>', 'run folder (default: runs/demo-<time>)')
    .option('--epochs <n>', 'epochs', integer, DEMO_BUDGET.epochs)
    .option('--train-subset <n>', 'training images (seeded subset)', integer, DEMO_BUDGET.trainSubset)
    .option('--test-subset <n>', 'test images (seeded subset)', integer, DEMO_BUDGET.testSubset)
    .option('-j, --workers <n>', 'data loading worker threads', integer, 1)
    .addOption(new Option('--backend <name>', 'TF.js backend (default: the fastest available)').choices(BACKENDS))
    .option('--data-dir <dir>', 'where Fashion-MNIST is looked up')
    .option('--manual-seed <n>', 'seed', integer, 1)
    .action(runDemo);
}
