/**
 * Synthetic detection scenes from a grey classification dataset (Fashion-MNIST): each canvas holds a
 * few rescaled items, possibly overlapping, over distractor fragments of other images and a noisy
 * background. Each item's box is the tight box of its visible pixels (the VOC convention: the
 * visible extent), labelled with the item's class; an item less than `difficultBelow` visible is
 * flagged difficult and one fully hidden is not annotated. Scene i draws only from
 * `Rng.fromSeed(seed).derive(split, i)`, so any range of scenes can be generated alone, in any order,
 * and comes out the same.
 */
import { boxIou } from '../../core/box-iou.js';
import { batchView } from '../../core/image.js';
import type { Box } from '../../core/object-aware.js';
import { Rng } from '../../core/rng.js';
import type { Dataset, Split } from '../dataset.js';
import { loadFashionMnist } from '../fashion-mnist.js';
import type { SourceOptions } from '../sources.js';
import { inMemoryDetection, type DetectionDataset, type DetectionImage, type DetectionObject } from './dataset.js';
import { PixelNoise } from './pixel-noise.js';
import { SceneCanvas, type Piece } from './scene-canvas.js';

/** An inclusive integer range [min, max]. */
export type IntRange = readonly [number, number];

/** Options of {@link generateScenes}. */
export interface SceneOptions {
  /** Which split the source images come from; also keys the scene streams, so train and test layouts differ. */
  readonly split: Split;
  /** Number of scenes. */
  readonly count: number;
  /** Seed of every draw (default 0). */
  readonly seed?: number;
  /** Index of the first scene (default 0): scenes `first .. first + count - 1` of the seed's sequence. */
  readonly first?: number;
  /** Canvas height and width in pixels (default 64 each). */
  readonly height?: number;
  readonly width?: number;
  /** Items per scene (default [2, 4]). */
  readonly items?: IntRange;
  /** Side in pixels a source image (28x28 for Fashion-MNIST) is rescaled to, before a small aspect jitter (default [16, 36]). */
  readonly itemSize?: IntRange;
  /** Distractor fragments per scene, pasted under the items (default [1, 3]). */
  readonly distractors?: IntRange;
  /** Standard deviation of the Gaussian pixel noise, in grey levels (default 8; added rounded, see PixelNoise). */
  readonly noise?: number;
  /** Placement keeps an item's IoU with earlier items at most this when 8 tries allow (default 0.3). */
  readonly maxOverlap?: number;
  /** Items with a smaller visible fraction are difficult (default 0.5). */
  readonly difficultBelow?: number;
  /** Called every 256 scenes and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The options a scene set was made with, every default filled in. */
export type ResolvedSceneOptions = Required<Omit<SceneOptions, 'onProgress'>>;

/** Generated scenes: a detection dataset in memory plus the options that reproduce it. */
export interface SceneSet extends DetectionDataset {
  readonly batch: NonNullable<DetectionDataset['batch']>;
  readonly options: ResolvedSceneOptions;
}

/** Stream id of each split's scenes. */
const SPLIT_STREAM: Record<Split, number> = { train: 0, test: 1 };
/** Tries at placing an item within `maxOverlap`. */
const PLACEMENT_TRIES = 8;
/** Items are at most this much wider or narrower than tall (log-uniform). */
const ASPECT_JITTER = 1.25;
/** Highest background grey level. */
const BACKGROUND_MAX = 40;
/** Side range of a distractor fragment, in source pixels. */
const FRAGMENT_SIDE: IntRange = [5, 12];
/** Owner ids fit in a byte, one value kept for "none". */
const MAX_ITEMS = 254;
const MAX_DISTRACTORS = 1000;
const MAX_SIDE = 4096;
/** Largest seed or scene index (Rng stream ids are 32-bit). */
const MAX_STREAM = 0xffffffff;
const PROGRESS_EVERY = 256;

function checkRange(range: IntRange, name: string, lo: number, hi: number): void {
  const [a, b] = range;
  if (!(Number.isInteger(a) && Number.isInteger(b) && lo <= a && a <= b && b <= hi)) {
    throw new RangeError(`scenes: ${name} must be integers [min, max] with ${lo} <= min <= max <= ${hi}, got [${a}, ${b}]`);
  }
}

function checkFraction(value: number, name: string): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) throw new RangeError(`scenes: ${name} must be in [0, 1], got ${value}`);
}

