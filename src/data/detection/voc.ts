/**
 * Pascal VOC detection data: `ImageSets/Main/<set>.txt` (one image id a line), `Annotations/<id>.xml`
 * (size, and per object its class name, `difficult` flag and 1-based inclusive `bndbox`) and the
 * images in `JPEGImages/`. Annotations are read at load time; pixels are decoded on each
 * `readImage`. Errors name the file and, inside an XML file, the line.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DataError } from '../dataset.js';
import { fromVocBox } from './boxes.js';
import { boxArea, checkImageIndex, type DetectionDataset, type DetectionImage, type DetectionObject } from './dataset.js';
import { readImageFile } from './image-file.js';

/** The 20 Pascal VOC classes, indexed by label. */
export const VOC_CLASSES: readonly string[] = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
];

/** Options of {@link loadVoc}. */
export interface VocOptions {
  /** Image set, the file `ImageSets/Main/<imageSet>.txt` (default `trainval`). */
  readonly imageSet?: string;
  /** Class names, indexed by label (default {@link VOC_CLASSES}); an object of another class is an error. */
  readonly classNames?: readonly string[];
}

type XmlNode = Record<string | symbol, unknown>;

const parser = new XMLParser({ captureMetaData: true, parseTagValue: false, isArray: (name) => name === 'object' });
const META = XMLParser.getMetaDataSymbol() as symbol;

/** Where an XML node starts, as `line N` (1-based), or the file alone when unknown. */
class XmlFile {
  constructor(
    readonly path: string,
    private readonly text: string,
  ) {}

  error(node: XmlNode | undefined, problem: string): DataError {
    const start = (node?.[META] as { startIndex?: number } | undefined)?.startIndex;
    if (start === undefined) return new DataError(this.path, problem);
    let line = 1;
    for (let i = 0; i < start; i++) if (this.text.charCodeAt(i) === 10) line++;
    return new DataError(this.path, `line ${line}: ${problem}`);
  }
}

function child(node: XmlNode, name: string, xml: XmlFile): XmlNode {
  const value = node[name];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw xml.error(node, `expected one <${name}> element`);
  return value as XmlNode;
}

function text(node: XmlNode, name: string, xml: XmlFile): string {
  const value = node[name];
  if (typeof value !== 'string' || value.trim() === '') throw xml.error(node, `expected a non-empty <${name}> value`);
  return value.trim();
}

function numberIn(node: XmlNode, name: string, xml: XmlFile): number {
  const value = Number(text(node, name, xml));
  if (!Number.isFinite(value)) throw xml.error(node, `<${name}> must be a number, got '${String(node[name])}'`);
  return value;
}

function positiveInteger(node: XmlNode, name: string, xml: XmlFile): number {
  const value = numberIn(node, name, xml);
  if (!Number.isInteger(value) || value < 1) throw xml.error(node, `<${name}> must be a positive integer, got ${value}`);
  return value;
}

function parseObject(node: XmlNode, index: number, size: { width: number; height: number }, classes: Map<string, number>, xml: XmlFile): DetectionObject {
  const name = text(node, 'name', xml);
  const label = classes.get(name);
  const what = `object ${index} ('${name}')`;
  if (label === undefined) throw xml.error(node, `${what}: class '${name}' is not one of the ${classes.size} class names`);
  const flag = node.difficult === undefined ? '0' : text(node, 'difficult', xml);
  if (flag !== '0' && flag !== '1') throw xml.error(node, `${what}: <difficult> must be 0 or 1, got '${flag}'`);
  const b = child(node, 'bndbox', xml);
  const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => numberIn(b, k, xml));
  if (!(xmin >= 1 && ymin >= 1 && xmin <= xmax && ymin <= ymax && xmax <= size.width && ymax <= size.height)) {
    throw xml.error(
      b,
      `${what}: bndbox (${xmin}, ${ymin}, ${xmax}, ${ymax}) must satisfy 1 <= xmin <= xmax <= ${size.width} and 1 <= ymin <= ymax <= ${size.height}`,
    );
  }
  const box = fromVocBox({ xmin, ymin, xmax, ymax });
  return { box, label, difficult: flag === '1', crowd: false, area: boxArea(box) };
}

/** Parse one annotation file: image size, file name and objects. */
export function parseVocAnnotation(
  path: string,
  content: string,
  classNames: readonly string[],
): { file: string | null; height: number; width: number; objects: DetectionObject[] } {
  const valid = XMLValidator.validate(content);
  if (valid !== true) throw new DataError(path, `line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  const xml = new XmlFile(path, content);
  const doc = parser.parse(content) as XmlNode;
  const root = child(doc, 'annotation', xml);
  const sizeNode = child(root, 'size', xml);
  const size = { width: positiveInteger(sizeNode, 'width', xml), height: positiveInteger(sizeNode, 'height', xml) };
  const classes = new Map(classNames.map((name, i) => [name, i]));
  const objects = ((root.object as XmlNode[] | undefined) ?? []).map((node, i) => parseObject(node, i, size, classes, xml));
  const file = typeof root.filename === 'string' && root.filename.trim() !== '' ? root.filename.trim() : null;
  return { file, ...size, objects };
}

/** Image ids of an image set file: one id a line, blank lines skipped. */
function parseImageSet(path: string, content: string): string[] {
  const ids: string[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    const fields = line.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) return;
    if (fields.length > 1) {
      throw new DataError(path, `line ${i + 1}: expected one image id, got '${line.trim()}' (a per-class list? use ImageSets/Main/<set>.txt)`);
    }
    ids.push(fields[0]);
  });
  if (ids.length === 0) throw new DataError(path, 'lists no image ids');
  return ids;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new DataError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Load a Pascal VOC folder (e.g. `VOCdevkit/VOC2007`). Boxes are converted to our convention
 * (x1 = xmin - 1, x2 = xmax); `difficult` objects are kept and flagged (scoring ignores them).
 *
 * @example
 * const test = await loadVoc('VOCdevkit/VOC2007', { imageSet: 'test' });
 */
export async function loadVoc(root: string, options: VocOptions = {}): Promise<DetectionDataset> {
  const dir = resolve(root);
  const imageSet = options.imageSet ?? 'trainval';
  const classNames = options.classNames ?? VOC_CLASSES;
  if (classNames.length === 0 || new Set(classNames).size !== classNames.length) {
    throw new RangeError('loadVoc: classNames must be a non-empty list of distinct names');
  }
  const setFile = join(dir, 'ImageSets', 'Main', `${imageSet}.txt`);
  const ids = parseImageSet(setFile, await readText(setFile));
  const images: DetectionImage[] = [];
  const files: string[] = [];
  for (const [index, id] of ids.entries()) {
    const path = join(dir, 'Annotations', `${id}.xml`);
    const { file, height, width, objects } = parseVocAnnotation(path, await readText(path), classNames);
    images.push({ id: index, file: id, height, width, objects });
    files.push(join(dir, 'JPEGImages', file ?? `${id}.jpg`));
  }
  const dataset: DetectionDataset = {
    name: `${basename(dir)}-${imageSet}`,
    classNames,
    images,
    readImage: async (index) => {
      checkImageIndex(dataset, index);
      const { height, width, file } = images[index];
      return readImageFile(files[index], height, width, join(dir, 'Annotations', `${file}.xml`));
    },
  };
  return dataset;
}
