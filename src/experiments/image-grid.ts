/**
 * Image grids for preview figures: uint8 images laid out in rows and columns, upscaled with nearest
 * neighbour so that 28x28 or 32x32 samples stay visible, with optional rectangle outlines (object
 * boxes, erased regions), encoded as PNG with pngjs.
 */
import { PNG } from 'pngjs';
import type { ImageView } from '../core/image.js';

/** An axis-aligned rectangle in pixel units of the source image. */
export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** Rectangle outlines drawn over a tile, all in one colour. */
export interface Outline {
  readonly rects: readonly Rect[];
  readonly color: Rgb;
}

/** One cell of the grid: an image (1 or 3 channels, hwc or chw) and outlines drawn over it. */
export interface Tile {
  readonly image: ImageView<Uint8Array>;
  readonly outlines?: readonly Outline[];
}

/** Layout options of {@link renderGrid}. */
export interface GridOptions {
  /** Integer upscaling factor; default: the smallest making a tile at least 112 px on its long side. */
  readonly scale?: number;
  /** Gap between tiles and around the grid, in output pixels (default 4). */
  readonly gap?: number;
  /** Background colour (default white). */
  readonly background?: Rgb;
}

/** An RGBA raster. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

const MIN_TILE_PIXELS = 112;

/** The smallest integer factor that makes an image at least `minPixels` on its long side. */
export function upscaleFactor(height: number, width: number, minPixels = MIN_TILE_PIXELS): number {
  return Math.max(1, Math.ceil(minPixels / Math.max(height, width)));
}

function pixelRgb(image: ImageView<Uint8Array>, y: number, x: number): Rgb {
  const { data, height, width, channels, layout } = image;
  const at = (c: number): number =>
    layout === 'hwc' ? data[(y * width + x) * channels + c] : data[(c * height + y) * width + x];
  if (channels >= 3) return [at(0), at(1), at(2)];
  const v = at(0);
  return [v, v, v];
}

function setPixel(raster: Raster, x: number, y: number, [r, g, b]: Rgb): void {
  if (x < 0 || y < 0 || x >= raster.width || y >= raster.height) return;
  const o = (y * raster.width + x) * 4;
  raster.data[o] = r;
  raster.data[o + 1] = g;
  raster.data[o + 2] = b;
  raster.data[o + 3] = 255;
}

function drawImage(raster: Raster, image: ImageView<Uint8Array>, x0: number, y0: number, scale: number): void {
  for (let y = 0; y < image.height * scale; y++) {
    for (let x = 0; x < image.width * scale; x++) {
      setPixel(raster, x0 + x, y0 + y, pixelRgb(image, Math.floor(y / scale), Math.floor(x / scale)));
    }
  }
}

/** Outline a rectangle (source-image units) on the upscaled tile at (x0, y0), 1 px wide per scale step. */
function drawRect(raster: Raster, rect: Rect, x0: number, y0: number, scale: number, color: Rgb): void {
  const thickness = Math.max(1, Math.floor(scale / 2));
  const left = x0 + rect.left * scale;
  const top = y0 + rect.top * scale;
  const right = left + rect.width * scale - 1;
  const bottom = top + rect.height * scale - 1;
  for (let t = 0; t < thickness; t++) {
    for (let x = left; x <= right; x++) {
      setPixel(raster, x, top + t, color);
      setPixel(raster, x, bottom - t, color);
    }
    for (let y = top; y <= bottom; y++) {
      setPixel(raster, left + t, y, color);
      setPixel(raster, right - t, y, color);
    }
  }
}

function checkRows(rows: readonly (readonly Tile[])[]): { height: number; width: number } {
  const first = rows[0]?.[0];
  if (!first) throw new RangeError('renderGrid: the grid needs at least one row with one tile');
  for (const row of rows) {
    for (const tile of row) {
      if (tile.image.height !== first.image.height || tile.image.width !== first.image.width) {
        throw new RangeError(
          `renderGrid: every tile must be ${first.image.height}x${first.image.width}, got ` +
            `${tile.image.height}x${tile.image.width}`,
        );
      }
    }
  }
  return { height: first.image.height, width: first.image.width };
}

/** Lay tiles out row by row (rows may have different lengths) into one RGBA raster. */
export function renderGrid(rows: readonly (readonly Tile[])[], options: GridOptions = {}): Raster {
  const tileShape = checkRows(rows);
  const scale = options.scale ?? upscaleFactor(tileShape.height, tileShape.width);
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`scale must be a positive integer, got ${scale}`);
  const gap = options.gap ?? 4;
  const tileW = tileShape.width * scale;
  const tileH = tileShape.height * scale;
  const columns = Math.max(...rows.map((row) => row.length));
  const width = gap + columns * (tileW + gap);
  const height = gap + rows.length * (tileH + gap);
  const raster: Raster = { width, height, data: new Uint8Array(width * height * 4) };
  const [br, bg, bb] = options.background ?? [255, 255, 255];
  for (let i = 0; i < width * height; i++) raster.data.set([br, bg, bb, 255], i * 4);
  rows.forEach((row, r) =>
    row.forEach((tile, c) => {
      const x0 = gap + c * (tileW + gap);
      const y0 = gap + r * (tileH + gap);
      drawImage(raster, tile.image, x0, y0, scale);
      for (const outline of tile.outlines ?? []) {
        for (const rect of outline.rects) drawRect(raster, rect, x0, y0, scale, outline.color);
      }
    }),
  );
  return raster;
}

/** Encode an RGBA raster as PNG bytes. */
export function encodePng(raster: Raster): Buffer {
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data = Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength);
  return PNG.sync.write(png);
}
