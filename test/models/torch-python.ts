/** Locating a python3 that imports torch, for comparisons against PyTorch (tests and benchmark). */
import { spawnSync } from 'node:child_process';

/** The first python3 that imports torch (a pyenv shim may shadow the system one), or undefined. */
export function findTorchPython(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}
