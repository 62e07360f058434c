/** Entry point of the playground: wires the image sources, the settings and every section together. */
import { PRESETS, RandomErasing, Rng, isPresetName, normalKernelName } from '../../src/core/index.js';
import { paint } from './canvas.js';
import { drawRegions, renderDistributions } from './distributions.js';
import { toDomain, toUnitFloat, type Domain } from './domain.js';
import { ModelPanel } from './model-panel.js';
import { ObjectSection } from './object-section.js';
import { OcclusionSection } from './occlusion-section.js';
import { loadSamples, sampleClassNames, sampleSource, sceneWithBoxes, type Sample } from './samples.js';
import { buildSettingsForm, parseNumberList, readOptions, showFillFields, writeOptions } from './settings.js';
import { decodeImageFile, watchImageInputs } from './user-image.js';
import { TrainPanel } from './train-panel.js';
import { renderVariants } from './variants.js';
import { byId } from './dom.js';

const samples: Sample[] = loadSamples();
/** The train panel's classes: the samples of the first one's shape (the class samples, not the colour scene). */
const trainSamples = samples
  .filter((s) => s.image.height === samples[0].image.height && s.image.width === samples[0].image.width && s.image.channels === samples[0].image.channels)
  .map((s) => ({ name: s.name, data: s.image.data, height: s.image.height, width: s.image.width, channels: s.image.channels }));
samples.push(sceneWithBoxes(samples));
let current: Sample = samples[0];
let renderCount = 0;

const form = byId<HTMLFormElement>('settings');
const presetSelect = byId<HTMLSelectElement>('preset');
const sampleSelect = byId<HTMLSelectElement>('sample-select');
const settingsError = byId<HTMLElement>('settings-error');
const numberOf = (id: string) => Number(byId<HTMLInputElement>(id).value);

const objects = new ObjectSection(() => schedule());
const model = new ModelPanel(sampleClassNames, () => schedule());
const occlusion = new OcclusionSection(byId('occlusion-variants'));
new TrainPanel(trainSamples, () => readSettings()?.erasing ?? null, readSeed);

function readDomain(): Domain {
  return {
    kind: byId<HTMLSelectElement>('domain').value as Domain['kind'],
    mean: parseNumberList(byId<HTMLInputElement>('norm-mean').value, 'normalisation mean'),
    std: parseNumberList(byId<HTMLInputElement>('norm-std').value, 'normalisation std'),
  };
}

