/** A tiny generated PNG image-folder dataset (train/test split, 2 classes) for experiment tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';

/** Class 0: bright left half; class 1: bright right half; pixel noise from a fixed LCG. */
export async function writeTinyDataset(root: string, size = 8, perClass = { train: 12, test: 6 }): Promise<string> {
  let state = 12345;
  const noise = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24) % 40;
  for (const split of ['train', 'test'] as const) {
    for (const label of [0, 1]) {
      const dir = path.join(root, split, `class${label}`);
      await mkdir(dir, { recursive: true });
      for (let n = 0; n < perClass[split]; n++) {
        const png = new PNG({ width: size, height: size, colorType: 0 });
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const bright = (x < size / 2) === (label === 0);
            const v = (bright ? 200 : 40) + noise();
            png.data.set([v, v, v, 255], (y * size + x) * 4);
          }
        }
        await writeFile(path.join(dir, `${n}.png`), PNG.sync.write(png, { colorType: 0 }));
      }
    }
  }
  return root;
}
