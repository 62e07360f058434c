/** Intersection over union of boxes in core's convention (pixels, x2/y2 exclusive). */
import type { Box } from './object-aware.js';

/** Intersection over union of two boxes, as torchvision.ops.box_iou (no +1); 0 when they do not overlap. */
export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}
