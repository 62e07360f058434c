/**
 * Box conventions and their conversions. Ours (core's): pixels, x2/y2 exclusive, so the width is
 * x2 - x1. COCO: [x, y, width, height] in the same continuous pixel frame, hence [x1, y1, x2 - x1,
 * y2 - y1]. Pascal VOC XML: 1-based pixel indices with inclusive xmax/ymax, hence x1 = xmin - 1,
 * x2 = xmax (pixel columns xmin..xmax are 0-based columns xmin - 1 .. xmax - 1).
 */
import type { Box } from '../../core/object-aware.js';

/** A COCO box: [x, y, width, height]. */
export type CocoBox = readonly [number, number, number, number];

/** A Pascal VOC `bndbox`: 1-based, xmax/ymax inclusive. */
export interface VocBox {
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

/** Our box as COCO [x, y, w, h]. */
export function toCocoBox(box: Box): CocoBox {
  return [box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1];
}

/** A COCO [x, y, w, h] box in our convention. */
export function fromCocoBox([x, y, w, h]: CocoBox): Box {
  return { x1: x, y1: y, x2: x + w, y2: y + h };
}

/** Our box as a VOC `bndbox` (1-based, inclusive). */
export function toVocBox(box: Box): VocBox {
  return { xmin: box.x1 + 1, ymin: box.y1 + 1, xmax: box.x2, ymax: box.y2 };
}

/** A VOC `bndbox` in our convention. */
export function fromVocBox(box: VocBox): Box {
  return { x1: box.xmin - 1, y1: box.ymin - 1, x2: box.xmax, y2: box.ymax };
}
