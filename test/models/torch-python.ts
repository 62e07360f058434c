/** Locating a python3 that imports torch (or another module), for comparisons against PyTorch and numpy (tests and benchmark). */
import { spawnSync } from 'node:child_process';

/** The first python3 that imports `module` (a pyenv shim may shadow the system one), or undefined. */
export function findPythonWith(module: string): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
}

/** The first python3 that imports torch, or undefined. */
export function findTorchPython(): string | undefined {
  return findPythonWith('torch');
}
