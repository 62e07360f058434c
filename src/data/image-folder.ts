/**
 * A user's own dataset: PNG and JPEG files in one folder per class (`root/<class>/*.png|jpg|jpeg`),
 * optionally split into `root/train/<class>` and `root/test/<class>` (or `val/`, or `validation/`, for
 * the test split). Class indices follow the sorted folder names of the training split. Files are
 * decoded by their content (pngjs, jpeg-js), whatever their extension. All images must have the same
 * size; the dataset is grayscale (1 channel) when every image is (a PNG of a gray colour type, a
 * JPEG whose every pixel has r = g = b), else RGB (alpha dropped).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError, type Dataset, type Split } from './dataset.js';

/** Folders holding the test split, in order of preference. */
export const TEST_SPLIT_FOLDERS = ['test', 'val', 'validation'] as const;

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** A decoded file: RGBA pixels and whether it holds gray values only. */
interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
  readonly gray: boolean;
}

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

async function imageFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const isImage = (name: string) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
  return entries.filter((e) => e.isFile() && isImage(e.name)).map((e) => join(dir, e.name)).sort();
}

function isGrayRgba(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  return true;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

function startsWith(buffer: Buffer, signature: readonly number[]): boolean {
  return signature.every((byte, i) => buffer[i] === byte);
}

/** Decode a PNG or a JPEG (told apart by their first bytes); the error names the file. */
function decode(file: string, buffer: Buffer): DecodedImage {
  const format = startsWith(buffer, PNG_SIGNATURE) ? 'PNG' : startsWith(buffer, JPEG_SIGNATURE) ? 'JPEG' : null;
  if (format === null) {
    const named = file.toLowerCase().endsWith('.png') ? 'PNG' : 'JPEG';
    throw new DataError(file, `not a valid ${named} (its first bytes are neither the PNG nor the JPEG signature)`);
  }
  try {
    if (format === 'PNG') {
      const png = PNG.sync.read(buffer);
      return { width: png.width, height: png.height, rgba: png.data, gray: !png.color };
    }
    // Strict decoding: a truncated or corrupt file is reported, not loaded with missing blocks.
    const image = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false });
    return { width: image.width, height: image.height, rgba: image.data, gray: isGrayRgba(image.data) };
  } catch (error) {
    throw new DataError(file, `not a valid ${format} (${(error as Error).message})`);
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
  const present: string[] = [];
  for (const name of ['train', ...TEST_SPLIT_FOLDERS]) if (await isDir(join(root, name))) present.push(name);
  if (present.length === 0) return { dir: root, classesFrom: root };
  const folder = split === 'train' ? 'train' : TEST_SPLIT_FOLDERS.find((name) => present.includes(name));
  if (folder === undefined || !present.includes(folder)) {
    const wanted = split === 'train' ? `'train'` : TEST_SPLIT_FOLDERS.map((n) => `'${n}'`).join(' or ');
    throw new DataError(root, `has split folders (${present.join(', ')}) but no ${wanted} folder for the ${split} split`);
  }
  const dir = join(root, folder);
  return { dir, classesFrom: present.includes('train') ? join(root, 'train') : dir };
}

/**
 * Load an image-folder dataset (PNG and JPEG).
 *
 * @example
 * const train = await loadImageFolder('photos');                    // photos/train/<class>/*.jpg
 * const test = await loadImageFolder('photos', { split: 'test' });  // photos/test/ or photos/val/
 */
export async function loadImageFolder(root: string, options: { split?: Split } = {}): Promise<Dataset> {
  const { dir, classesFrom } = await splitFolders(resolve(root), options.split ?? 'train');
  const classNames = await subfolders(classesFrom);
  if (classNames.length === 0) throw new DataError(classesFrom, 'has no class folders (expected one folder of PNG or JPEG files per class)');
  const decoded: { image: DecodedImage; label: number }[] = [];
  for (const [label, name] of classNames.entries()) {
    const classDir = join(dir, name);
    if (!(await isDir(classDir))) continue;
    for (const file of await imageFiles(classDir)) {
      const image = decode(file, await readFile(file));
      const first = decoded[0]?.image ?? image;
      if (image.width !== first.width || image.height !== first.height) {
        throw new DataError(file, `is ${image.width}x${image.height}, expected ${first.width}x${first.height} like the other images`);
      }
      decoded.push({ image, label });
    }
  }
  if (decoded.length === 0) throw new DataError(dir, 'contains no PNG or JPEG files');
  const { width, height } = decoded[0].image;
  const channels = decoded.every((d) => d.image.gray) ? 1 : 3;
  const images = new Uint8Array(decoded.length * height * width * channels);
  decoded.forEach((d, i) => copyPixels(d.image.rgba, images, i * height * width * channels, channels));
  const labels = Int32Array.from(decoded, (d) => d.label);
  return { name: basename(resolve(root)), images, labels, count: decoded.length, height, width, channels, classNames };
}
