import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { tf, tfl } from '../../src/tf/tf.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { fileLoadHandler, modelFromCheckpoint } from '../../src/train/export.js';
import { runCli, tempDir, tinyRun, writeFolderDataset } from './fixtures.js';

const data = await writeFolderDataset(await tempDir('re-cli-data-'));

test('--help documents every flag of train', async () => {
  const { code, stdout } = await runCli(['train', '--help']);
  assert.equal(code, 0);
  const flags = [
    '-d, --dataset', '-a, --arch', '--depth', '--widen-factor', '--cardinality', '--drop', '--p ', '--sl', '--sh', '--r1',
    '--preset', '--fill', '--epochs', '--start-epoch', '--schedule', '--gamma', '--lr', '--momentum', '--weight-decay',
    '--nesterov', '--label-smoothing', '--train-batch', '--micro-batch', '--test-batch', '-j, --workers', '-c, --checkpoint', '--resume',
    '-e, --evaluate', '--manual-seed', '--data-dir', '--backend', '--no-flip', '--no-crop', '--json', '--threads', '--base-width',
  ];
  for (const flag of flags) assert.ok(stdout.includes(flag), `help lacks ${flag}`);
  assert.match(stdout, /alias --wd/);
  assert.match(stdout, /alias --manualSeed/);
  assert.match(stdout, /\(default: 300\)/);
  assert.match(stdout, /\(default: 0\.0005\)/);
});

