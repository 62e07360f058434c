import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ESLint } from 'eslint';

const eslint = new ESLint();

/** Rule ids of the errors ESLint reports for `code` placed at `file`. */
async function errorsOf(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(file) });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? '');
}

test('an import from a later layer fails the lint, static or dynamic; from an earlier one it passes', async () => {
  const cases: Array<[string, string, boolean]> = [
    ['src/core/probe.ts', "import { tf } from '../tf/tf.js';\nexport const x = tf;\n", false],
    ['src/tf/probe.ts', "import { loadDataset } from '../data/load.js';\nexport const x = loadDataset;\n", false],
    ['src/data/probe.ts', "import { tf } from '../tf/tf.js';\nexport const x = tf;\n", false],
    ['src/models/probe.ts', "export const x = () => import('../train/trainer.js');\n", false],
    ['src/train/probe.ts', "import { runExperiment } from '../experiments/experiment.js';\nexport const x = runExperiment;\n", false],
    ['src/experiments/probe.ts', "import { errorLine } from '../cli/error-line.js';\nexport const x = errorLine;\n", false],
    ['src/tf/kernels/probe.ts', "import { train } from '../../train/trainer.js';\nexport const x = train;\n", false],
    ['src/train/probe.ts', "import { Rng } from '../core/rng.js';\nimport { tf } from '../tf/tf.js';\nexport const x = [Rng, tf];\n", true],
    ['src/cli/probe.ts', "import { runExperiment } from '../experiments/experiment.js';\nexport const x = runExperiment;\n", true],
  ];
  for (const [file, code, allowed] of cases) {
    const errors = await errorsOf(file, code);
    assert.equal(errors.length === 0, allowed, `${file}: ${code.split('\n')[0]} -> ${errors.join(', ') || 'no error'}`);
    if (!allowed) assert.ok(errors.every((id) => id === 'no-restricted-imports' || id === 'no-restricted-syntax'), errors.join(', '));
  }
});

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

test('each list is defined once: presets, architectures and backends are not spelled out outside their module', async () => {
  const lists: Array<[RegExp, string]> = [
    [/'reference',\s*'paper',\s*'torchvision'/, 'src/core/presets.ts'],
    [/'resnet',\s*'preresnet18',\s*'wrn'/, 'src/models/spec.ts'],
    [/'(wasm|tensorflow)',\s*'(cpu|wasm)',\s*'(tensorflow|cpu)'/, 'src/tf/backend-names.ts'],
  ];
  for (const file of await sources('src')) {
    const text = await readFile(file, 'utf8');
    for (const [pattern, home] of lists) {
      if (path.normalize(file) !== path.normalize(home)) assert.doesNotMatch(text, pattern, `${file} repeats the list defined in ${home}`);
    }
  }
});
