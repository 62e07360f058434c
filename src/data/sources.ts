/**
 * Where dataset files are looked for, and the options shared by every dataset source. A dataset is
 * read from one folder only: a folder the user names (`dataDir`) is the only place looked at, and
 * otherwise the first folder of the search order that holds any of the dataset's files is its source,
 * so a split's files never come from two places.
 */
import { join } from 'node:path';
import { DataError, type Split } from './dataset.js';
import { defaultCacheDir, exists } from './files.js';

/** Options shared by the dataset sources (the `loadDataset` options). */
export interface SourceOptions {
  /** Which split to load (default `train`). */
  split?: Split;
  /** The folder holding the dataset (as is, or in a subfolder named after it); when set, the only one looked at. */
  dataDir?: string;
  /** Download missing files into the cache (default true). */
  download?: boolean;
  /** Check md5 sums (default true); turn off for custom data in an official format. */
  verify?: boolean;
  /** Download cache (default `$XDG_CACHE_HOME/random-erasing` or `~/.cache/random-erasing`). */
  cacheDir?: string;
  /** Base URL of the download mirror (default: the dataset's official site). */
  mirror?: string;
  /** Progress bar while downloading (default: when stderr is a terminal). */
  progress?: boolean;
  /** Download retries (default 3) and the delay unit between them in ms (default 1000). */
  retries?: number;
  retryDelayMs?: number;
  /** Overrides the system-wide location (e.g. /usr/share/datasets/fashion-mnist); `null` skips it. */
  systemDir?: string | null;
}

/** The dataset's folder inside the download cache. */
export function cacheFolder(name: string, options: SourceOptions): string {
  return join(options.cacheDir ?? defaultCacheDir(), name);
}

/** One place a dataset may be read from. */
export interface SourceDir {
  readonly dir: string;
  /** Named by the user (`dataDir`): nothing else is looked at. */
  readonly explicit: boolean;
  /** The download cache: missing files may be downloaded into it. */
  readonly cache: boolean;
}

/**
 * Folders to search, in order. With `dataDir`: that folder and its `name` subfolder only. Otherwise
 * `$RE_DATA_DIR` (as is and with a `name` subfolder), the system location, then the cache folder.
 */
export function searchDirs(name: string, options: SourceOptions, systemDir: string | null): SourceDir[] {
  if (options.dataDir !== undefined) {
    return [options.dataDir, join(options.dataDir, name)].map((dir) => ({ dir, explicit: true, cache: false }));
  }
  const dirs: SourceDir[] = [];
  const env = process.env.RE_DATA_DIR;
  if (env && env.length > 0) dirs.push(...[env, join(env, name)].map((dir) => ({ dir, explicit: false, cache: false })));
  const system = options.systemDir === undefined ? systemDir : options.systemDir;
  if (system !== null) dirs.push({ dir: system, explicit: false, cache: false });
  dirs.push({ dir: cacheFolder(name, options), explicit: false, cache: true });
  return dirs;
}

/** Whether `dir` holds any of `names`. */
export async function holdsAny(dir: string, names: readonly string[]): Promise<boolean> {
  for (const name of names) if (await exists(join(dir, name))) return true;
  return false;
}

/** The error for an explicit `dataDir` that holds none of the dataset's files. */
export function emptyDataDir(name: string, options: SourceOptions, looked: readonly string[]): DataError {
  return new DataError(options.dataDir ?? '', `holds no ${name} files (looked for ${looked.join(', ')} there and in its ${name}/ subfolder)`);
}

/** The error for a source folder that lacks a file the split needs. */
export function missingFile(name: string, dir: string, file: string): DataError {
  return new DataError(join(dir, file), `is missing: ${dir} holds other ${name} files, so it is the dataset's source and must hold them all`);
}
