/** Helpers for CLI tests: a generated PNG folder dataset and a way to run the CLI in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { Rng } from '../../src/core/rng.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

/** A fresh temporary folder. */
export function tempDir(prefix = 're-cli-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * Write `root/{train,test}/<class>/*.png`: 8x8 grayscale images of 3 classes, class c bright in rows
 * 2c..2c+1, with seeded noise.
 */
export async function writeFolderDataset(root: string, perClass = { train: 16, test: 6 }): Promise<string> {
  const rng = Rng.fromSeed(11);
  for (const split of ['train', 'test'] as const) {
    for (let c = 0; c < 3; c++) {
      const dir = path.join(root, split, `class-${c}`);
      await mkdir(dir, { recursive: true });
      for (let i = 0; i < perClass[split]; i++) {
        const png = new PNG({ width: 8, height: 8, colorType: 0 });
        for (let p = 0; p < 64; p++) {
          const value = (Math.floor(p / 8) >> 1 === c ? 200 : 40) + rng.int(-30, 30);
          png.data.set([value, value, value, 255], p * 4);
        }
        await writeFile(path.join(dir, `${i}.png`), PNG.sync.write(png, { colorType: 0 }));
      }
    }
  }
  return root;
}

/** Output of a finished CLI run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Start the CLI (`node --import tsx src/cli/main.ts ...args`). */
export function startCli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Run the CLI to completion; `onStdout` sees the output as it arrives. */
export function runCli(args: readonly string[], onStdout?: (text: string, child: ChildProcess) => void): Promise<CliResult> {
  const child = startCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Flags of a tiny, fast training run on a generated folder dataset. */
export function tinyRun(data: string, dir: string, extra: readonly string[] = []): string[] {
  return ['train', '-d', data, '--depth', '8', '--epochs', '2', '--schedule', '1', '--train-batch', '16', '--test-batch', '9', '-j', '0', '--p', '0.5', '--manual-seed', '3', '--backend', process.env.RE_TEST_BACKEND ?? 'wasm', '-c', dir, ...extra];
}
