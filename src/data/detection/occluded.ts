/**
 * Occluded detection test sets (the paper's Fig. 3 protocol on detection): every image covered by one
 * random rectangle of a given fraction of its area (core `occlude`, uniform random fill), drawn from
 * (seed, image index) alone so every model sees the same occluded images. Annotations are kept as
 * they were: the test measures how well objects are still found when part of the scene is hidden.
 */
import { batchView, sampleOf } from '../../core/image.js';
import { occlude } from '../../core/occlusion.js';
import { checkImageIndex, inMemoryDetection, type DetectionDataset } from './dataset.js';

/** The dataset's name with its occlusion level, e.g. `fashion-mnist-scenes-test-occluded-0.3`. */
export function occludedName(name: string, fraction: number): string {
  return `${name}-occluded-${fraction}`;
}

/**
 * A copy of `dataset` with image i occluded at `fraction` from (seed, i): computed at once for a set
 * held in one batch, on each read otherwise.
 */
export function occludeDetection(dataset: DetectionDataset, fraction: number, seed: number): DetectionDataset {
  if (!(Number.isFinite(fraction) && fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`occlusion fraction must be in [0, 1], got ${fraction}`);
  }
  const name = occludedName(dataset.name, fraction);
  const { batch } = dataset;
  if (batch) {
    const data = new Uint8Array(batch.data.length);
    const size = batch.height * batch.width * batch.channels;
    for (let i = 0; i < batch.count; i++) data.set(occlude(sampleOf(batch, i), fraction, seed, i).image.data, i * size);
    return inMemoryDetection(name, dataset.classNames, dataset.images, batchView(data, batch));
  }
  const occluded: DetectionDataset = {
    name,
    classNames: dataset.classNames,
    images: dataset.images,
    readImage: async (index) => {
      checkImageIndex(occluded, index);
      return occlude(await dataset.readImage(index), fraction, seed, index).image;
    },
  };
  return occluded;
}
