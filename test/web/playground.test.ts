/**
 * The browser playground in a real Chromium: builds web/ with Vite into a temporary folder, serves it
 * on 127.0.0.1 with an ephemeral port, and checks what a user sees, reading pixels back from canvases.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { writeTinyModel } from './tiny-model.js';

const CHROMIUM = '/usr/bin/chromium';
const CONFIG = join(import.meta.dirname, '../../web/vite.config.ts');
/** Where the first-screen review screenshot goes; PLAYGROUND_SCREENSHOT overrides it (docs/figures/playground.png is made so). */
const SCREENSHOT = process.env.PLAYGROUND_SCREENSHOT ?? join(tmpdir(), 'random-erasing-playground.png');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (apt-get install -y chromium): browser tests skipped`;

/** Pixels of every variant canvas and of the original, as RGBA arrays. */
interface Snapshot {
  original: number[];
  variants: { pixels: number[]; regions: { top: number; left: number; height: number; width: number }[] }[];
  width: number;
}

function snapshot(page: Page, grid = '#variants'): Promise<Snapshot> {
  // No named helpers inside evaluate: tsx would wrap them in a __name() call the page lacks.
  return page.evaluate((selector) => {
    const canvases = [
      document.querySelector<HTMLCanvasElement>('#original')!,
      ...Array.from(document.querySelectorAll<HTMLCanvasElement>(`${selector} .tile canvas`)),
    ];
    const pixels = canvases.map((c) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));
    const regions = Array.from(document.querySelectorAll<HTMLElement>(`${selector} .tile`)).map((f) => JSON.parse(f.dataset.regions ?? '[]'));
    return {
      original: pixels[0],
      variants: regions.map((r, i) => ({ pixels: pixels[i + 1], regions: r })),
      width: canvases[0].width,
    };
  }, grid);
}

/** Assert that every RGBA value outside the regions equals the original; returns how many values inside changed, of how many. */
function checkOutsideRegions(shot: Snapshot): { inside: number; changed: number } {
  let inside = 0;
  let changed = 0;
  for (const { pixels, regions } of shot.variants) {
    for (let i = 0; i < pixels.length; i++) {
      const y = Math.floor(i / 4 / shot.width);
      const x = Math.floor(i / 4) % shot.width;
      const erased = regions.some((r) => y >= r.top && y < r.top + r.height && x >= r.left && x < r.left + r.width);
      if (!erased) assert.equal(pixels[i], shot.original[i], `pixel (${y}, ${x}) outside every region changed`);
      else if (i % 4 !== 3) {
        inside++;
        if (pixels[i] !== shot.original[i]) changed++;
      }
    }
  }
  return { inside, changed };
}

/** An RGB gradient PNG of the given size. */
function gradientPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data.set([(i % width) % 256, Math.floor(i / width) % 256, 128, 255], i * 4);
  }
  return PNG.sync.write(png);
}

describe('playground in Chromium', { skip }, () => {
  let outDir = '';
  let profile = '';
  let server: PreviewServer;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  /** Run `action` and wait until the page has rendered again. */
  async function rerender(action: () => Promise<unknown>): Promise<void> {
    const before = Number(await page.evaluate(() => document.body.dataset.renders ?? '0'));
    await action();
    await page.waitForFunction((n) => Number(document.body.dataset.renders ?? '0') > n, before);
  }

  async function setField(selector: string, value: string): Promise<void> {
    await rerender(() => page.fill(selector, value));
  }

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'playground-dist-'));
    profile = mkdtempSync(join(tmpdir(), 'playground-profile-'));
    await build({ configFile: CONFIG, logLevel: 'error', build: { outDir } });
    server = await preview({ configFile: CONFIG, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
    const url = server.resolvedUrls?.local[0];
    assert.ok(url, 'preview server has no local URL');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction(() => Number(document.body.dataset.renders ?? '0') > 0);
  });

  after(async () => {
    await context?.close();
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  test('loads with sample images, variants and no console errors', async () => {
    const source = await page.evaluate(() => document.body.dataset.sampleSource);
    assert.equal(source, existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') ? 'fashion-mnist' : 'synthetic');
    assert.ok((await page.locator('#sample-select option').count()) >= 4);
    assert.equal(await page.locator('#variants .tile canvas').count(), 8);
    assert.deepEqual(errors, []);
  });

  test('every control has a label', async () => {
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'))
        .filter((el) => el.labels?.length === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.id || el.name),
    );
    assert.deepEqual(unlabelled, []);
  });

  test('p = 0 shows images identical to the original', async () => {
    await setField('#opt-p', '0');
    const shot = await snapshot(page);
    assert.equal(shot.variants.length, 8);
    for (const variant of shot.variants) {
      assert.deepEqual(variant.regions, []);
      assert.deepEqual(variant.pixels, shot.original);
    }
  });

  test('a new seed changes the output, the same seed reproduces it', async () => {
    await setField('#opt-p', '1');
    const first = await snapshot(page);
    await setField('#seed', '2');
    const second = await snapshot(page);
    assert.notDeepEqual(second.variants.map((v) => v.pixels), first.variants.map((v) => v.pixels));
    await setField('#seed', '1');
    const again = await snapshot(page);
    assert.deepEqual(again.variants, first.variants);
  });

  test('pixels outside the reported regions equal the original', async () => {
    await rerender(() => page.selectOption('#opt-fillKind', 'uniform'));
    await setField('#opt-maxCount', '3');
    const shot = await snapshot(page);
    for (const { regions } of shot.variants) assert.ok(regions.length >= 1 && regions.length <= 3, `1..3 regions, got ${regions.length}`);
    const { inside, changed: changedInside } = checkOutsideRegions(shot);
    // A uniform random fill leaves few values equal to the original by chance.
    assert.ok(changedInside > 0.8 * inside, `${changedInside} of ${inside} erased values changed`);
  });

  test('a per-pixel normal fill runs on the WebAssembly SIMD kernel and changes only erased pixels', async () => {
    await rerender(() => page.selectOption('#opt-fillKind', 'normal'));
    await setField('#opt-fillMean', '128');
    await setField('#opt-fillStd', '40');
    const { inside, changed } = checkOutsideRegions(await snapshot(page));
    // N(128, 40^2) values rarely equal the original value of a pixel.
    assert.ok(changed > 0.9 * inside, `${changed} of ${inside} erased values changed`);
    assert.match((await page.textContent('#render-time')) ?? '', /normal values by the WebAssembly SIMD kernel/);
    await rerender(() => page.selectOption('#opt-fillKind', 'uniform'));
  });

  test('histograms differ between the reference (uniform aspect) and torchvision (log-uniform) presets', async () => {
    const aspectCounts = () =>
      page.evaluate(() => {
        const svg = document.querySelector<SVGElement>('#aspect-histogram svg')!;
        return { counts: JSON.parse(svg.dataset.counts!) as number[], edges: JSON.parse(svg.dataset.edges!) as number[] };
      });
    await rerender(() => page.selectOption('#preset', 'reference'));
    const reference = await aspectCounts();
    await rerender(() => page.selectOption('#preset', 'torchvision'));
    const torchvision = await aspectCounts();
    // Share of regions taller than wide: 0.77 for uniform aspect in [0.3, 3.33], 0.5 for log-uniform.
    const tall = ({ counts, edges }: { counts: number[]; edges: number[] }) =>
      counts.reduce((s, c, i) => s + (edges[i] >= 1 ? c : 0), 0) / counts.reduce((s, c) => s + c, 0);
    assert.ok(tall(reference) > 0.65, `reference: ${tall(reference)} taller than wide`);
    assert.ok(tall(torchvision) < 0.6, `torchvision: ${tall(torchvision)} taller than wide`);
  });

  test('invalid settings show an error naming the option instead of failing', async () => {
    await page.fill('#opt-sl', '0.9');
    await page.waitForFunction(() => /sl/.test(document.querySelector('#settings-error')?.textContent ?? ''));
    assert.match(await page.textContent('#settings-error') ?? '', /option sl: expected a number <= sh/);
    await setField('#opt-sl', '0.02');
    assert.equal(await page.textContent('#settings-error'), '');
  });

  test('presets can be chosen with the keyboard', async () => {
    await page.focus('#preset');
    await rerender(() => page.keyboard.press('ArrowDown'));
    assert.notEqual(await page.inputValue('#preset'), 'torchvision');
    await rerender(() => page.selectOption('#preset', 'torchvision'));
  });

  test('object-aware erasing: ORE erases inside the boxes, the visibility option drops boxes', async () => {
    await rerender(() => page.click('#use-scene'));
    await setField('#opt-p', '1');
    await rerender(() => page.selectOption('#object-mode', 'object'));
    const result = await page.evaluate(() => ({
      boxes: Array.from(document.querySelectorAll('#box-list li')).map((li) => li.textContent ?? ''),
      tiles: Array.from(document.querySelectorAll<HTMLElement>('#object-variants .tile')).map((t) => ({
        kept: JSON.parse(t.dataset.kept ?? '[]') as number[],
        regions: Array.from(t.querySelectorAll('rect.region')).map((r) => ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a)))),
        boxes: Array.from(t.querySelectorAll('rect.box-kept, rect.box-dropped')).map((r) => ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a)))),
      })),
    }));
    assert.equal(result.boxes.length, 3);
    assert.equal(result.tiles.length, 8);
    for (const tile of result.tiles) {
      assert.deepEqual(tile.kept, [0, 1, 2]);
      assert.ok(tile.regions.length >= 1, 'p = 1 erases inside the boxes');
      for (const [x, y, w, h] of tile.regions) {
        assert.ok(tile.boxes.some(([bx, by, bw, bh]) => x >= bx && y >= by && x + w <= bx + bw && y + h <= by + bh), `region ${[x, y, w, h]} inside a box`);
      }
    }
    await setField('#min-visible', '0.95');
    const dropped = await page.locator('#object-variants rect.box-dropped').count();
    assert.ok(dropped > 0, 'boxes mostly erased are dropped');
  });

  test('occlusion covers the chosen fraction of the image and nothing else', async () => {
    await rerender(() =>
      page.evaluate(() => {
        const slider = document.querySelector<HTMLInputElement>('#occlusion')!;
        slider.value = '0.5';
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }),
    );
    const { size, occluded } = await page.evaluate(() => ({
      size: document.querySelector<HTMLCanvasElement>('#original')!.width * document.querySelector<HTMLCanvasElement>('#original')!.height,
      occluded: Array.from(document.querySelectorAll<HTMLElement>('#occlusion-variants .tile rect.region')).map((r) =>
        Number(r.getAttribute('width')) * Number(r.getAttribute('height')),
      ),
    }));
    assert.equal(occluded.length, 8);
    for (const area of occluded) assert.ok(Math.abs(area / size - 0.5) < 0.02, `occluded ${area} of ${size} pixels`);
    assert.equal(await page.textContent('#occlusion-value'), '0.50');
    const { inside, changed } = checkOutsideRegions(await snapshot(page, '#occlusion-variants'));
    assert.ok(changed > 0.8 * inside, `${changed} of ${inside} occluded values changed`);
  });

  test('a large image from the file picker and a small one dropped on the page are used', async () => {
    const large = join(outDir, 'large.png');
    writeFileSync(large, gradientPng(1600, 1200));
    await rerender(() => page.setInputFiles('#file-input', large));
    assert.match(await page.textContent('#image-info') ?? '', /large\.png: 1024×768, RGB \(scaled down from 1600×1200\)/);
    assert.equal(await page.locator('#variants .variant').count(), 8);
    console.log(`render of every section at 1024x768 RGB: ${await page.evaluate(() => document.body.dataset.renderMs)} ms`);
    const small = gradientPng(40, 30).toString('base64');
    await rerender(() =>
      page.evaluate((data) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
        document.querySelector('#drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
      }, small),
    );
    assert.match(await page.textContent('#image-info') ?? '', /dropped\.png: 40×30, RGB/);
    assert.equal(await page.inputValue('#sample-select'), String((await page.locator('#sample-select option').count()) - 1));
  });

  test('writes a screenshot for review', async () => {
    await rerender(() => page.click('#use-scene'));
    await rerender(() => page.selectOption('#preset', 'paper'));
    await rerender(() => page.selectOption('#object-mode', 'image+object'));
    await setField('#min-visible', '0.7');
    await page.setViewportSize({ width: 1440, height: 1100 });
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
      document.querySelector('.controls')?.scrollTo(0, 0);
    });
    const full = join(tmpdir(), 'random-erasing-playground-full.png');
    await page.screenshot({ path: SCREENSHOT });
    await page.screenshot({ path: full, fullPage: true });
    for (const file of [SCREENSHOT, full]) assert.ok(statSync(file).size > 20_000);
    console.log(`screenshots: ${SCREENSHOT} (first screen), ${full} (whole page)`);
  });

  test('a model exported by the trainer (TF.js layers format) gives top-3 predictions per variant', async () => {
    const files = await writeTinyModel(join(outDir, 'model'));
    await page.setInputFiles('#model-files', files[1]);
    await page.waitForFunction(() => /Model not loaded/.test(document.querySelector('#model-status')?.textContent ?? ''));
    assert.match(await page.textContent('#model-status') ?? '', /select exactly one model\.json \(got 0\)/);
    await page.setInputFiles('#model-files', files);
    await page.waitForFunction(() => Number(document.body.dataset.predicted ?? '0') > 0, undefined, { timeout: 30_000 });
    const lists = await page.locator('#variants .variant .top3').evaluateAll((els) => els.map((el) => el.querySelectorAll('li').length));
    assert.deepEqual(lists, new Array(8).fill(3));
    assert.match(await page.textContent('#model-status') ?? '', /Loaded model\.json: input 28×28×1, 10 classes\. .*fashion-mnist pipeline/);
    assert.equal(await page.inputValue('#model-mean'), '0.1307');
    const names = await page.locator('#variants .top3 li').allTextContents();
    assert.ok(names.every((n) => /^(T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot) \d+\.\d%$/.test(n)), names.join('; '));
  });

  /** The first loss of the automatic run: the same seed gives the same first step on every backend. */
  let firstLoss = Number.NaN;

  /** Press Train with `steps` steps and wait for the end; returns the status line, state, backend and losses. */
  async function runTraining(steps: number, timeout: number) {
    await page.fill('#train-steps', String(steps));
    await page.click('#train-start');
    await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.trainState ?? ''), undefined, { timeout });
    const run = await page.evaluate(() => ({ ...document.body.dataset }));
    const losses: number[] = JSON.parse(run.trainLosses ?? '[]');
    return { status: (await page.textContent('#train-status')) ?? '', state: run.trainState, backend: run.trainBackend, losses };
  }

  test('the train panel trains a ResNet-8 on the sample images in the page with the trainer step, and the loss falls', async (t) => {
    await page.fill('#train-steps', '0');
    await page.click('#train-start');
    await page.waitForFunction(() => document.body.dataset.trainState === 'invalid');
    assert.match(await page.textContent('#train-status') ?? '', /steps must be an integer in \[1, 2000\], got 0/);
    await page.fill('#train-batch', '20');
    const { status, state, backend, losses } = await runTraining(16, 300_000);
    t.diagnostic(status);
    console.log(`train panel: ${status}`);
    assert.equal(state, 'done', status);
    assert.equal(losses.length, 16);
    assert.ok(losses.every(Number.isFinite));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean(losses.slice(-4)) < 0.8 * mean(losses.slice(0, 4)), `loss fell: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
    firstLoss = losses[0];
    const plotted = JSON.parse((await page.getAttribute('#train-curve svg', 'data-values')) ?? '[]');
    assert.deepEqual(plotted, losses);
    assert.ok(['webgpu', 'webgl', 'wasm', 'cpu'].includes(backend ?? ''), `backend ${backend}`);
    if (backend === 'wasm' || backend === 'cpu') assert.match(status, /not used: webgpu: .*; webgl: /, 'says why the GPU backends were not used');
  });

  test('the train panel runs on WebGL when chosen, software renderer included: one step, the same loss', async (t) => {
    await page.selectOption('#train-backend', 'webgl');
    const { status, state, backend, losses } = await runTraining(1, 120_000);
    t.diagnostic(status);
    if (/webgl cannot start/.test(status)) return t.skip(`no WebGL here: ${status}`);
    assert.equal(state, 'done', status);
    assert.equal(backend, 'webgl');
    assert.equal(losses.length, 1);
    assert.ok(Math.abs(losses[0] - firstLoss) < 1e-3, `the same first step as the automatic run: ${losses[0]} vs ${firstLoss}`);
    await page.selectOption('#train-backend', 'auto');
  });

  test('no console errors at any point', () => {
    assert.deepEqual(errors, []);
  });
});
