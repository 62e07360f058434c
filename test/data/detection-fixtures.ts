/** Detection datasets written in the Pascal VOC and COCO formats, for the loaders' tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { toVocBox } from '../../src/data/detection/boxes.js';
import type { DetectionImage } from '../../src/data/detection/dataset.js';

/** An annotation file for one image, objects named by `classNames`. */
export function vocXml(image: DetectionImage, classNames: readonly string[], file = `${image.file}.jpg`): string {
  const objects = image.objects.map((o) => {
    const b = toVocBox(o.box);
    return [
      '  <object>',
      `    <name>${classNames[o.label]}</name>`,
      '    <pose>Unspecified</pose>',
      '    <truncated>0</truncated>',
      `    <difficult>${o.difficult ? 1 : 0}</difficult>`,
      `    <bndbox><xmin>${b.xmin}</xmin><ymin>${b.ymin}</ymin><xmax>${b.xmax}</xmax><ymax>${b.ymax}</ymax></bndbox>`,
      '  </object>',
    ].join('\n');
  });
  return [
    '<annotation>',
    '  <folder>VOC2007</folder>',
    `  <filename>${file}</filename>`,
    `  <size><width>${image.width}</width><height>${image.height}</height><depth>3</depth></size>`,
    ...objects,
    '</annotation>',
    '',
  ].join('\n');
}

/** RGB pixel (y, x) of image i, so tests can check decoding (JPEG keeps flat colours close). */
export function flatColor(i: number): [number, number, number] {
  return [(40 * i + 30) % 256, (90 * i + 60) % 256, (150 * i + 200) % 256];
}

/** A JPEG of one flat colour. */
export function flatJpeg(height: number, width: number, [r, g, b]: readonly number[]): Buffer {
  const data = Buffer.alloc(height * width * 4);
  for (let p = 0; p < height * width; p++) data.set([r, g, b, 255], 4 * p);
  return jpeg.encode({ data, width, height }, 95).data;
}

/** A VOC folder: Annotations, JPEGImages (flat colours) and ImageSets/Main/<imageSet>.txt. */
export async function writeVoc(root: string, images: readonly DetectionImage[], classNames: readonly string[], imageSet = 'test'): Promise<void> {
  for (const dir of ['Annotations', 'JPEGImages', join('ImageSets', 'Main')]) await mkdir(join(root, dir), { recursive: true });
  for (const [i, image] of images.entries()) {
    await writeFile(join(root, 'Annotations', `${image.file}.xml`), vocXml(image, classNames));
    await writeFile(join(root, 'JPEGImages', `${image.file}.jpg`), flatJpeg(image.height, image.width, flatColor(i)));
  }
  await writeFile(join(root, 'ImageSets', 'Main', `${imageSet}.txt`), images.map((im) => im.file).join('\n') + '\n');
}
