/**
 * CenterNet training targets for a batch of images with boxes, at the model's output stride (see
 * `buildCenterNet`): per class a heatmap with a Gaussian peak of 1 at each object's centre cell
 * (radius from the box size as CenterNet's `gaussian_radius` at overlap 0.7, sigma = (2r + 1) / 6,
 * overlapping Gaussians merged by maximum); at each centre cell the box size in cells and the
 * centre's sub-cell offset, with a mask marking those cells. When two objects share a centre cell the
 * later one's size and offset are kept (as CenterNet).
 */
import type { Box } from '../../core/object-aware.js';
import { OUTPUT_STRIDE } from '../../models/centernet.js';

/** An object to detect: its box (pixels, x2/y2 exclusive) and class. */
export interface TargetObject {
  readonly box: Box;
  readonly label: number;
}

/** Targets of a batch, NHWC at the output resolution. */
export interface CenterNetTargets {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  /** [count, height, width, classes]: Gaussian heatmaps, exactly 1 at centre cells. */
  readonly heatmap: Float32Array;
  /** [count, height, width, 4]: width, height (cells), offset x, offset y at centre cells, 0 elsewhere. */
  readonly regression: Float32Array;
  /** [count, height, width, 1]: 1 at centre cells. */
  readonly mask: Float32Array;
  /** Cells where a heatmap is 1 (the focal loss's positives). */
  readonly positives: number;
  /** Cells with a regression target (the mask's sum). */
  readonly centres: number;
}

/** Minimum IoU between a box and the box shifted by the radius (CenterNet's default). */
const MIN_OVERLAP = 0.7;

/**
 * CenterNet's `gaussian_radius`: the smallest of three radii, one per way a corner shift can keep the
 * IoU at `minOverlap` (its formulas, including their division by 2 where the quadratic formula has 2a).
 */
export function gaussianRadius(height: number, width: number, minOverlap = MIN_OVERLAP): number {
  const root = (a: number, b: number, c: number) => (b + Math.sqrt(Math.max(0, b * b - 4 * a * c))) / 2;
  const m = minOverlap;
  const r1 = root(1, height + width, (width * height * (1 - m)) / (1 + m));
  const r2 = root(4, 2 * (height + width), (1 - m) * width * height);
  const r3 = root(4 * m, -2 * m * (height + width), (m - 1) * width * height);
  return Math.min(r1, r2, r3);
}

/** Write a Gaussian of `radius` at (cy, cx) into one class plane of the heatmap, keeping the maximum. */
function drawGaussian(heatmap: Float32Array, base: number, height: number, width: number, classes: number, cy: number, cx: number, radius: number): void {
  const sigma = (2 * radius + 1) / 6;
  for (let y = Math.max(0, cy - radius); y <= Math.min(height - 1, cy + radius); y++) {
    for (let x = Math.max(0, cx - radius); x <= Math.min(width - 1, cx + radius); x++) {
      const value = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      const at = base + (y * width + x) * classes;
      if (value > heatmap[at]) heatmap[at] = value;
    }
  }
}

/**
 * The targets of `objects[i]` for image i of a batch of `imageHeight` x `imageWidth` images (sides
 * multiples of the output stride) with `classes` classes.
 */
export function centerNetTargets(objects: readonly (readonly TargetObject[])[], imageHeight: number, imageWidth: number, classes: number): CenterNetTargets {
  const height = imageHeight / OUTPUT_STRIDE;
  const width = imageWidth / OUTPUT_STRIDE;
  if (!Number.isInteger(height) || !Number.isInteger(width)) throw new RangeError(`centerNetTargets: image sides ${imageHeight}x${imageWidth} must be multiples of ${OUTPUT_STRIDE}`);
  const count = objects.length;
  const cells = height * width;
  const heatmap = new Float32Array(count * cells * classes);
  const regression = new Float32Array(count * cells * 4);
  const mask = new Float32Array(count * cells);
  objects.forEach((list, n) => {
    for (const { box, label } of list) {
      if (!(Number.isInteger(label) && label >= 0 && label < classes)) throw new RangeError(`centerNetTargets: image ${n}: label ${label} is not a class index in [0, ${classes})`);
      const w = (box.x2 - box.x1) / OUTPUT_STRIDE;
      const h = (box.y2 - box.y1) / OUTPUT_STRIDE;
      const cx = (box.x1 + box.x2) / 2 / OUTPUT_STRIDE;
      const cy = (box.y1 + box.y2) / 2 / OUTPUT_STRIDE;
      const ix = Math.min(width - 1, Math.max(0, Math.floor(cx)));
      const iy = Math.min(height - 1, Math.max(0, Math.floor(cy)));
      const radius = Math.max(0, Math.floor(gaussianRadius(h, w)));
      drawGaussian(heatmap, n * cells * classes + label, height, width, classes, iy, ix, radius);
      const cell = n * cells + iy * width + ix;
      regression.set([w, h, cx - ix, cy - iy], cell * 4);
      mask[cell] = 1;
    }
  });
  return { count, height, width, classes, heatmap, regression, mask, positives: heatmap.reduce((n, v) => n + (v === 1 ? 1 : 0), 0), centres: mask.reduce((n, v) => n + v, 0) };
}
