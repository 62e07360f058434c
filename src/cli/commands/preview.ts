/**
 * `random-erasing preview`: a PNG grid of dataset samples before and after Random Erasing (like the
 * paper's Figure 1), or, with `--object-aware`, IRE / ORE / I+ORE erasing with the object boxes drawn.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { PRESET_NAMES, type PresetName } from '../../core/presets.js';
import { integer, integers, number } from '../options.js';

interface PreviewFlags {
  dataset: string;
  split: 'train' | 'test';
  dataDir?: string;
  preset: PresetName;
  p: number;
  sl?: number;
  sh?: number;
  r1?: number;
  samples: number;
  indices?: number[];
  draws: number;
  seed: number;
  scale?: number;
  outline: boolean;
  objectAware: boolean;
  detection: boolean;
  boxes?: string;
  out: string;
}

async function preview(flags: PreviewFlags): Promise<void> {
  const [{ loadDataset }, { RandomErasing }, grid, samples, objects] = await Promise.all([
    import('../../data/load.js'),
    import('../../core/random-erasing.js'),
    import('../../experiments/image-grid.js'),
    import('../../experiments/erasing-preview.js'),
    import('../../experiments/object-preview.js'),
  ]);
  const overrides = Object.fromEntries(
    Object.entries({ p: flags.p, sl: flags.sl, sh: flags.sh, r1: flags.r1 }).filter(([, v]) => v !== undefined),
  );
  const eraser = new RandomErasing(flags.preset, overrides);
  const boxes = flags.boxes ? objects.parseBoxes(await readFile(flags.boxes, 'utf8'), flags.boxes) : undefined;
  const dataset = await loadDataset(flags.dataset, { split: flags.split, ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) });
  if (flags.detection) {
    const { writeDetectionPreview } = await import('../../experiments/detection-preview.js');
    console.log(await writeDetectionPreview({ ...flags, source: dataset, eraser }));
    return;
  }
  const indices = flags.indices ?? samples.pickSamples(dataset, flags.samples, flags.seed);
  const common = { dataset, indices, eraser, seed: flags.seed, outline: flags.outline };
  const rows = flags.objectAware
    ? objects.objectAwarePreview({ ...common, boxes })
    : samples.erasingPreview({ ...common, draws: flags.draws });
  await writeFile(flags.out, grid.encodePng(grid.renderGrid(rows, { scale: flags.scale })));
  const legend = flags.objectAware
    ? `rows: original with boxes (green), ${objects.OBJECT_MODES.map((m) => m.label).join(', ')}`
    : `rows: original, then ${flags.draws} independent erasing draw(s)`;
  console.log(`${flags.out}: ${indices.length} ${dataset.name} ${flags.split} samples (${indices.join(', ')}); ${legend}; preset ${flags.preset}, p=${eraser.options.p}, seed ${flags.seed}`);
}

/** Add the `preview` subcommand. */
export function register(program: Command): void {
  program
    .command('preview')
    .description('PNG grid of samples before and after Random Erasing (paper Fig. 1), or object-aware erasing (IRE / ORE / I+ORE) with boxes')
    .option('-d, --dataset <name>', 'fashionmnist | cifar10 | cifar100 | path of a PNG folder dataset', 'fashionmnist')
    .addOption(new Option('--split <split>', 'dataset split').choices(['train', 'test']).default('train'))
    .option('--data-dir <dir>', 'where datasets are looked up')
    .addOption(new Option('--preset <name>', 'Random Erasing preset').choices(PRESET_NAMES).default('paper'))
    .option('--p <prob>', 'erasing probability (default 1 so every erased row shows erasing; training uses 0.5)', number, 1)
    .option('--sl <area>', "smallest erased area fraction (default: the preset's)", number)
    .option('--sh <area>', "largest erased area fraction (default: the preset's)", number)
    .option('--r1 <ratio>', "smallest aspect ratio (default: the preset's)", number)
    .option('-n, --samples <n>', 'number of samples (columns), spread over the classes', integer, 8)
    .option('--indices <i...>', 'exact sample indices instead of --samples', integers)
    .option('--draws <n>', 'erased rows under the originals', integer, 2)
    .option('--seed <n>', 'seed of the sample choice and of the erasing draws', integer, 0)
    .option('--scale <k>', 'integer upscaling of each image (default: at least 112 px per tile)', integer)
    .option('--outline', 'outline erased regions in red', false)
    .option('--object-aware', 'object-aware modes: rows IRE, ORE, I+ORE with object boxes drawn in green', false)
    .option('--detection', 'detection scenes made from the dataset (seeded by --seed): rows with boxes, IRE, ORE, I+ORE, occluded test', false)
    .option('--boxes <file.json>', 'object boxes for every sample: JSON array of {"x1","y1","x2","y2"} (default: generated)')
    .option('-o, --out <file.png>', 'output PNG', 'preview.png')
    .action(async (flags: PreviewFlags, command: Command) => {
      if (flags.boxes && !flags.objectAware) throw new Error('--boxes: only used with --object-aware');
      if (flags.detection && (flags.objectAware || command.getOptionValueSource('draws') === 'cli')) throw new Error('--detection: not with --object-aware or --draws');
      await preview(flags);
    });
}
