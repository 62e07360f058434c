/** The sample images made at build time, decoded, and a scene with object boxes built from them. */
import { samples as encoded, sampleClassNames, sampleSource } from 'virtual:samples';
import { imageView, type ImageView } from '../../src/core/index.js';
import type { Rect } from './canvas.js';

/** An image the page can show. */
export interface Sample {
  readonly name: string;
  readonly image: ImageView<Uint8Array>;
  /** Object boxes that come with the image. */
  readonly boxes?: readonly Rect[];
}

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** All build-time samples. */
export function loadSamples(): Sample[] {
  return encoded.map((s) => ({
    name: s.name,
    image: imageView(decode(s.pixels), { height: s.height, width: s.width, channels: s.channels }),
  }));
}

export { sampleClassNames, sampleSource };

/** Smallest box holding the image's non-zero pixels, offset by (top, left). */
function tightBox(image: ImageView<Uint8Array>, top: number, left: number): Rect {
  let y0 = image.height;
  let x0 = image.width;
  let y1 = -1;
  let x1 = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[(y * image.width + x) * image.channels] === 0) continue;
      y0 = Math.min(y0, y);
      x0 = Math.min(x0, x);
      y1 = Math.max(y1, y);
      x1 = Math.max(x1, x);
    }
  }
  if (y1 < 0) return { top, left, height: image.height, width: image.width };
  return { top: top + y0, left: left + x0, height: y1 - y0 + 1, width: x1 - x0 + 1 };
}

/**
 * A 64x64 scene with three single-channel samples pasted at fixed places, and the tight box of each:
 * the "sample with boxes" of the object-aware section.
 */
export function sceneWithBoxes(all: readonly Sample[]): Sample {
  const parts = all.filter((s) => s.image.channels === 1).slice(0, 3);
  const size = 64;
  const data = new Uint8Array(size * size);
  const places: [number, number][] = [[2, 2], [4, 34], [34, 18]];
  const boxes: Rect[] = [];
  parts.forEach((part, i) => {
    const [top, left] = places[i];
    const { height, width } = part.image;
    for (let y = 0; y < Math.min(height, size - top); y++) {
      for (let x = 0; x < Math.min(width, size - left); x++) {
        data[(top + y) * size + left + x] = part.image.data[y * width + x];
      }
    }
    boxes.push(tightBox(part.image, top, left));
  });
  return { name: 'scene with boxes', image: imageView(data, { height: size, width: size, channels: 1 }), boxes };
}
