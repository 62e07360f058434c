/** Per-channel pixel statistics, to normalise datasets that have no published constants. */
import type { Dataset } from './dataset.js';

/**
 * Mean and standard deviation of each channel over every pixel of `dataset`, on the 0..1 scale used
 * by the pipeline's `normalize` step.
 *
 * @example
 * const train = await loadDataset('./my-images');
 * const pipeline = defaultPipeline('./my-images', 'train', { normalize: channelStats(train) });
 */
export function channelStats(dataset: Pick<Dataset, 'images' | 'channels'>): { mean: number[]; std: number[] } {
  const C = dataset.channels;
  const sum = new Float64Array(C);
  const squares = new Float64Array(C);
  const { images } = dataset;
  for (let i = 0; i < images.length; i++) {
    const v = images[i] / 255;
    sum[i % C] += v;
    squares[i % C] += v * v;
  }
  const n = images.length / C;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(squares, (q, c) => Math.sqrt(Math.max(0, q / n - mean[c] * mean[c])));
  return { mean, std };
}
