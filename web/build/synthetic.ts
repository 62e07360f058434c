/** Sample images the project draws itself: the fallback when Fashion-MNIST is absent, and a colour scene. */

/** An image as the build step hands it to the page. */
export interface RawImage {
  name: string;
  /** Class index, or -1 when the image has none. */
  label: number;
  height: number;
  width: number;
  channels: number;
  pixels: Uint8Array;
}

type Shape = (u: number, v: number) => boolean;

/** Grayscale shapes on [-1, 1]^2 (v points down). */
const SHAPES: Record<string, Shape> = {
  disc: (u, v) => Math.hypot(u, v) < 0.7,
  ring: (u, v) => Math.abs(Math.hypot(u, v) - 0.6) < 0.15,
  square: (u, v) => Math.max(Math.abs(u), Math.abs(v)) < 0.6,
  triangle: (u, v) => v < 0.6 && Math.abs(u) < (v + 0.7) * 0.55,
  cross: (u, v) => Math.max(Math.abs(u), Math.abs(v)) < 0.8 && Math.min(Math.abs(u), Math.abs(v)) < 0.2,
  stripes: (u, v) => Math.max(Math.abs(u), Math.abs(v)) < 0.8 && Math.floor((u + 1) * 4) % 2 === 0,
};

function render(size: number, shape: Shape): Uint8Array {
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (2 * x + 1) / size - 1;
      const v = (2 * y + 1) / size - 1;
      // Shaded foreground on a black background, as Fashion-MNIST.
      if (shape(u, v)) pixels[y * size + x] = Math.round(140 + 100 * (1 - (u + v + 2) / 4));
    }
  }
  return pixels;
}

/** The synthetic grayscale 28x28 set. */
export function syntheticShapes(): RawImage[] {
  return Object.entries(SHAPES).map(([name, shape]) => ({
    name: `synthetic ${name}`,
    label: -1,
    height: 28,
    width: 28,
    channels: 1,
    pixels: render(28, shape),
  }));
}

/** A 96x96 RGB scene: a gradient background with a red disc, a green square and a blue triangle. */
export function colourScene(size = 96): RawImage {
  const pixels = new Uint8Array(size * size * 3);
  const objects: [Shape, number, number, number[]][] = [
    [SHAPES.disc, 0.28, 0.3, [220, 50, 40]],
    [SHAPES.square, 0.72, 0.32, [40, 170, 70]],
    [SHAPES.triangle, 0.5, 0.72, [40, 80, 210]],
  ];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let rgb = [90 + Math.round((120 * x) / size), 110, 150 + Math.round((80 * y) / size)];
      for (const [shape, cx, cy, colour] of objects) {
        if (shape((x / size - cx) * 5, (y / size - cy) * 5)) rgb = colour;
      }
      pixels.set(rgb, (y * size + x) * 3);
    }
  }
  return { name: 'synthetic colour scene', label: -1, height: size, width: size, channels: 3, pixels };
}
