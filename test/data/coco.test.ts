import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { Dataset } from '../../src/data/dataset.js';
import { loadCoco, toCocoInstances, type CocoInstances } from '../../src/data/detection/coco.js';
import { generateScenes } from '../../src/data/detection/scenes.js';
import { flatColor, flatJpeg } from './detection-fixtures.js';
import { tempDir } from './fixtures.js';

/** A hand-written instances file: images out of id order, categories out of id order. */
function instances(): CocoInstances {
  return {
    images: [
      { id: 42, file_name: 'b.png', width: 20, height: 10 },
      { id: 7, file_name: 'a.jpg', width: 30, height: 40 },
    ],
    categories: [
      { id: 18, name: 'dog' },
      { id: 3, name: 'car' },
    ],
    annotations: [
      { id: 5, image_id: 7, category_id: 18, bbox: [1.5, 2, 10, 20.25], area: 150, iscrowd: 0 },
      { id: 9, image_id: 42, category_id: 3, bbox: [0, 0, 20, 10], area: 200, iscrowd: 1 },
      { id: 2, image_id: 7, category_id: 3, bbox: [0, 0, 30, 40], area: 1000, iscrowd: 0, ignore: 1 },
    ],
  };
}

async function cocoFile(doc: unknown, text = JSON.stringify(doc, null, 1)): Promise<string> {
  const file = join(await tempDir(), 'instances_val.json');
  await writeFile(file, text);
  return file;
}

describe('loadCoco', () => {
  it('sorts images by id and classes by category id, keeps annotation order, converts [x, y, w, h]', async () => {
    const coco = await loadCoco(await cocoFile(instances()));
    assert.equal(coco.name, 'instances_val');
    assert.deepEqual(coco.classNames, ['car', 'dog']);
    assert.deepEqual(coco.categoryIds, [3, 18]);
    assert.deepEqual(coco.images.map((im) => [im.id, im.file, im.width, im.height]), [[7, 'a.jpg', 30, 40], [42, 'b.png', 20, 10]]);
    assert.deepEqual(coco.images[0].objects, [
      { box: { x1: 1.5, y1: 2, x2: 11.5, y2: 22.25 }, label: 1, difficult: false, crowd: false, area: 150 },
      { box: { x1: 0, y1: 0, x2: 30, y2: 40 }, label: 0, difficult: true, crowd: false, area: 1000 },
    ]);
    assert.deepEqual(coco.images[1].objects, [{ box: { x1: 0, y1: 0, x2: 20, y2: 10 }, label: 0, difficult: false, crowd: true, area: 200 }]);
    await assert.rejects(coco.readImage(0), /image id 7: no imagesDir given to read 'a\.jpg' from/);
  });

  it('decodes JPEG and PNG images from imagesDir', async () => {
    const file = await cocoFile(instances());
    const dir = join(await tempDir(), 'val');
    await mkdir(dir);
    await writeFile(join(dir, 'a.jpg'), flatJpeg(40, 30, flatColor(1)));
    const png = new PNG({ width: 20, height: 10 });
    for (let p = 0; p < 200; p++) png.data.set([p % 256, 7, 9, 255], 4 * p);
    await writeFile(join(dir, 'b.png'), PNG.sync.write(png));
    const coco = await loadCoco(file, { imagesDir: dir });
    const a = await coco.readImage(0);
    assert.deepEqual([a.height, a.width, a.channels], [40, 30, 3]);
    flatColor(1).forEach((v, c) => assert.ok(Math.abs(a.data[c] - v) <= 3));
    const b = await coco.readImage(1);
    assert.deepEqual([...b.data.subarray(3 * 13, 3 * 14)], [13, 7, 9]);
  });

  it('round trip: generated scenes written as COCO instances load back equal', async () => {
    const source: Dataset = {
      name: 'blobs', images: new Uint8Array(4 * 784).fill(200), labels: Int32Array.from([0, 1, 2, 1]), count: 4,
      height: 28, width: 28, channels: 1, classNames: ['a', 'b', 'c'],
    };
    const scenes = generateScenes(source, { split: 'test', count: 12, seed: 2, maxOverlap: 1 });
    assert.ok(scenes.images.some((im) => im.objects.some((o) => o.difficult)), 'some difficult objects to carry over');
    const coco = await loadCoco(await cocoFile(toCocoInstances(scenes)));
    assert.deepEqual(coco.classNames, scenes.classNames);
    assert.deepEqual(coco.categoryIds, [1, 2, 3]);
    assert.deepEqual(coco.images, scenes.images);
  });

  it('names the file and the annotation, image or category id at fault', async () => {
    const bad = async (edit: (doc: CocoInstances) => void, pattern: RegExp) => {
      const doc = instances();
      edit(doc);
      const file = await cocoFile(doc);
      await assert.rejects(() => loadCoco(file), (e: Error) => e.message.startsWith(`${file}: `) && pattern.test(e.message));
    };
    await bad((d) => (d.annotations[1].image_id = 8), /annotation id 9: image_id 8 is not in "images"/);
    await bad((d) => (d.annotations[0].category_id = 4), /annotation id 5: category_id 4 is not in "categories"/);
    await bad((d) => (d.annotations[0].bbox = [25, 0, 10, 10]), /annotation id 5: bbox \[25, 0, 10, 10\] must have width, height > 0 and lie inside image 7 \(30x40\)/);
    await bad((d) => (d.annotations[0].bbox = [0, 0, 0, 10]), /annotation id 5: bbox/);
    await bad((d) => ((d.annotations[2] as { iscrowd: number }).iscrowd = 2), /annotation id 2: "iscrowd" must be 0 or 1/);
    await bad((d) => (d.annotations[2].id = 5), /annotation id 5 appears twice/);
    await bad((d) => (d.images[1].id = 42), /images\[1\]: id 42 appears twice/);
    await bad((d) => ((d.images[0] as { width: unknown }).width = '20'), /image id 42: "width" must be an integer >= 1/);
    await bad((d) => ((d as { categories?: unknown }).categories = undefined), /expected a top-level "categories" array/);
    const file = await cocoFile(null, '{\n  "images": [\n    {"id": 1,}\n  ]\n}');
    await assert.rejects(() => loadCoco(file), (e: Error) => e.message.startsWith(`${file}: not valid JSON at line 3, column `));
    await assert.rejects(() => loadCoco(`${file}.missing`), /\.missing: cannot be read \(ENOENT\)/);
  });
});
