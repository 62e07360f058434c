/**
 * Grouped 2-D convolution (PyTorch `Conv2d(groups=G)`), which TF.js lacks.
 *
 * Layout is NHWC with a TF-style filter `[kh, kw, inChannels / groups, outChannels]`: output channels
 * `[g * outChannels / G, (g + 1) * outChannels / G)` see only input channels
 * `[g * inChannels / G, (g + 1) * inChannels / G)`. Padding is PyTorch's: `pad` zeros on every side.
 *
 * Three formulations compute the same function; they differ only in speed:
 * - `'split'` (default): one SplitV of the input and of the filter, G convolutions, one Concat. Its
 *   gradient is built from the same kernels (the gradient of split is concat and vice versa), so the
 *   backward pass costs G small convolution gradients plus two copies.
 * - `'slices'`: the textbook formulation, one Slice per group. Its gradient pads every group's input
 *   gradient back to full width and sums G full-size tensors: the reference the others are checked
 *   against.
 * - `'blockDiagonal'`: one dense convolution whose filter is block-diagonal (zeros outside the groups):
 *   a single large kernel call, but G times the arithmetic.
 */
import { tf } from './tf.js';

/** How {@link groupedConv2d} is computed (all give the same result). */
export type GroupedConvMethod = 'split' | 'slices' | 'blockDiagonal';

/** Options of {@link groupedConv2d}. */
export interface GroupedConvOptions {
  /** Number of groups G; must divide the input and output channel counts. */
  groups: number;
  /** Spatial stride (same on both axes). Default 1. */
  strides?: number;
  /** Zero padding added on each side, as PyTorch's `padding`. Default 0. */
  pad?: number;
  /** Formulation; default `'split'`, the fastest measured (docs/models.md). */
  method?: GroupedConvMethod;
}

/**
 * Grouped convolution of `x` `[n, h, w, inChannels]` with `filter` `[kh, kw, inChannels / groups,
 * outChannels]`. Differentiable with respect to both.
 */
export function groupedConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, options: GroupedConvOptions): tf.Tensor4D {
  const { groups, strides = 1, pad = 0, method = 'split' } = options;
  checkShapes(x.shape, filter.shape, groups);
  if (groups === 1) return tf.conv2d(x, filter, strides, pad) as tf.Tensor4D;
  return tf.tidy((): tf.Tensor4D => {
    if (method === 'blockDiagonal') return tf.conv2d(x, blockDiagonalFilter(filter, groups), strides, pad) as tf.Tensor4D;
    const xs = method === 'split' ? (tf.split(x, groups, 3) as tf.Tensor4D[]) : channelSlices(x, groups);
    const ws = method === 'split' ? (tf.split(filter, groups, 3) as tf.Tensor4D[]) : channelSlices(filter, groups);
    return tf.concat(xs.map((xi, g) => tf.conv2d(xi, ws[g], strides, pad)), 3);
  });
}

function checkShapes(xShape: number[], filterShape: number[], groups: number): void {
  const inChannels = xShape[3];
  const outChannels = filterShape[3];
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`groupedConv2d: groups must be a positive integer, got ${groups}`);
  }
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new RangeError(
      `groupedConv2d: groups (${groups}) must divide input channels (${inChannels}) and output channels (${outChannels})`,
    );
  }
  if (filterShape[2] !== inChannels / groups) {
    throw new RangeError(
      `groupedConv2d: filter input depth is ${filterShape[2]}, expected inChannels / groups = ${inChannels / groups}`,
    );
  }
}

/** G equal slices along the last axis, one Slice op each. */
function channelSlices<T extends tf.Tensor4D>(t: T, groups: number): T[] {
  const [a, b, c, d] = t.shape;
  const size = d / groups;
  return Array.from({ length: groups }, (_, g) => tf.slice(t, [0, 0, 0, g * size], [a, b, c, size]) as T);
}

/**
 * The dense `[kh, kw, inChannels, outChannels]` filter equal to the grouped one off the zero blocks:
 * a plain convolution with it computes the grouped convolution (used to export portable models).
 */
export function blockDiagonalFilter(filter: tf.Tensor4D, groups: number): tf.Tensor4D {
  const inPerGroup = filter.shape[2];
  const blocks = tf.split(filter, groups, 3).map((w, g) =>
    tf.pad(w, [
      [0, 0],
      [0, 0],
      [g * inPerGroup, (groups - 1 - g) * inPerGroup],
      [0, 0],
    ]),
  );
  return tf.concat(blocks, 3) as tf.Tensor4D;
}
