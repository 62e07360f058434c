/**
 * Object-aware Random Erasing for detection (paper section 4.3): erase the whole image (IRE), each
 * object box independently (ORE), or both (I+ORE, image first). Boxes are in pixel coordinates
 * (x to the right, y down, x2/y2 exclusive edges); a box covers the pixel window
 * [floor(y1), ceil(y2)) x [floor(x1), ceil(x2)). As in the paper every box is kept by default;
 * `minVisible` drops boxes whose unerased fraction falls below it.
 */
import { cloneImage, imageView, type ImageView, type PixelArray } from './image.js';
import { RandomErasing } from './random-erasing.js';
import type { Region } from './region-sampler.js';
import type { Rng } from './rng.js';

/** An object box in pixel coordinates. */
export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** IRE (`image`), ORE (`object`) or I+ORE (`image+object`). */
export type ObjectAwareMode = 'image' | 'object' | 'image+object';

/** Options of {@link ObjectAwareErasing}. */
export interface ObjectAwareOptions {
  readonly mode: ObjectAwareMode;
  /** Eraser for the whole image (IRE); default the `paper` preset. */
  readonly imageEraser?: RandomErasing;
  /** Eraser applied inside each box (ORE); default the `paper` preset. */
  readonly objectEraser?: RandomErasing;
  /** Drop boxes whose visible (unerased) fraction is below this, in [0, 1]; default keep all. */
  readonly minVisible?: number;
}

/** Result of object-aware erasing. */
export interface ObjectAwareResult<T extends PixelArray = PixelArray> {
  readonly image: ImageView<T>;
  /** The boxes kept, in input order. */
  readonly boxes: Box[];
  /** Input index of each kept box. */
  readonly kept: number[];
  /** Visible fraction of every input box after erasing. */
  readonly visible: number[];
  /** Every region erased, in the order written. */
  readonly regions: Region[];
}

/** The pixel window a box covers. */
export function boxWindow(box: Box): Region {
  const top = Math.floor(box.y1);
  const left = Math.floor(box.x1);
  return { top, left, height: Math.ceil(box.y2) - top, width: Math.ceil(box.x2) - left };
}

function checkBoxes(boxes: readonly Box[], height: number, width: number): void {
  boxes.forEach((b, i) => {
    const finite = [b.x1, b.y1, b.x2, b.y2].every(Number.isFinite);
    if (!finite || b.x1 < 0 || b.y1 < 0 || b.x2 > width || b.y2 > height || b.x1 >= b.x2 || b.y1 >= b.y2) {
      throw new RangeError(
        `boxes[${i}] ${JSON.stringify(b)} must satisfy 0 <= x1 < x2 <= ${width} and 0 <= y1 < y2 <= ${height} (image ${height}x${width})`,
      );
    }
  });
}

/** 1 for every pixel of a height x width image that a region covers, row-major. */
export function erasedPixels(regions: readonly Region[], height: number, width: number): Uint8Array {
  const erased = new Uint8Array(height * width);
  for (const r of regions) {
    for (let y = r.top; y < r.top + r.height; y++) erased.fill(1, y * width + r.left, y * width + r.left + r.width);
  }
  return erased;
}

/** Fraction of each box's window left unerased by the regions. */
function visibleFractions(boxes: readonly Box[], regions: readonly Region[], height: number, width: number): number[] {
  const erased = erasedPixels(regions, height, width);
  return boxes.map((b) => {
    const w = boxWindow(b);
    let hidden = 0;
    for (let y = w.top; y < w.top + w.height; y++) {
      for (let x = w.left; x < w.left + w.width; x++) hidden += erased[y * width + x];
    }
    return 1 - hidden / (w.height * w.width);
  });
}

/** IRE / ORE / I+ORE with box bookkeeping. */
export class ObjectAwareErasing {
  readonly mode: ObjectAwareMode;
  private readonly imageEraser: RandomErasing;
  private readonly objectEraser: RandomErasing;
  private readonly minVisible: number | undefined;

  constructor(options: ObjectAwareOptions) {
    if (!['image', 'object', 'image+object'].includes(options.mode)) {
      throw new RangeError(`object-aware mode must be 'image', 'object' or 'image+object', got '${options.mode}'`);
    }
    const mv = options.minVisible;
    if (mv !== undefined && !(Number.isFinite(mv) && mv >= 0 && mv <= 1)) {
      throw new RangeError(`minVisible must be in [0, 1], got ${mv}`);
    }
    this.mode = options.mode;
    this.imageEraser = options.imageEraser ?? new RandomErasing('paper');
    this.objectEraser = options.objectEraser ?? new RandomErasing('paper');
    this.minVisible = mv;
  }

  /** Erase a copy of the image (draws: image eraser first, then each box in order). */
  apply<T extends PixelArray>(image: ImageView<T>, boxes: readonly Box[], rng: Rng): ObjectAwareResult<T> {
    const out = cloneImage(imageView(image.data, image));
    checkBoxes(boxes, out.height, out.width);
    const regions: Region[] = [];
    if (this.mode !== 'object') regions.push(...this.imageEraser.apply(out, rng, { inPlace: true }).regions);
    if (this.mode !== 'image') {
      for (const box of boxes) {
        regions.push(...this.objectEraser.apply(out, rng, { inPlace: true, within: boxWindow(box) }).regions);
      }
    }
    const visible = visibleFractions(boxes, regions, out.height, out.width);
    const kept = boxes.map((_, i) => i).filter((i) => this.minVisible === undefined || visible[i] >= this.minVisible);
    return { image: out, boxes: kept.map((i) => boxes[i]), kept, visible, regions };
  }
}
