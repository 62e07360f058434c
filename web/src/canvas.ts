/** Drawing uint8 images on canvases and outlining rectangles over them with SVG. */
import type { ImageView } from '../../src/core/index.js';

/** A rectangle in pixel coordinates (the shape of core regions and boxes). */
export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** Largest side, in CSS pixels, of an image tile. */
const TILE_SIZE = 150;

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser has no 2D canvas');
  return ctx;
}

/** Paint an hwc uint8 image (1 or 3 channels) on the canvas at its own resolution. */
export function paint(canvas: HTMLCanvasElement, image: ImageView<Uint8Array>, tileSize = TILE_SIZE): void {
  const { height, width, channels, data } = image;
  canvas.width = width;
  canvas.height = height;
  const pixels = new ImageData(width, height);
  const rgba = pixels.data;
  for (let i = 0, o = 0; i < height * width; i++, o += 4) {
    const base = i * channels;
    rgba[o] = data[base];
    rgba[o + 1] = data[base + (channels > 1 ? 1 : 0)];
    rgba[o + 2] = data[base + (channels > 2 ? 2 : 0)];
    rgba[o + 3] = 255;
  }
  context(canvas).putImageData(pixels, 0, 0);
  const scale = tileSize / Math.max(width, height);
  canvas.style.width = `${Math.round(width * scale)}px`;
  canvas.style.height = `${Math.round(height * scale)}px`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Replace the outlines in `svg` (laid over an image of the given size) with one per rectangle. */
export function outline(
  svg: SVGSVGElement,
  size: { height: number; width: number },
  rects: readonly { rect: Rect; className: string; title: string }[],
): void {
  svg.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.replaceChildren(
    ...rects.map(({ rect, className, title }) => {
      const el = document.createElementNS(SVG_NS, 'rect');
      el.setAttribute('x', String(rect.left));
      el.setAttribute('y', String(rect.top));
      el.setAttribute('width', String(rect.width));
      el.setAttribute('height', String(rect.height));
      el.setAttribute('class', className);
      const tip = document.createElementNS(SVG_NS, 'title');
      tip.textContent = title;
      el.append(tip);
      return el;
    }),
  );
}

/** `top,left h×w` text of a rectangle. */
export function describeRect(r: Rect): string {
  return `top ${r.top}, left ${r.left}, ${r.height}×${r.width}`;
}

/** A figure holding a canvas with an SVG overlay and a caption: one tile of a grid. */
export function tile(image: ImageView<Uint8Array>, caption: string): {
  figure: HTMLElement;
  canvas: HTMLCanvasElement;
  overlay: SVGSVGElement;
  details: HTMLElement;
} {
  const figure = document.createElement('figure');
  figure.className = 'tile';
  const stack = document.createElement('div');
  stack.className = 'stack';
  const canvas = document.createElement('canvas');
  canvas.className = 'pixels';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', caption);
  paint(canvas, image);
  const overlay = document.createElementNS(SVG_NS, 'svg');
  overlay.setAttribute('class', 'overlay');
  overlay.setAttribute('aria-hidden', 'true');
  stack.append(canvas, overlay);
  const figcaption = document.createElement('figcaption');
  const title = document.createElement('strong');
  title.textContent = caption;
  const details = document.createElement('div');
  details.className = 'details';
  figcaption.append(title, details);
  figure.append(stack, figcaption);
  return { figure, canvas, overlay, details };
}
