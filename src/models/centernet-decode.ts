/**
 * Decoding a CenterNet output (see `buildCenterNet`) into scored boxes, as CenterNet does: the score
 * of class k at cell (y, x) is sigmoid(heatmap logit); a cell is a peak when its score is not below
 * any of its 8 neighbours' in the same class (3x3 max pooling compared for equality, so every cell of
 * a plateau is kept); the `topK` peaks of highest score over all classes and cells become boxes
 * centred at ((x + offset x) * 4, (y + offset y) * 4), (width * 4) by (height * 4) pixels, clipped to
 * the image. No non-maximum suppression. Pure TypeScript on the output's values, so it runs wherever
 * the model's output can be read (an exported model in a browser included).
 */
import type { Box } from '../core/object-aware.js';
import { centerNetLayout, OUTPUT_STRIDE } from './centernet.js';

/** One decoded detection: image index in the batch, class, box (pixels, x2/y2 exclusive) and score in (0, 1). */
export interface DecodedDetection {
  readonly image: number;
  readonly label: number;
  readonly box: Box;
  readonly score: number;
}

/** Options of {@link decodeCenterNet}. */
export interface DecodeOptions {
  /** Detections kept per image (default 100, COCO's maxDets). */
  readonly topK?: number;
  /** Peaks scoring below this are dropped (default 0: keep the top-k whatever their score). */
  readonly minScore?: number;
}

/** Detections kept per image by default. */
export const DEFAULT_TOP_K = 100;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Scores and peak flags of one image's heatmaps, [class][y][x]. */
function peaks(values: ArrayLike<number>, base: number, height: number, width: number, channels: number, classes: number): { score: number; k: number; y: number; x: number }[] {
  const score = new Float64Array(classes * height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < classes; k++) score[(k * height + y) * width + x] = sigmoid(values[base + (y * width + x) * channels + k]);
    }
  }
  const found: { score: number; k: number; y: number; x: number }[] = [];
  for (let k = 0; k < classes; k++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const s = score[(k * height + y) * width + x];
        let peak = true;
        for (let dy = -1; dy <= 1 && peak; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
            if (score[(k * height + yy) * width + xx] > s) {
              peak = false;
              break;
            }
          }
        }
        if (peak) found.push({ score: s, k, y, x });
      }
    }
  }
  return found;
}

/**
 * Detections of a batch of CenterNet outputs: `values` is the output tensor's data, NHWC with
 * `shape` = [batch, H / 4, W / 4, numClasses + 4]. Per image, at most `topK` detections in descending
 * score order (ties in class, then row, then column order).
 *
 * @example
 * const out = model.predict(images) as tf.Tensor4D;
 * const detections = decodeCenterNet(await out.data(), out.shape, 10);
 */
export function decodeCenterNet(values: ArrayLike<number>, shape: readonly [number, number, number, number], numClasses: number, options: DecodeOptions = {}): DecodedDetection[] {
  const [count, height, width, channels] = shape;
  const layout = centerNetLayout(numClasses);
  if (channels !== layout.channels) throw new RangeError(`decodeCenterNet: ${numClasses} classes need ${layout.channels} output channels, the output has ${channels}`);
  if (values.length !== count * height * width * channels) throw new RangeError(`decodeCenterNet: ${values.length} values do not match the shape [${shape.join(', ')}]`);
  const topK = options.topK ?? DEFAULT_TOP_K;
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`decodeCenterNet: topK must be an integer >= 1, got ${topK}`);
  const minScore = options.minScore ?? 0;
  const [imageHeight, imageWidth] = [height * OUTPUT_STRIDE, width * OUTPUT_STRIDE];
  const detections: DecodedDetection[] = [];
  for (let n = 0; n < count; n++) {
    const base = n * height * width * channels;
    const kept = peaks(values, base, height, width, channels, numClasses)
      .filter((p) => p.score >= minScore)
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
    for (const { score, k, y, x } of kept) {
      const at = base + (y * width + x) * channels;
      const cx = (x + values[at + layout.offset]) * OUTPUT_STRIDE;
      const cy = (y + values[at + layout.offset + 1]) * OUTPUT_STRIDE;
      const w = Math.max(0, values[at + layout.size]) * OUTPUT_STRIDE;
      const h = Math.max(0, values[at + layout.size + 1]) * OUTPUT_STRIDE;
      const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
      const box = { x1: clip(cx - w / 2, imageWidth), y1: clip(cy - h / 2, imageHeight), x2: clip(cx + w / 2, imageWidth), y2: clip(cy + h / 2, imageHeight) };
      detections.push({ image: n, label: k, box, score });
    }
  }
  return detections;
}