function readSeed(): number {
  const seed = numberOf('seed');
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${byId<HTMLInputElement>('seed').value}`);
  return seed;
}

function readCount(id: string, what: string, lo: number, hi: number): number {
  const n = numberOf(id);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new RangeError(`${what} must be an integer in [${lo}, ${hi}], got ${byId<HTMLInputElement>(id).value}`);
  return n;
}

/** Everything a render needs, read from the form. */
interface Settings {
  readonly erasing: RandomErasing;
  readonly domain: Domain;
  readonly seed: number;
  readonly count: number;
  readonly draws: number;
  readonly showRegions: boolean;
}

/** The current settings, or null after showing why they are invalid. */
function readSettings(): Settings | null {
  try {
    const settings = {
      erasing: new RandomErasing(readOptions(form)),
      domain: readDomain(),
      seed: readSeed(),
      count: readCount('variant-count', 'variants', 1, 32),
      draws: readCount('draw-count', 'draws', 100, 50000),
      showRegions: byId<HTMLInputElement>('show-regions').checked,
    };
    settingsError.textContent = '';
    return settings;
  } catch (error) {
    settingsError.textContent = (error as Error).message;
    return null;
  }
}

let generation = 0;
/** Let the browser paint what is done; false when a newer render has started meanwhile. */
async function stillCurrent(mine: number): Promise<boolean> {
  await new Promise((resolve) => window.setTimeout(resolve, 0));
  return mine === generation;
}

/** Re-render every section, the variants first, yielding between sections so large images stay responsive. */
async function render(): Promise<void> {
  const mine = ++generation;
  const s = readSettings();
  if (!s) return;
  const started = performance.now();
  const image = current.image;
  const erasable = toDomain(image, s.domain, Rng.fromSeed(s.seed));
  const variants = renderVariants(byId('variants'), { ...s, image: erasable });
  renderDistributions(drawRegions(s.erasing, image.height, image.width, s.seed, s.draws), {
    area: byId('area-histogram'),
    aspect: byId('aspect-histogram'),
    summary: byId('distribution-summary'),
  });
  if (!(await stillCurrent(mine))) return;
  objects.render({ ...s, image: erasable });
  if (!(await stillCurrent(mine))) return;
  const fraction = numberOf('occlusion');
  const occluded = occlusion.render(image, { fraction, seed: s.seed, count: s.count, showRegions: s.showRegions });
  byId('occlusion-value').textContent = fraction.toFixed(2);
  const ms = performance.now() - started;
  byId('render-time').textContent =
    `All sections updated in ${ms.toFixed(0)} ms (${image.width}×${image.height}×${image.channels}); ` +
    `normal values by the ${normalKernelName() === 'wasm-simd' ? 'WebAssembly SIMD' : 'JavaScript'} kernel.`;
  document.body.dataset.renderMs = ms.toFixed(1);
  document.body.dataset.renders = String(++renderCount);
  await model.predictAll([
    ...variants.map((v) => ({ image: { ...v.image, data: toUnitFloat(v.image, s.domain) }, target: v.predictions })),
    ...occluded.map((o) => ({ image: { ...o.image, data: toUnitFloat(o.image, { kind: 'uint8', mean: [0], std: [1] }) }, target: o.predictions })),
  ]);
}

let pending = 0;
/** Coalesce bursts of input events into one render. */
function schedule(): void {
  window.clearTimeout(pending);
  pending = window.setTimeout(() => {
    render().catch((error: unknown) => {
      settingsError.textContent = `render failed: ${(error as Error).message}`;
    });
  }, 30);
}

function showImage(sample: Sample, note = ''): void {
  current = sample;
  paint(byId<HTMLCanvasElement>('original'), sample.image, 160);
  const { height, width, channels } = sample.image;
  byId('image-info').textContent = `${sample.name}: ${width}×${height}, ${channels === 1 ? 'grayscale' : 'RGB'}${note}`;
  objects.setImage(sample);
  schedule();
}

function selectSample(): void {
  const index = Number(sampleSelect.value);
  if (index >= 0 && index < samples.length) showImage(samples[index]);
}

async function openFile(file: File): Promise<void> {
  try {
    const user = await decodeImageFile(file);
    const { height, width } = user.originalSize;
    const scaled = height !== user.image.height || width !== user.image.width ? ` (scaled down from ${width}×${height})` : '';
    samples.push({ name: user.name, image: user.image });
    sampleSelect.add(new Option(user.name, String(samples.length - 1)));
    sampleSelect.value = String(samples.length - 1);
    settingsError.textContent = '';
    showImage(samples[samples.length - 1], scaled);
  } catch (error) {
    settingsError.textContent = (error as Error).message;
  }
}

function setUp(): void {
  samples.forEach((s, i) => sampleSelect.add(new Option(s.name, String(i))));
  sampleSelect.addEventListener('change', selectSample);
  watchImageInputs(byId('file-input'), byId('drop-zone'), (file) => void openFile(file));

  buildSettingsForm(byId('region-fields'), byId('fill-fields'));
  presetSelect.add(new Option('custom', 'custom'));
  for (const name of Object.keys(PRESETS)) presetSelect.add(new Option(name, name));
  presetSelect.value = 'reference';
  writeOptions(form, PRESETS.reference);
  presetSelect.addEventListener('change', () => {
    if (isPresetName(presetSelect.value)) writeOptions(form, PRESETS[presetSelect.value]);
  });
  form.addEventListener('input', (event) => {
    const target = event.target as HTMLElement;
    if (target.closest('#region-fields, #fill-fields')) presetSelect.value = 'custom';
    if (target.id === 'opt-fillKind') showFillFields(form);
    schedule();
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  byId('new-seed').addEventListener('click', () => {
    byId<HTMLInputElement>('seed').value = String(crypto.getRandomValues(new Uint32Array(1))[0]);
    schedule();
  });
  for (const id of ['draw-count', 'occlusion']) byId(id).addEventListener('input', schedule);
  byId('use-scene').addEventListener('click', () => {
    const scene = samples.findIndex((s) => s.boxes);
    sampleSelect.value = String(scene);
    showImage(samples[scene]);
  });
  document.body.dataset.sampleSource = sampleSource;
  showImage(current);
}

setUp();
