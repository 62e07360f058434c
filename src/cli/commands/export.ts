/** `random-erasing export`: a checkpoint's model in the standard TF.js layers format. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { BACKENDS } from '../../tf/backend-names.js';

/** Add the `export` subcommand. */
export function register(program: Command): void {
  program
    .command('export')
    .description('write the model of a checkpoint (a classifier run or a detector run) as TF.js layers format (model.json + weights.bin), loadable with tf.loadLayersModel')
    .argument('<checkpoint>', 'checkpoint file, e.g. checkpoint/model_best.ckpt')
    .argument('[out]', "output folder (default: 'model' next to the checkpoint)")
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(BACKENDS).default('cpu'))
    .action(async (checkpoint: string, out: string | undefined, flags: { backend: (typeof BACKENDS)[number] }) => {
      const { exportLayersModel, modelOfCheckpointFile } = await import('../../train/export.js');
      const { setupBackend } = await import('../../tf/backend.js');
      await setupBackend({ backend: flags.backend });
      const { model, description } = await modelOfCheckpointFile(checkpoint);
      try {
        const files = await exportLayersModel(model, out ?? path.join(path.dirname(checkpoint), 'model'));
        console.log(`Exported ${checkpoint} (${description}):\n  ${files.modelJson}\n  ${files.weights}`);
      } finally {
        model.dispose();
      }
    });
}
