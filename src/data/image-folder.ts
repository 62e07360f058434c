/**
 * A user's own dataset: PNG files in one folder per class (`root/<class>/*.png`), optionally split
 * into `root/train/<class>` and `root/test/<class>`. Class indices follow the sorted folder names.
 * All images must have the same size; the dataset is grayscale (1 channel) when every file is, else
 * RGB (alpha dropped).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { PNG, type PNGWithMetadata } from 'pngjs';
import { DataError, type Dataset, type Split } from './dataset.js';

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

async function pngFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.png')).map((e) => join(dir, e.name)).sort();
}

function decode(file: string, buffer: Buffer): PNGWithMetadata {
  try {
    return PNG.sync.read(buffer);
  } catch (error) {
    throw new DataError(file, `not a valid PNG (${(error as Error).message})`);
  }
}

/** Copy RGBA pixels to a 1- or 3-channel destination. */
function copyPixels(rgba: Uint8Array, out: Uint8Array, offset: number, channels: number): void {
  const pixels = rgba.length / 4;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) out[offset + p * channels + c] = rgba[4 * p + c];
  }
}

/** The folder holding the class folders for `split`, and the folder the class list comes from. */
async function splitFolders(root: string, split: Split): Promise<{ dir: string; classesFrom: string }> {
  if (!(await isDir(root))) throw new DataError(root, 'is not a folder');
  const hasSplits = (await isDir(join(root, 'train'))) || (await isDir(join(root, 'test')));
  if (!hasSplits) return { dir: root, classesFrom: root };
  const dir = join(root, split);
  if (!(await isDir(dir))) throw new DataError(root, `has train/test folders but no '${split}' folder`);
  return { dir, classesFrom: (await isDir(join(root, 'train'))) ? join(root, 'train') : dir };
}

/** Load a PNG image-folder dataset. */
export async function loadImageFolder(root: string, options: { split?: Split } = {}): Promise<Dataset> {
  const { dir, classesFrom } = await splitFolders(resolve(root), options.split ?? 'train');
  const classNames = await subfolders(classesFrom);
  if (classNames.length === 0) throw new DataError(classesFrom, 'has no class folders (expected one folder of PNG files per class)');
  const decoded: { png: PNGWithMetadata; label: number }[] = [];
  for (const [label, name] of classNames.entries()) {
    const classDir = join(dir, name);
    if (!(await isDir(classDir))) continue;
    for (const file of await pngFiles(classDir)) {
      const png = decode(file, await readFile(file));
      const first = decoded[0]?.png ?? png;
      if (png.width !== first.width || png.height !== first.height) {
        throw new DataError(file, `is ${png.width}x${png.height}, expected ${first.width}x${first.height} like the other images`);
      }
      decoded.push({ png, label });
    }
  }
  if (decoded.length === 0) throw new DataError(dir, 'contains no PNG files');
  const { width, height } = decoded[0].png;
  const channels = decoded.some((d) => d.png.color) ? 3 : 1;
  const images = new Uint8Array(decoded.length * height * width * channels);
  decoded.forEach((d, i) => copyPixels(d.png.data, images, i * height * width * channels, channels));
  const labels = Int32Array.from(decoded, (d) => d.label);
  return { name: basename(resolve(root)), images, labels, count: decoded.length, height, width, channels, classNames };
}
