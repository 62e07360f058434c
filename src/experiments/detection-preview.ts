/**
 * Detection previews: generated scenes with their boxes, then the same scenes under the paper's
 * object-aware erasing (IRE, ORE, I+ORE) and under the Fig. 3 occlusion of the occluded test set,
 * one column per scene, as a PNG grid.
 */
import { boxWindow, ObjectAwareErasing, type ObjectAwareMode } from '../core/object-aware.js';
import { occlude } from '../core/occlusion.js';
import { sampleOf, type ImageView } from '../core/image.js';
import type { RandomErasing } from '../core/random-erasing.js';
import { Rng } from '../core/rng.js';
import type { Dataset, Split } from '../data/dataset.js';
import type { DetectionObject } from '../data/detection/dataset.js';
import { generateScenes } from '../data/detection/scenes.js';
import { writeFileAtomic } from '../train/atomic-write.js';
import { encodePng, renderGrid, type Outline, type Rgb, type Tile } from './image-grid.js';
import { BOX_COLOR, OBJECT_MODES } from './object-preview.js';
import { ERASED_COLOR, toBytes, toUnitFloat } from './erasing-preview.js';

/** Outline colour of difficult objects. */
export const DIFFICULT_COLOR: Rgb = [250, 170, 0];
/** Area fraction of the occluded-test row. */
export const PREVIEW_OCCLUSION = 0.3;
/** Stream id of the preview's erasing draws (keeps them apart from the scenes' streams). */
const ERASING_STREAM = 0xe7a5;

/** A scene to show: its pixels and objects. */
export interface PreviewScene {
  readonly image: ImageView<Uint8Array>;
  readonly objects: readonly DetectionObject[];
}

/** Options of {@link detectionPreview}. */
export interface DetectionPreviewOptions {
  readonly scenes: readonly PreviewScene[];
  /** Eraser of IRE (the whole image) and of ORE (each box). */
  readonly eraser: RandomErasing;
  /** Seed of the erasing draws and of the occlusion. */
  readonly seed: number;
  /** Outline erased regions in red (default false). */
  readonly outline?: boolean;
}

function boxOutlines(objects: readonly DetectionObject[]): Outline[] {
  return [
    { rects: objects.filter((o) => !o.difficult).map((o) => boxWindow(o.box)), color: BOX_COLOR },
    { rects: objects.filter((o) => o.difficult).map((o) => boxWindow(o.box)), color: DIFFICULT_COLOR },
  ];
}

function erasedTile(scene: PreviewScene, eraser: ObjectAwareErasing, rng: Rng, outline: boolean): Tile {
  const result = eraser.apply(toUnitFloat(scene.image), scene.objects.map((o) => o.box), rng);
  const erased = outline && result.regions.length ? [{ rects: result.regions, color: ERASED_COLOR }] : [];
  return { image: toBytes(result.image), outlines: [...boxOutlines(scene.objects), ...erased] };
}

function occludedTile(scene: PreviewScene, seed: number, index: number, outline: boolean): Tile {
  const { image, region } = occlude(scene.image, PREVIEW_OCCLUSION, seed, index);
  return { image, outlines: [...boxOutlines(scene.objects), ...(outline && region ? [{ rects: [region], color: ERASED_COLOR }] : [])] };
}

/**
 * Rows: the scenes with boxes (green; difficult orange), then IRE, ORE, I+ORE (scene i of mode m
 * draws from `seed.derive(stream, m, i)`), then the occluded test row (core `occlude`, (seed, i)).
 */
export function detectionPreview(options: DetectionPreviewOptions): Tile[][] {
  const root = Rng.fromSeed(options.seed).derive(ERASING_STREAM);
  const outline = options.outline ?? false;
  const modeRow = (mode: ObjectAwareMode, m: number) => {
    const eraser = new ObjectAwareErasing({ mode, imageEraser: options.eraser, objectEraser: options.eraser });
    return options.scenes.map((scene, i) => erasedTile(scene, eraser, root.derive(m, i), outline));
  };
  return [
    options.scenes.map((scene) => ({ image: scene.image, outlines: boxOutlines(scene.objects) })),
    ...OBJECT_MODES.map(({ mode }, m) => modeRow(mode, m)),
    options.scenes.map((scene, i) => occludedTile(scene, options.seed, i, outline)),
  ];
}

/** Options of {@link writeDetectionPreview}. */
export interface WriteDetectionPreviewOptions {
  /** Grey dataset the scenes are made from (the split's images). */
  readonly source: Dataset;
  readonly split: Split;
  /** Number of scenes, 0 .. samples - 1, unless `indices` names them. */
  readonly samples: number;
  readonly indices?: readonly number[];
  readonly eraser: RandomErasing;
  /** Seed of the scenes, the erasing and the occlusion. */
  readonly seed: number;
  readonly scale?: number;
  readonly outline?: boolean;
  readonly out: string;
}

/** Generate the scenes, render the preview and write the PNG; returns the line to print. */
export async function writeDetectionPreview(options: WriteDetectionPreviewOptions): Promise<string> {
  const indices = options.indices ?? Array.from({ length: options.samples }, (_, i) => i);
  if (indices.length === 0 || !indices.every((i) => Number.isInteger(i) && i >= 0)) {
    throw new RangeError(`--indices: scene indices must be integers >= 0, got ${indices.join(', ')}`);
  }
  const scenes = indices.map((first) => {
    const set = generateScenes(options.source, { split: options.split, count: 1, seed: options.seed, first });
    return { image: sampleOf(set.batch, 0), objects: set.images[0].objects, name: set.name };
  });
  const rows = detectionPreview({ scenes, eraser: options.eraser, seed: options.seed, outline: options.outline });
  await writeFileAtomic(options.out, encodePng(renderGrid(rows, { scale: options.scale })));
  const legend = `rows: scenes with boxes (green; difficult orange), ${OBJECT_MODES.map((m) => m.label).join(', ')}, occluded ${PREVIEW_OCCLUSION * 100} % (Fig. 3 test set)`;
  return `${options.out}: ${indices.length} ${scenes[0].name} scenes (${indices.join(', ')}); ${legend}; p=${options.eraser.options.p}, seed ${options.seed}`;
}
