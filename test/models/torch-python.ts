/** Locating a python3 that imports torch (or another module), for comparisons against PyTorch and numpy (tests and benchmark). */
import { spawnSync } from 'node:child_process';

/** Every python3 here that imports `module`: the one on PATH (maybe a pyenv shim), then the system one. */
export function pythonsWith(module: string): string[] {
  return ['python3', '/usr/bin/python3'].filter((python) => spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
}

/** The first python3 that imports `module`, or undefined. */
export function findPythonWith(module: string): string | undefined {
  return pythonsWith(module)[0];
}

/** The first python3 that imports torch, or undefined. */
export function findTorchPython(): string | undefined {
  return findPythonWith('torch');
}
