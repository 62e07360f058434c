/** `loadDataset`: one entry point for the built-in datasets and image folders. */
import { loadCifar } from './cifar.js';
import { DataError, type Dataset } from './dataset.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { exists } from './files.js';
import { loadImageFolder } from './image-folder.js';
import type { SourceOptions } from './sources.js';

/** Names of the built-in datasets. */
export const DATASET_NAMES = ['fashion-mnist', 'cifar10', 'cifar100'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const ALIASES: Record<string, DatasetName> = {
  'fashion-mnist': 'fashion-mnist',
  fashionmnist: 'fashion-mnist',
  cifar10: 'cifar10',
  'cifar-10': 'cifar10',
  cifar100: 'cifar100',
  'cifar-100': 'cifar100',
};

/** The canonical built-in name for `name` (case-insensitive, `cifar-10` style accepted), or null. */
export function builtinName(name: string): DatasetName | null {
  return ALIASES[name.toLowerCase()] ?? null;
}

/** Options of {@link loadDataset}. */
export type LoadOptions = SourceOptions;

/**
 * Load a dataset split into memory: a built-in name (`fashion-mnist`, `cifar10`, `cifar100`) or the
 * path of a PNG image folder (one subfolder per class).
 *
 * @example
 * const train = await loadDataset('fashion-mnist', { split: 'train' });
 * const mine = await loadDataset('./my-images', { split: 'test' });
 */
export async function loadDataset(nameOrPath: string, options: LoadOptions = {}): Promise<Dataset> {
  const name = builtinName(nameOrPath);
  if (name === 'fashion-mnist') return loadFashionMnist(options);
  if (name === 'cifar10' || name === 'cifar100') return loadCifar(name, options);
  if (!(await exists(nameOrPath))) {
    throw new DataError(nameOrPath, `is neither a built-in dataset (${DATASET_NAMES.join(', ')}) nor an image folder`);
  }
  return loadImageFolder(nameOrPath, options);
}
