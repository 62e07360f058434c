/**
 * Random Erasing of every target of a sample in one call, with the same regions: the image, its
 * segmentation mask (erased pixels set to an ignore label, or left as they are), its keypoints
 * (those inside a region marked occluded, or dropped) and its boxes (kept, clipped to their unerased
 * part, or dropped below a visible fraction, as {@link ObjectAwareErasing} does). A pixel (y, x) is
 * erased when a region covers it; a keypoint (x, y) lies in pixel (floor(y), floor(x)).
 */
import type { ImageView, PixelArray } from './image.js';
import { ObjectAwareErasing, boxWindow, erasedPixels, type Box } from './object-aware.js';
import { RandomErasing } from './random-erasing.js';
import type { Region } from './region-sampler.js';
import type { Rng } from './rng.js';

/** A keypoint in pixel coordinates (x to the right, y down); `visible` defaults to true. */
export interface Keypoint {
  readonly x: number;
  readonly y: number;
  readonly visible?: boolean;
}

/** One label per pixel, row-major, `height * width` of them (the image's size). */
export type LabelMask = Uint8Array | Uint16Array | Int32Array;

/** A sample: its image and any of its targets. */
export interface Sample<T extends PixelArray = PixelArray, M extends LabelMask = LabelMask> {
  readonly image: ImageView<T>;
  readonly mask?: M;
  readonly keypoints?: readonly Keypoint[];
  readonly boxes?: readonly Box[];
}

/** What happens to each target under an erased region. */
export interface TargetOptions {
  /** Label written into erased mask pixels (default 255, the usual ignore label), or `keep`. */
  readonly maskFill?: number | 'keep';
  /** Keypoints inside a region: `occlude` (kept with `visible: false`, the default) or `drop`. */
  readonly keypoints?: 'occlude' | 'drop';
  /** `keep` (default, as the paper) or `clip`: each box shrinks to the bounding box of its unerased pixels. */
  readonly boxes?: 'keep' | 'clip';
  /**
   * Drop boxes less visible than this, in [0, 1] (default keep all). With an {@link ObjectAwareErasing},
   * give it its own `minVisible` instead.
   */
  readonly minVisible?: number;
}

/** The erased sample; each target present in the input is present here. */
export interface ErasedSample<T extends PixelArray = PixelArray, M extends LabelMask = LabelMask> {
  readonly image: ImageView<T>;
  readonly mask?: M;
  readonly keypoints?: Keypoint[];
  /** Input index of each keypoint returned. */
  readonly keypointsKept?: number[];
  readonly boxes?: Box[];
  /** Input index of each box returned. */
  readonly boxesKept?: number[];
  /** Visible fraction of every input box. */
  readonly visible?: number[];
  /** Every region erased, in the order written. */
  readonly regions: Region[];
}

function checkOptions(o: TargetOptions, eraser: RandomErasing | ObjectAwareErasing): void {
  const fill = o.maskFill ?? 255;
  if (fill !== 'keep' && !Number.isFinite(fill)) throw new RangeError(`maskFill must be a number or 'keep', got ${String(fill)}`);
  if (!['occlude', 'drop'].includes(o.keypoints ?? 'occlude')) throw new RangeError(`keypoints must be 'occlude' or 'drop', got '${o.keypoints}'`);
  if (!['keep', 'clip'].includes(o.boxes ?? 'keep')) throw new RangeError(`boxes must be 'keep' or 'clip', got '${o.boxes}'`);
  if (o.minVisible !== undefined && eraser instanceof ObjectAwareErasing) {
    throw new RangeError('minVisible: give it to the ObjectAwareErasing, which drops boxes by its own visible fraction');
  }
}