test('invalid values fail before any work, naming the flag', async () => {
  const dir = await tempDir();
  const cases: Array<[string[], RegExp]> = [
    [['--lr', '-1'], /random-erasing: --lr: expected a number > 0, got -1/],
    [['--lr', 'fast'], /--lr.*expected a number, got 'fast'/],
    [['--p', '1.5'], /--p: expected a number in \[0, 1\], got 1.5/],
    [['--p', '0.5', '--sh', '0.01'], /--sl: expected a number <= sh \(0\.01\), got 0\.02/],
    [['--sh', '0.3'], /--sh: has no effect without erasing \(p is 0\)/],
    [['--epochs', '2.5'], /--epochs.*expected an integer/],
    [['--arch', 'vgg'], /--arch.*vgg.*Allowed choices are resnet, preresnet18, wrn, resnext/],
    [['--p', '0.5', '--fill', 'purple'], /--fill: expected zero, uniform, normal or a number, got 'purple'/],
    [['--schedule', 'x'], /--schedule.*expected a number, got 'x'/],
    [['--backend', 'gpu'], /--backend.*gpu/],
    [['--train-batch', '0'], /--train-batch: expected an integer >= 1, got 0/],
    [['--depth', '7'], /--depth: expected 6n\+2 \(e\.g\. 20\) for resnet, got 7/],
    [['--arch', 'wrn', '--depth', '20'], /--depth: expected 6n\+4 \(e\.g\. 22\) for wrn, got 20/],
    [['--arch', 'resnet', '--widen-factor', '4'], /--widen-factor: does not apply to arch 'resnet' \(only to wrn\)/],
    [['--arch', 'resnext', '--widen-factor', '8'], /--widen-factor: does not apply to arch 'resnext' \(only to wrn\)/],
    [['--arch', 'wrn', '--base-width', '8'], /--base-width: does not apply to arch 'wrn' \(only to resnext\)/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(['train', '-c', `${dir}/run`, ...args]);
    assert.notEqual(code, 0, args.join(' '));
    assert.match(stderr, message, args.join(' '));
  }
  assert.deepEqual(await readdir(dir), [], 'no run folder is created');
});

test('train writes the artifacts, prints the LR and best accuracy; --evaluate and export work on the result', async () => {
  const dir = await tempDir();
  const run = await runCli(tinyRun(data, dir));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Epoch: \[1 \| 2\] LR: 0\.100000/);
  assert.match(run.stdout, /Epoch: \[2 \| 2\] LR: 0\.010000/);
  const best = Number(/Best acc: ([\d.]+)/.exec(run.stdout)?.[1]);
  const files = await readdir(dir);
  for (const name of ['checkpoint.ckpt', 'model_best.ckpt', 'config.json', 'seed.txt', 'log.txt', 'metrics.jsonl', 'curves.png', 'curves.svg']) {
    assert.ok(files.includes(name), `missing ${name}`);
  }
  const metrics = (await readFile(`${dir}/metrics.jsonl`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(best, Math.max(...metrics.map((m) => m.testTop1)));
  assert.equal((await readFile(`${dir}/seed.txt`, 'utf8')).trim(), '3');

  const evaluation = await runCli(['train', '--evaluate', '--resume', `${dir}/model_best.ckpt`, '--json', '--backend', 'wasm']);
  assert.equal(evaluation.code, 0, evaluation.stderr);
  const report = JSON.parse(evaluation.stdout.trim().split('\n').at(-1) as string);
  assert.equal(report.event, 'evaluation');
  assert.equal(report.count, 18);
  assert.ok(Math.abs(report.top1 - best) < 1e-9, `evaluated ${report.top1}, trained best ${best}`);
  assert.ok(report.top5 >= report.top1 && Number.isFinite(report.loss));
  const text = await runCli(['train', '-e', '-c', dir, '--backend', 'wasm']);
  assert.match(text.stdout, /Test Loss: \d+\.\d{8}, Test Acc: \d+\.\d{2}, Top-5: \d+\.\d{2}/);

  const exported = await runCli(['export', `${dir}/model_best.ckpt`, `${dir}/tfjs`]);
  assert.equal(exported.code, 0, exported.stderr);
  const json = JSON.parse(await readFile(`${dir}/tfjs/model.json`, 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  await tf.setBackend('cpu');
  const loaded = await tfl.loadLayersModel(fileLoadHandler(`${dir}/tfjs/model.json`));
  const state = await loadCheckpoint(`${dir}/model_best.ckpt`);
  const original = modelFromCheckpoint(state, 'best');
  const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 5);
  assert.deepEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((original.predict(x) as tf.Tensor).dataSync()));
});

test('Ctrl-C saves a resumable checkpoint and says how to resume', async () => {
  const dir = await tempDir();
  let sent = false;
  const interrupted = await runCli(tinyRun(data, dir, ['--epochs', '50']), (stdout, child) => {
    if (!sent && stdout.includes('Epoch: [2 | 50]')) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /Resume with: random-erasing train --resume .*checkpoint\.ckpt/);
  const saved = await loadCheckpoint(`${dir}/checkpoint.ckpt`);
  assert.ok(saved.epoch >= 1 && saved.epoch < 50);
  // Settings not on the command line come from the checkpoint; a different one is refused, naming its flag.
  const refused = await runCli(['train', '--resume', `${dir}/checkpoint.ckpt`, '--lr', '0.5', '--backend', 'wasm']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--lr: the checkpoint's run has 0\.1, given 0\.5; a resumed run keeps the settings it started with/);
  const resume = ['train', '--resume', `${dir}/checkpoint.ckpt`, '--epochs', String(saved.epoch + 1), '--lr', '0.1', '--backend', 'wasm'];
  const resumed = await runCli(resume);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Resumed from .*checkpoint\.ckpt/);
  assert.match(resumed.stdout, /Best acc:/);
  assert.equal((await loadCheckpoint(`${dir}/checkpoint.ckpt`)).epoch, saved.epoch + 1);
});

test('resuming from a corrupt checkpoint fails with a clear error', async () => {
  const dir = await tempDir();
  await writeFile(`${dir}/checkpoint.ckpt`, 'RECKPT01 not really');
  const { code, stderr } = await runCli(['train', '--resume', `${dir}/checkpoint.ckpt`]);
  assert.equal(code, 1);
  assert.match(stderr, /checkpoint .*checkpoint\.ckpt: (truncated|corrupt)/);
});

test('--json prints one JSON object per line on stdout', async () => {
  const dir = await tempDir();
  const { code, stdout, stderr } = await runCli(tinyRun(data, dir, ['--epochs', '1', '--json']));
  assert.equal(code, 0, stderr);
  const events = stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(events.map((e) => e.event), ['epoch', 'epoch-end', 'done']);
  assert.equal(events[1].epoch, 1);
  assert.equal(events[2].bestAcc, events[1].bestAcc);
  assert.equal(events[2].dir, dir);
});

test('a preset gives its values unless a flag is given; config.json and the start of the output show the resolved values', async () => {
  const torchvision = await tempDir();
  const run = await runCli(tinyRun(data, torchvision, ['--epochs', '1', '--preset', 'torchvision', '--threads', '1']));
  assert.equal(run.code, 0, run.stderr);
  const description = JSON.parse(await readFile(`${torchvision}/config.json`, 'utf8'));
  assert.deepEqual([description.spec.preset, description.spec.p, description.spec.sh], ['torchvision', 0.5, 0.33]);
  assert.deepEqual([description.erasing.sh, description.erasing.r2, description.erasing.aspectSampling, description.erasing.maxAttempts], [0.33, 3.3, 'log-uniform', 10]);
  assert.match(run.stdout, /random erasing: p 0\.5, preset torchvision, area 0\.02\.\.0\.33, aspect 0\.3\.\.3\.3 \(log-uniform\), fill constant 0/);
  // The parameter count as the reference prints it, and recorded.
  assert.match(run.stdout, /^Total params: 0\.0\dM$/m);
  assert.ok(description.model.params > 1000 && description.model.params === Math.round(description.model.params));
  assert.match(run.stdout, new RegExp(`^Run ${description.runId} `, 'm'));

  const timm = await tempDir();
  const args = tinyRun(data, timm, ['--epochs', '1', '--preset', 'timm']).filter((a, i, all) => a !== '--p' && all[i - 1] !== '--p');
  const timmRun = await runCli(args);
  assert.equal(timmRun.code, 0, timmRun.stderr);
  assert.deepEqual(JSON.parse(await readFile(`${timm}/config.json`, 'utf8')).spec.p, 0.5, '--preset timm erases with its p');
});

test('--version prints the package version', async () => {
  const { version } = JSON.parse(await readFile('package.json', 'utf8'));
  const { code, stdout } = await runCli(['--version']);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), version);
});
