/**
 * The canvas scenes are composed on: grey pixels plus an owner map telling which item shows at each
 * pixel. Pieces of source images are rescaled bilinearly (pixel centres aligned) and pasted
 * opaquely where they stand out from their dark background, so a later item hides an earlier one.
 */
import type { Box } from '../../core/object-aware.js';

/** Source pixels at or below this level are background (transparent). */
export const MASK_LEVEL = 16;

/** No item shows at this pixel. */
const NO_OWNER = 255;

/** A piece of a grey source image pasted onto the canvas, rescaled to the destination size. */
export interface Piece {
  /** Source pixels, row-major, `sourceWidth` per row. */
  readonly source: Uint8Array;
  readonly sourceWidth: number;
  /** Source window. */
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
  /** Destination window (inside the canvas). */
  readonly toTop: number;
  readonly toLeft: number;
  readonly toHeight: number;
  readonly toWidth: number;
}

/** What an item shows once every item is pasted. */
export interface ItemView {
  /** Bounding box of its visible pixels, or null when it is fully hidden. */
  readonly box: Box | null;
  /** Visible pixels. */
  readonly visible: number;
  /** Pixels it covered when pasted. */
  readonly pasted: number;
}

/** Source coordinate, floor index and weight of each destination column (or row). */
function samplePoints(from: number, size: number, to: number, x0: Int32Array, fx: Float32Array): void {
  const scale = size / to;
  for (let x = 0; x < to; x++) {
    const s = Math.min(size - 1, Math.max(0, (x + 0.5) * scale - 0.5));
    const i = Math.min(size - 2, Math.floor(s));
    x0[x] = from + Math.max(0, i);
    fx[x] = size === 1 ? 0 : s - Math.max(0, i);
  }
}

/** A grey canvas with an owner map; reused from scene to scene. */
export class SceneCanvas {
  readonly owner: Uint8Array;
  private readonly pasted: number[] = [];
  private readonly x0: Int32Array;
  private readonly fx: Float32Array;
  private readonly y0: Int32Array;
  private readonly fy: Float32Array;

  constructor(
    readonly height: number,
    readonly width: number,
  ) {
    this.owner = new Uint8Array(height * width);
    this.x0 = new Int32Array(width);
    this.fx = new Float32Array(width);
    this.y0 = new Int32Array(height);
    this.fy = new Float32Array(height);
  }

  /** Start a scene: no owners. */
  clear(): void {
    this.owner.fill(NO_OWNER);
    this.pasted.length = 0;
  }

  /**
   * Paste a piece into `pixels` (this canvas's shape); `item` (0..254) marks the covered pixels as
   * that item's, or leaves the owner map alone when undefined (distractors, which go first).
   */
  paste(pixels: Uint8Array, piece: Piece, item?: number): void {
    const { source, sourceWidth: sw, toTop, toLeft, toHeight, toWidth } = piece;
    const { x0, fx, y0, fy } = this;
    samplePoints(piece.left, piece.width, toWidth, x0, fx);
    samplePoints(piece.top, piece.height, toHeight, y0, fy);
    const step = piece.width > 1 ? 1 : 0;
    const down = piece.height > 1 ? sw : 0;
    let covered = 0;
    for (let y = 0; y < toHeight; y++) {
      const row = y0[y] * sw;
      const wy = fy[y];
      const out = (toTop + y) * this.width + toLeft;
      for (let x = 0; x < toWidth; x++) {
        const a = row + x0[x];
        const w = fx[x];
        const top = source[a] + w * (source[a + step] - source[a]);
        const bottom = source[a + down] + w * (source[a + down + step] - source[a + down]);
        const v = top + wy * (bottom - top);
        if (v <= MASK_LEVEL) continue;
        pixels[out + x] = (v + 0.5) | 0;
        if (item !== undefined) this.owner[out + x] = item;
        covered++;
      }
    }
    if (item !== undefined) this.pasted[item] = covered;
  }

  /** Visible box and pixel counts of items 0..count-1, from the owner map. */
  items(count: number): ItemView[] {
    const x1 = new Int32Array(count).fill(this.width);
    const y1 = new Int32Array(count).fill(this.height);
    const x2 = new Int32Array(count);
    const y2 = new Int32Array(count);
    const visible = new Int32Array(count);
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const k = this.owner[y * this.width + x];
        if (k === NO_OWNER) continue;
        visible[k]++;
        if (x < x1[k]) x1[k] = x;
        if (x >= x2[k]) x2[k] = x + 1;
        if (y < y1[k]) y1[k] = y;
        y2[k] = y + 1;
      }
    }
    return Array.from({ length: count }, (_, k) => ({
      box: visible[k] > 0 ? { x1: x1[k], y1: y1[k], x2: x2[k], y2: y2[k] } : null,
      visible: visible[k],
      pasted: this.pasted[k] ?? 0,
    }));
  }
}
