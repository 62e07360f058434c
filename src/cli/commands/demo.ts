/**
 * `random-erasing demo` (what `npm start` runs): ResNet-20 on real Fashion-MNIST trained without and
 * with Random Erasing on a budget that finishes in about ten minutes on two cores, both tested under
 * occlusion (the paper's claim), with every artifact in one folder, printed at the end.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { DEMO_BUDGET } from '../../experiments/demo.js';
import type { RunRuntime } from '../../train/run-runtime.js';
import { interruptSignal } from '../interrupt.js';
import { integer } from '../options.js';
import { addRunFlags, givenRunFields } from '../run-flags.js';

interface DemoFlags {
  out?: string;
  epochs: number;
  trainSubset: number;
  testSubset: number;
  seed: number;
}

const RUNTIME = ['threads', 'workers', 'backend', 'native', 'dataDir'] as const;

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

async function demo(flags: DemoFlags, cmd: Command): Promise<void> {
  const [{ runDemo }, { GridInterrupted }] = await Promise.all([import('../../experiments/demo.js'), import('../../experiments/train-executor.js')]);
  const outDir = path.resolve(flags.out ?? path.join('runs', `demo-${timestamp()}`));
  const started = Date.now();
  console.log(
    `Random Erasing demo: ResNet-20 on Fashion-MNIST without and with Random Erasing (p 0.5, sl 0.02, sh 0.4, r1 0.3), ` +
      `${flags.epochs} epochs on ${flags.trainSubset} training images, tested on ${flags.testSubset} clean and occluded, seed ${flags.seed}.\nFolder: ${outDir}`,
  );
  const interrupt = interruptSignal('Stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)...');
  try {
    const result = await runDemo({
      outDir,
      budget: { epochs: flags.epochs, trainSubset: flags.trainSubset, testSubset: flags.testSubset },
      seed: flags.seed,
      runtime: givenRunFields(cmd, RUNTIME) as Omit<RunRuntime, 'checkpoint'>,
      progress: 'auto',
      signal: interrupt.signal,
      log: (line) => console.log(line),
    });
    const files = result.experiment.files;
    console.log(
      [
        `\nDone in ${((Date.now() - started) / 60000).toFixed(1)} min. ${result.verdict}`,
        `Artifacts in ${outDir}:`,
        `  preview.png                         training samples before/after augmentation`,
        `  ${path.relative(outDir, files.occlusion?.chart.png ?? '')}, occlusion.md           test error under occlusion, both models`,
        `  ${path.relative(outDir, files.markdown)}, results.png           clean test error, both models`,
        `  runs/<model>/seed-${flags.seed}/                    each run: log.txt, metrics.jsonl, curves.png, checkpoints, config.json`,
        `  model/                              the Random Erasing model in TF.js layers format (${path.basename(result.exported.modelJson)} + ${path.basename(result.exported.weights)})`,
        `Full paper recipe: random-erasing train -d fashionmnist -a resnet --depth 20 --p 0.5 -c checkpoint/fmnist-re`,
      ].join('\n'),
    );
  } catch (error) {
    if (!(error instanceof GridInterrupted)) throw error;
    console.error(`Interrupted. The same command with --out ${outDir} continues where it stopped.`);
    process.exitCode = 130;
  } finally {
    interrupt.dispose();
  }
}

/** Add the `demo` subcommand. */
export function register(program: Command): void {
  const cmd = program
    .command('demo')
    .description('the paper\'s claim on real data in about 10 minutes on 2 cores: ResNet-20 on Fashion-MNIST without and with Random Erasing, tested under occlusion')
    .option('--out <dir>', 'output folder (default: runs/demo-<time>); the same folder resumes an interrupted demo')
    .option('--epochs <n>', 'epochs per model', integer, DEMO_BUDGET.epochs)
    .option('--train-subset <n>', 'training images (seeded subset)', integer, DEMO_BUDGET.trainSubset)
    .option('--test-subset <n>', 'test images (seeded subset), clean and occluded', integer, DEMO_BUDGET.testSubset)
    .option('--seed <n>', 'seed of both runs', integer, 1);
  addRunFlags(cmd, RUNTIME).action(async (flags: DemoFlags, command: Command) => demo(flags, command));
}