function eraseMask<M extends LabelMask>(mask: M, erased: Uint8Array, fill: number | 'keep'): M {
  if (mask.length !== erased.length) throw new RangeError(`mask has ${mask.length} labels, expected ${erased.length} (the image's height * width)`);
  const out = mask.slice() as M;
  if (fill === 'keep') return out;
  const probe = new (mask.constructor as new (length: number) => M)(1);
  probe[0] = fill;
  if (probe[0] !== fill) throw new RangeError(`maskFill ${fill} does not fit in a ${mask.constructor.name}`);
  for (let i = 0; i < out.length; i++) if (erased[i] === 1) out[i] = fill;
  return out;
}

function eraseKeypoints(points: readonly Keypoint[], erased: Uint8Array, image: ImageView, drop: boolean) {
  const { height, width } = image;
  const keypoints: Keypoint[] = [];
  const kept: number[] = [];
  points.forEach((k, i) => {
    if (!(Number.isFinite(k.x) && Number.isFinite(k.y) && k.x >= 0 && k.y >= 0 && k.x <= width && k.y <= height)) {
      throw new RangeError(`keypoints[${i}] ${JSON.stringify(k)} must lie in 0 <= x <= ${width}, 0 <= y <= ${height} (image ${height}x${width})`);
    }
    const [y, x] = [Math.floor(k.y), Math.floor(k.x)];
    const hidden = y < height && x < width && erased[y * width + x] === 1;
    if (hidden && drop) return;
    keypoints.push(hidden ? { ...k, visible: false } : k);
    kept.push(i);
  });
  return { keypoints, kept };
}

/** The box cut to the bounding box of its unerased pixels; null when none is left. */
function clipBox(box: Box, erased: Uint8Array, width: number): Box | null {
  const w = boxWindow(box);
  let [top, left, bottom, right] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = w.top; y < w.top + w.height; y++) {
    for (let x = w.left; x < w.left + w.width; x++) {
      if (erased[y * width + x] === 1) continue;
      [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
    }
  }
  if (top === Infinity) return null;
  return { x1: Math.max(box.x1, left), y1: Math.max(box.y1, top), x2: Math.min(box.x2, right + 1), y2: Math.min(box.y2, bottom + 1) };
}

/**
 * Erase a sample's image and carry the same regions to its mask, keypoints and boxes. With a
 * {@link RandomErasing} the regions are drawn over the whole image (IRE); an
 * {@link ObjectAwareErasing} draws them as its mode says (IRE, ORE, I+ORE). Draws as the eraser's own
 * `apply`. Inputs are not modified.
 *
 * @example
 * const out = eraseSample(new RandomErasing('paper'), { image, mask, keypoints, boxes }, Rng.fromSeed(1), { keypoints: 'drop' });
 */
export function eraseSample<T extends PixelArray, M extends LabelMask>(
  eraser: RandomErasing | ObjectAwareErasing,
  sample: Sample<T, M>,
  rng: Rng,
  options: TargetOptions = {},
): ErasedSample<T, M> {
  checkOptions(options, eraser);
  const boxes = sample.boxes ?? [];
  const objectAware = eraser instanceof RandomErasing
    ? new ObjectAwareErasing({ mode: 'image', imageEraser: eraser, minVisible: options.minVisible })
    : eraser;
  const result = objectAware.apply(sample.image, boxes, rng);
  const { height, width } = result.image;
  const erased = erasedPixels(result.regions, height, width);
  const out: { -readonly [K in keyof ErasedSample<T, M>]: ErasedSample<T, M>[K] } = { image: result.image, regions: result.regions };
  if (sample.mask) out.mask = eraseMask(sample.mask, erased, options.maskFill ?? 255);
  if (sample.keypoints) {
    const { keypoints, kept } = eraseKeypoints(sample.keypoints, erased, result.image, options.keypoints === 'drop');
    [out.keypoints, out.keypointsKept] = [keypoints, kept];
  }
  if (sample.boxes) {
    const clipped = result.kept.map((i) => (options.boxes === 'clip' ? clipBox(boxes[i], erased, width) : boxes[i]));
    out.boxes = clipped.filter((b): b is Box => b !== null);
    out.boxesKept = result.kept.filter((_, j) => clipped[j] !== null);
    out.visible = result.visible;
  }
  return out;
}