function checkInteger(value: number, name: string, lo: number, hi: number): void {
  if (!Number.isInteger(value) || value < lo || value > hi) throw new RangeError(`scenes: ${name} must be an integer in [${lo}, ${hi}], got ${value}`);
}

/** Fill in defaults and check every option, naming the one at fault. */
export function resolveSceneOptions(options: SceneOptions): ResolvedSceneOptions {
  const r: ResolvedSceneOptions = {
    split: options.split,
    count: options.count,
    seed: options.seed ?? 0,
    first: options.first ?? 0,
    height: options.height ?? 64,
    width: options.width ?? 64,
    items: options.items ?? [2, 4],
    itemSize: options.itemSize ?? [16, 36],
    distractors: options.distractors ?? [1, 3],
    noise: options.noise ?? 8,
    maxOverlap: options.maxOverlap ?? 0.3,
    difficultBelow: options.difficultBelow ?? 0.5,
  };
  if (r.split !== 'train' && r.split !== 'test') throw new RangeError(`scenes: split must be 'train' or 'test', got '${r.split}'`);
  checkInteger(r.count, 'count', 1, MAX_STREAM);
  checkInteger(r.seed, 'seed', 0, MAX_STREAM);
  checkInteger(r.first, 'first', 0, MAX_STREAM - r.count + 1);
  checkInteger(r.height, 'height', 8, MAX_SIDE);
  checkInteger(r.width, 'width', 8, MAX_SIDE);
  checkRange(r.items, 'items', 0, MAX_ITEMS);
  checkRange(r.itemSize, 'itemSize', 2, Math.min(r.height, r.width));
  checkRange(r.distractors, 'distractors', 0, MAX_DISTRACTORS);
  if (!(Number.isFinite(r.noise) && r.noise >= 0)) throw new RangeError(`scenes: noise must be a standard deviation >= 0, got ${r.noise}`);
  checkFraction(r.maxOverlap, 'maxOverlap');
  checkFraction(r.difficultBelow, 'difficultBelow');
  return r;
}

/** Draws scenes from one source dataset into a reused canvas. */
class SceneComposer {
  private readonly canvas: SceneCanvas;
  private readonly noise: PixelNoise;
  private readonly area: number;

  constructor(
    private readonly source: Dataset,
    private readonly o: ResolvedSceneOptions,
  ) {
    this.canvas = new SceneCanvas(o.height, o.width);
    this.area = source.height * source.width;
    this.noise = new PixelNoise(o.noise);
  }

  private sourceImage(rng: Rng): { pixels: Uint8Array; label: number } {
    const i = rng.int(0, this.source.count - 1);
    return { pixels: this.source.images.subarray(i * this.area, (i + 1) * this.area), label: this.source.labels[i] };
  }

  /** Item size: a side from `itemSize`, jittered in aspect, inside the canvas. */
  private itemShape(rng: Rng): [number, number] {
    const side = rng.int(this.o.itemSize[0], this.o.itemSize[1]);
    const aspect = Math.exp(rng.uniform(-Math.log(ASPECT_JITTER), Math.log(ASPECT_JITTER)));
    const h = Math.min(this.o.height, Math.max(2, Math.round(side * Math.sqrt(aspect))));
    const w = Math.min(this.o.width, Math.max(2, Math.round(side / Math.sqrt(aspect))));
    return [h, w];
  }

  /** Where an item goes: the first of a few random spots within `maxOverlap` of earlier items, else the least overlapping. */
  private place(h: number, w: number, placed: readonly Box[], rng: Rng): Box {
    let best: Box | null = null;
    let bestOverlap = Infinity;
    for (let t = 0; t < PLACEMENT_TRIES && bestOverlap > this.o.maxOverlap; t++) {
      const y1 = rng.int(0, this.o.height - h);
      const x1 = rng.int(0, this.o.width - w);
      const box = { x1, y1, x2: x1 + w, y2: y1 + h };
      const overlap = Math.max(0, ...placed.map((p) => boxIou(p, box)));
      if (overlap < bestOverlap) [best, bestOverlap] = [box, overlap];
    }
    return best as Box;
  }

