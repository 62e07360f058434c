/** Talking to PyTorch from the tests and benchmarks: locating python3, and weights and data in a binary blob. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { tfl } from '../../src/tf/tf.js';

/** The folder of `torch_nets.py` (PyTorch definitions of our architectures), for `sys.path`. */
export const TORCH_NETS_DIR = path.dirname(fileURLToPath(import.meta.url));

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

/** Where one array lies in a {@link Blob}, in float32 units (what torch_nets.Blob reads). */
export interface ArrayRef {
  offset: number;
  shape: number[];
}

/** Accumulates float32 arrays into one binary blob. */
export class Blob {
  private readonly parts: Float32Array[] = [];
  private length = 0;

  add(values: Float32Array, shape: number[]): ArrayRef {
    this.parts.push(values);
    const ref = { offset: this.length, shape };
    this.length += values.length;
    return ref;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  }
}

/** The layers of `model` that hold weights, with their arrays added to `blob` (what torch_nets.build loads). */
export function layerArrays(model: tfl.LayersModel, blob: Blob): Array<{ name: string; arrays: ArrayRef[] }> {
  return model.layers
    .filter((l) => l.getWeights().length > 0)
    .map((l) => ({ name: l.name, arrays: l.getWeights().map((w) => blob.add((w.dataSync() as Float32Array).slice(), w.shape)) }));
}
