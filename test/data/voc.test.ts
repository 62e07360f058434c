import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DetectionImage } from '../../src/data/detection/dataset.js';
import { VOC_CLASSES, loadVoc } from '../../src/data/detection/voc.js';
import { flatColor, flatJpeg, writeVoc } from './detection-fixtures.js';
import { tempDir } from './fixtures.js';

const CLASSES = ['cat', 'dog'];

/** Two images: one with a cat and a difficult dog, one with nothing annotated. */
const IMAGES: DetectionImage[] = [
  {
    id: 0,
    file: '000001',
    height: 30,
    width: 40,
    objects: [
      { box: { x1: 0, y1: 2, x2: 40, y2: 30 }, label: 0, difficult: false, crowd: false, area: 40 * 28 },
      { box: { x1: 5, y1: 6, x2: 6, y2: 7 }, label: 1, difficult: true, crowd: false, area: 1 },
    ],
  },
  { id: 1, file: '000002', height: 16, width: 24, objects: [] },
];

async function vocFolder(): Promise<string> {
  const root = join(await tempDir(), 'VOC2007');
  await writeVoc(root, IMAGES, CLASSES);
  return root;
}

describe('loadVoc', () => {
  it('reads boxes (1-based inclusive to x2/y2 exclusive), classes, difficult flags and JPEG pixels', async () => {
    const root = await vocFolder();
    const voc = await loadVoc(root, { imageSet: 'test', classNames: CLASSES });
    assert.equal(voc.name, 'VOC2007-test');
    assert.deepEqual(voc.images, IMAGES);
    const xml = await readFile(join(root, 'Annotations', '000001.xml'), 'utf8');
    assert.match(xml, /<xmin>1<\/xmin><ymin>3<\/ymin><xmax>40<\/xmax><ymax>30<\/ymax>/);
    for (const i of [0, 1]) {
      const image = await voc.readImage(i);
      assert.deepEqual([image.height, image.width, image.channels], [IMAGES[i].height, IMAGES[i].width, 3]);
      const [r, g, b] = flatColor(i);
      assert.ok(Math.abs(image.data[0] - r) <= 3 && Math.abs(image.data[1] - g) <= 3 && Math.abs(image.data[2] - b) <= 3, `image ${i} colour`);
    }
    assert.equal(VOC_CLASSES.length, 20);
  });

  it('names the file and the line of a bad annotation', async () => {
    const root = await vocFolder();
    const file = join(root, 'Annotations', '000001.xml');
    const xml = await readFile(file, 'utf8');
    const load = () => loadVoc(root, { imageSet: 'test', classNames: CLASSES });
    await writeFile(file, xml.replace('<name>dog</name>', '<name>horse</name>'));
    await assert.rejects(load, (e: Error) => e.message.startsWith(`${file}: line 12: object 1 ('horse'): class 'horse' is not one of the 2 class names`));
    await writeFile(file, xml.replace('<xmax>40</xmax>', '<xmax>41</xmax>'));
    await assert.rejects(load, (e: Error) => e.message.includes(`${file}: line 10: object 0 ('cat'): bndbox (1, 3, 41, 30) must satisfy`));
    await writeFile(file, xml.replace('<difficult>1</difficult>', '<difficult>yes</difficult>'));
    await assert.rejects(load, /line 12: object 1 \('dog'\): <difficult> must be 0 or 1/);
    await writeFile(file, xml.replace('</size>', ''));
    await assert.rejects(load, (e: Error) => e.message.startsWith(`${file}: line `) && /closing tag/.test(e.message));
    await writeFile(file, xml.replace(/<width>40<\/width>/, '<width>forty</width>'));
    await assert.rejects(load, /line 4: <width> must be a number, got 'forty'/);
    await writeFile(file, xml);
    const labels = (await loadVoc(root, { imageSet: 'test' })).images[0].objects.map((o) => o.label);
    assert.deepEqual(labels, [VOC_CLASSES.indexOf('cat'), VOC_CLASSES.indexOf('dog')], 'default: the 20 VOC classes');
    await writeFile(file, xml.replace('<name>dog</name>', '<name>unicorn</name>'));
    await assert.rejects(() => loadVoc(root, { imageSet: 'test' }), /class 'unicorn' is not one of the 20 class names/);
  });

  it('names the image set line, a missing annotation, a wrong-sized or undecodable image', async () => {
    const root = await vocFolder();
    const set = join(root, 'ImageSets', 'Main', 'test.txt');
    await writeFile(set, '000001\n000002  1\n');
    await assert.rejects(() => loadVoc(root, { imageSet: 'test', classNames: CLASSES }), new RegExp(`${set}: line 2: expected one image id`));
    await writeFile(set, '000001\n000003\n');
    await assert.rejects(() => loadVoc(root, { imageSet: 'test', classNames: CLASSES }), /000003\.xml: cannot be read \(ENOENT\)/);
    await writeFile(set, '000001\n000002\n');
    await assert.rejects(() => loadVoc(root, { imageSet: 'missing', classNames: CLASSES }), /missing\.txt: cannot be read/);
    const voc = await loadVoc(root, { imageSet: 'test', classNames: CLASSES });
    const jpegFile = join(root, 'JPEGImages', '000002.jpg');
    await writeFile(jpegFile, flatJpeg(16, 25, [0, 0, 0]));
    await assert.rejects(voc.readImage(1), (e: Error) => e.message === `${jpegFile}: is 25x16, but ${join(root, 'Annotations', '000002.xml')} says 24x16`);
    await writeFile(jpegFile, 'not an image');
    await assert.rejects(voc.readImage(1), /000002\.jpg: is neither a JPEG nor a PNG file/);
  });
});