  private distractor(pixels: Uint8Array, rng: Rng): void {
    const { pixels: source } = this.sourceImage(rng);
    const side = (limit: number) => rng.int(Math.min(FRAGMENT_SIDE[0], limit), Math.min(FRAGMENT_SIDE[1], limit));
    const fh = side(this.source.height);
    const fw = side(this.source.width);
    const top = rng.int(0, this.source.height - fh);
    const left = rng.int(0, this.source.width - fw);
    const [ih, iw] = this.itemShape(rng);
    const toHeight = Math.max(1, Math.round((fh * ih) / this.source.height));
    const toWidth = Math.max(1, Math.round((fw * iw) / this.source.width));
    const toTop = rng.int(0, this.o.height - toHeight);
    const toLeft = rng.int(0, this.o.width - toWidth);
    const piece: Piece = { source, sourceWidth: this.source.width, top, left, height: fh, width: fw, toTop, toLeft, toHeight, toWidth };
    this.canvas.paste(pixels, piece);
  }

  /** Compose scene `index` into `pixels` (height * width bytes); returns its objects. */
  compose(index: number, pixels: Uint8Array): DetectionObject[] {
    const rng = Rng.fromSeed(this.o.seed).derive(SPLIT_STREAM[this.o.split], index);
    pixels.fill(rng.int(0, BACKGROUND_MAX));
    this.canvas.clear();
    const distractors = rng.int(this.o.distractors[0], this.o.distractors[1]);
    for (let d = 0; d < distractors; d++) this.distractor(pixels, rng);
    const count = rng.int(this.o.items[0], this.o.items[1]);
    const placed: Box[] = [];
    const labels: number[] = [];
    for (let k = 0; k < count; k++) {
      const { pixels: source, label } = this.sourceImage(rng);
      const [h, w] = this.itemShape(rng);
      const at = this.place(h, w, placed, rng);
      placed.push(at);
      labels.push(label);
      const { height, width } = this.source;
      this.canvas.paste(pixels, { source, sourceWidth: width, top: 0, left: 0, height, width, toTop: at.y1, toLeft: at.x1, toHeight: h, toWidth: w }, k);
    }
    this.noise.add(pixels, rng);
    return this.objects(labels);
  }

  private objects(labels: readonly number[]): DetectionObject[] {
    const objects: DetectionObject[] = [];
    this.canvas.items(labels.length).forEach((item, k) => {
      if (item.box === null) return;
      const difficult = item.visible < this.o.difficultBelow * item.pasted;
      objects.push({ box: item.box, label: labels[k], difficult, crowd: false, area: item.visible });
    });
    return objects;
  }
}

/**
 * Generate scenes from `source` (a grey dataset of objects on a dark background, e.g. a
 * Fashion-MNIST split). Pixels are one NHWC uint8 batch (1 channel); an object's `area` is its
 * visible pixel count (COCO's segment area).
 */
export function generateScenes(source: Dataset, options: SceneOptions): SceneSet {
  const o = resolveSceneOptions(options);
  if (source.channels !== 1) throw new RangeError(`scenes: the source must be grey (1 channel), ${source.name} has ${source.channels}`);
  if (source.count < 1) throw new RangeError(`scenes: the source ${source.name} has no images`);
  const composer = new SceneComposer(source, o);
  const size = o.height * o.width;
  const data = new Uint8Array(o.count * size);
  const images: DetectionImage[] = [];
  for (let i = 0; i < o.count; i++) {
    const index = o.first + i;
    const objects = composer.compose(index, data.subarray(i * size, (i + 1) * size));
    images.push({ id: index, file: `scene-${index}`, height: o.height, width: o.width, objects });
    if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === o.count) options.onProgress?.(i + 1, o.count);
  }
  const batch = batchView(data, { count: o.count, height: o.height, width: o.width, channels: 1 });
  const dataset = inMemoryDetection(`${source.name}-scenes-${o.split}`, source.classNames, images, batch);
  return { ...dataset, batch, options: o };
}

/** Options of {@link loadScenes}: the scene options and where Fashion-MNIST is found. */
export type LoadScenesOptions = SceneOptions & Omit<SourceOptions, 'split'>;

/**
 * Scenes from Fashion-MNIST: train scenes from the train split, test scenes from the test split.
 *
 * @example
 * const test = await loadScenes({ split: 'test', count: 1000, seed: 1 });
 */
export async function loadScenes(options: LoadScenesOptions): Promise<SceneSet> {
  resolveSceneOptions(options);
  const source = await loadFashionMnist({ ...options, split: options.split });
  return generateScenes(source, options);
}
