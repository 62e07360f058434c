/**
 * What the scorers read: a detector's detections and the ground truth (a detection dataset's
 * classes and per-image objects), with the checks both scorers share.
 */
import type { Box } from '../../core/object-aware.js';
import type { DetectionDataset } from '../../data/detection/dataset.js';

/** One detection: image index into the ground truth's `images`, class, box (x2/y2 exclusive), score. */
export interface Detection {
  readonly image: number;
  readonly label: number;
  readonly box: Box;
  readonly score: number;
}

/** The ground truth a scorer needs: class names and each image's objects. */
export type GroundTruth = Pick<DetectionDataset, 'classNames' | 'images'>;

/** Check every detection refers to an image and class of the ground truth and has a finite score and box. */
export function checkDetections(truth: GroundTruth, detections: readonly Detection[]): void {
  detections.forEach((d, i) => {
    const problem =
      !Number.isInteger(d.image) || d.image < 0 || d.image >= truth.images.length
        ? `image ${d.image} is not an index of the ${truth.images.length} ground-truth images`
        : !Number.isInteger(d.label) || d.label < 0 || d.label >= truth.classNames.length
          ? `label ${d.label} is not a class index in [0, ${truth.classNames.length})`
          : !Number.isFinite(d.score)
            ? `score ${d.score} is not a finite number`
            : ![d.box.x1, d.box.y1, d.box.x2, d.box.y2].every(Number.isFinite) || d.box.x2 < d.box.x1 || d.box.y2 < d.box.y1
              ? `box ${JSON.stringify(d.box)} must be finite with x1 <= x2 and y1 <= y2`
              : null;
    if (problem) throw new RangeError(`detections[${i}]: ${problem}`);
  });
}

/** Indices of `items` ordered by descending score, ties in input order (a stable sort, as numpy's mergesort). */
export function byScore(items: readonly { readonly score: number }[]): number[] {
  return items.map((_, i) => i).sort((a, b) => items[b].score - items[a].score);
}

/** Detections grouped by image, then class: `grouped[image][label]` lists detection indices in input order. */
export function groupDetections(truth: GroundTruth, detections: readonly Detection[]): number[][][] {
  const grouped = truth.images.map(() => truth.classNames.map((): number[] => []));
  detections.forEach((d, i) => grouped[d.image][d.label].push(i));
  return grouped;
}
