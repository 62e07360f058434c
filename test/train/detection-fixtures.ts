/** Small ground truths and detections for the detection scorers' tests. */
import type { DetectionObject } from '../../src/data/detection/dataset.js';
import type { Detection, GroundTruth } from '../../src/train/detection/detections.js';

/** [x1, y1, x2, y2] in our convention. */
export type Xyxy = readonly [number, number, number, number];

/** An object: box, label (default 0) and flags. */
export function obj(box: Xyxy, label = 0, flags: Partial<Pick<DetectionObject, 'difficult' | 'crowd' | 'area'>> = {}): DetectionObject {
  const [x1, y1, x2, y2] = box;
  return { box: { x1, y1, x2, y2 }, label, difficult: false, crowd: false, area: (x2 - x1) * (y2 - y1), ...flags };
}

/** A ground truth of `classes` classes; image i holds `images[i]`; every image is 200x200. */
export function truth(images: readonly (readonly DetectionObject[])[], classes = 1): GroundTruth {
  return {
    classNames: Array.from({ length: classes }, (_, k) => `class${k}`),
    images: images.map((objects, i) => ({ id: i, file: `image-${i}`, height: 200, width: 200, objects })),
  };
}

/** A detection. */
export function det(image: number, box: Xyxy, score: number, label = 0): Detection {
  const [x1, y1, x2, y2] = box;
  return { image, label, box: { x1, y1, x2, y2 }, score };
}
