/**
 * `random-erasing occlusion`: test error of trained checkpoints under occlusion levels (the paper's
 * Fig. 3), the same occluded test images for every model; writes CSV, markdown and a plot.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { BACKENDS, type BackendName } from '../../tf/backend-names.js';
import { integer, numbers } from '../options.js';

interface OcclusionFlags {
  levels?: number[];
  seed: number;
  testSubset?: number;
  testBatch?: number;
  dataDir?: string;
  backend?: BackendName;
  out: string;
  json: boolean;
}

/** `label=path` or `path`; a folder means its `checkpoint.ckpt`; the default label is the folder's name. */
async function resolveCheckpoint(arg: string): Promise<{ label: string; file: string }> {
  const eq = arg.indexOf('=');
  const given = eq > 0 ? arg.slice(eq + 1) : arg;
  let file = given;
  try {
    if ((await stat(given)).isDirectory()) file = path.join(given, 'checkpoint.ckpt');
  } catch {
    throw new Error(`checkpoint '${given}' does not exist (give a checkpoint file or a run folder)`);
  }
  const label = eq > 0 ? arg.slice(0, eq) : path.basename(path.dirname(path.resolve(file)));
  return { label, file };
}

async function occlusion(args: string[], flags: OcclusionFlags): Promise<void> {
  const models = await Promise.all(args.map(resolveCheckpoint));
  const labels = models.map((m) => m.label);
  const repeated = labels.find((l, i) => labels.indexOf(l) !== i);
  if (repeated) throw new Error(`two checkpoints are labelled '${repeated}'; name them as label=path`);
  const [{ evaluateOcclusion, checkLevels, DEFAULT_LEVELS }, { writeOcclusionReport }] = await Promise.all([
    import('../../train/occlusion.js'),
    import('../../experiments/occlusion-report.js'),
  ]);
  const levels = flags.levels ?? DEFAULT_LEVELS;
  checkLevels(levels);
  const started = Date.now();
  const points = await evaluateOcclusion({
    models,
    levels,
    seed: flags.seed,
    testSubset: flags.testSubset,
    batchSize: flags.testBatch,
    dataDir: flags.dataDir,
    backend: flags.backend,
    progress: flags.json ? 'silent' : 'auto',
    onPoint: (point, done, total) => {
      const eta = ((Date.now() - started) / done) * (total - done) / 1000;
      if (flags.json) console.log(JSON.stringify({ event: 'point', ...point }));
      else console.log(`[${done}/${total}] ${point.model} at occlusion ${point.level}: test error ${point.error.toFixed(2)}% (ETA ${eta.toFixed(0)} s)`);
    },
  });
  const subset = flags.testSubset === undefined ? 'all test images' : `${flags.testSubset} test images (seeded subset)`;
  const note = `One random rectangle (uniform random fill) covering the given fraction of each test image, occlusion seed ${flags.seed}, ${subset}; the same occluded images for every model. Checkpoints: ${models.map((m) => `${m.label} = ${m.file}`).join(', ')}.`;
  const files = await writeOcclusionReport(flags.out, points, 'Test error (%) under occlusion', note);
  if (flags.json) console.log(JSON.stringify({ event: 'done', files }));
  else console.log(`Wrote ${files.csv}, ${files.markdown}, ${files.chart.png}, ${files.chart.svg}`);
}

/** Add the `occlusion` subcommand. */
export function register(program: Command): void {
  program
    .command('occlusion')
    .description('test error of checkpoints under occlusion levels (paper Fig. 3): CSV, markdown table and plot')
    .argument('<checkpoints...>', 'checkpoint files or run folders, optionally labelled: baseline=runs/a re=runs/b/checkpoint.ckpt')
    .option('--levels <fractions...>', 'occluded fractions of the image area (default 0 0.1 ... 0.8)', numbers)
    .option('--seed <n>', 'seed of the occluding rectangles and of --test-subset', integer, 0)
    .option('--test-subset <n>', 'evaluate on a seeded random subset of n test images', integer)
    .option('--test-batch <n>', "evaluation batch size (default: the checkpoint's)", integer)
    .option('--data-dir <dir>', 'where datasets are looked up')
    .addOption(new Option('--backend <name>', 'TF.js backend (default: the checkpoint\'s, else the fastest available)').choices(BACKENDS))
    .option('-o, --out <dir>', 'output folder for occlusion.csv/.md/.png/.svg', 'occlusion')
    .option('--json', 'one JSON object per line on stdout', false)
    .action(async (args: string[], flags: OcclusionFlags) => occlusion(args, flags));
}
