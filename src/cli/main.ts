#!/usr/bin/env node
/**
 * The `random-erasing` command line: one subcommand per file in `commands/`, each exporting
 * `register(program)`. Errors print one clear line and exit non-zero.
 */
import { Command } from 'commander';
import { register as registerDemo } from './commands/demo.js';
import { register as registerExperiment } from './commands/experiment.js';
import { register as registerExport } from './commands/export.js';
import { register as registerOcclusion } from './commands/occlusion.js';
import { register as registerPreview } from './commands/preview.js';
import { register as registerTrain } from './commands/train.js';

const program = new Command('random-erasing')
  .description('Random Erasing data augmentation (Zhong et al., AAAI 2020) and the paper\'s training system on TensorFlow.js')
  .showHelpAfterError('(run with --help for usage)');

registerTrain(program);
registerExport(program);
registerDemo(program);
registerPreview(program);
registerOcclusion(program);
registerExperiment(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`random-erasing: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
