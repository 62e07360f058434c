/**
 * Box overlap. {@link boxIou} is the plain intersection over union of two boxes in our convention
 * (as torchvision.ops.box_iou). {@link cocoIou} is pycocotools' `maskUtils.iou` on COCO [x, y, w, h]
 * boxes: no +1, and against a crowd region the union is the detection's area. {@link vocIou} is
 * Pascal VOC's, on 1-based inclusive boxes with its +1 pixel widths, which on our exclusive boxes
 * converted by `toVocBox` gives the plain IoU again (up to rounding).
 */
import type { CocoBox, VocBox } from '../../data/detection/boxes.js';

export { boxIou } from '../../core/box-iou.js';

/**
 * IoU of every detection with every ground truth, row-major `[detection][truth]`, with pycocotools'
 * arithmetic (its `bbIou`): crowd truths divide the intersection by the detection's area.
 */
export function cocoIou(detections: readonly CocoBox[], truths: readonly CocoBox[], crowd: readonly boolean[]): Float64Array {
  const out = new Float64Array(detections.length * truths.length);
  truths.forEach((g, j) => {
    const ga = g[2] * g[3];
    detections.forEach((d, i) => {
      const w = Math.min(d[2] + d[0], g[2] + g[0]) - Math.max(d[0], g[0]);
      if (w <= 0) return;
      const h = Math.min(d[3] + d[1], g[3] + g[1]) - Math.max(d[1], g[1]);
      if (h <= 0) return;
      const inter = w * h;
      const da = d[2] * d[3];
      out[i * truths.length + j] = inter / (crowd[j] ? da : da + ga - inter);
    });
  });
  return out;
}

/** Pascal VOC's IoU (its devkit and `voc_eval.py`): inclusive 1-based boxes, widths xmax - xmin + 1. */
export function vocIou(a: VocBox, b: VocBox): number {
  const iw = Math.max(Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin) + 1, 0);
  const ih = Math.max(Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin) + 1, 0);
  const inter = iw * ih;
  const union = (a.xmax - a.xmin + 1) * (a.ymax - a.ymin + 1) + (b.xmax - b.xmin + 1) * (b.ymax - b.ymin + 1) - inter;
  return inter / union;
}
