/**
 * The settings form: one labelled control per RandomErasing option, filled from a preset when one is
 * chosen, read back into `RandomErasingOptions`.
 */
import type { Fill, RandomErasingOptions } from '../../src/core/index.js';

type FieldKind = 'number' | 'text' | 'select';

interface Field {
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly choices?: readonly string[];
  readonly step?: string;
  /** Shown only for these fill kinds. */
  readonly fills?: readonly Fill['kind'][];
}

const REGION_FIELDS: readonly Field[] = [
  { name: 'p', label: 'Probability p', kind: 'number', step: '0.05' },
  { name: 'sl', label: 'Min area fraction sl', kind: 'number', step: '0.01' },
  { name: 'sh', label: 'Max area fraction sh', kind: 'number', step: '0.01' },
  { name: 'r1', label: 'Min aspect ratio r1 (h/w)', kind: 'number', step: '0.05' },
  { name: 'r2', label: 'Max aspect ratio r2 (empty: 1/r1)', kind: 'text' },
  { name: 'aspectSampling', label: 'Aspect sampling', kind: 'select', choices: ['uniform', 'log-uniform'] },
  { name: 'sizeSampling', label: 'Size sampling (per-side: Keras 3)', kind: 'select', choices: ['area-aspect', 'per-side'] },
  { name: 'placement', label: 'Placement', kind: 'select', choices: ['size-first', 'position-first', 'continuous'] },
  { name: 'fit', label: 'Fit test', kind: 'select', choices: ['strict', 'inclusive'] },
  { name: 'rounding', label: 'Side rounding', kind: 'select', choices: ['half-even', 'half-up', 'floor'] },
  { name: 'maxAttempts', label: 'Max attempts (Infinity allowed for position-first)', kind: 'text' },
  { name: 'minCount', label: 'Min regions per image', kind: 'number', step: '1' },
  { name: 'maxCount', label: 'Max regions per image (empty: min)', kind: 'number', step: '1' },
];

const FILL_FIELDS: readonly Field[] = [
  { name: 'fillKind', label: 'Fill mode', kind: 'select', choices: ['constant', 'uniform', 'normal'] },
  { name: 'fillValue', label: 'Value (one, or one per channel)', kind: 'text', fills: ['constant'] },
  { name: 'fillGray', label: 'Value for grayscale images (empty: first value)', kind: 'text', fills: ['constant'] },
  { name: 'fillLow', label: 'Low (empty: 0)', kind: 'text', fills: ['uniform'] },
  { name: 'fillHigh', label: 'High (empty: 255 for uint8, 1 for float)', kind: 'text', fills: ['uniform'] },
  { name: 'fillMean', label: 'Mean', kind: 'number', step: '0.1', fills: ['normal'] },
  { name: 'fillStd', label: 'Std', kind: 'number', step: '0.1', fills: ['normal'] },
  { name: 'fillClip', label: 'Clip to low, high (empty: no clip)', kind: 'text', fills: ['normal'] },
  { name: 'fillPer', label: 'One draw per', kind: 'select', choices: ['pixel', 'channel'], fills: ['uniform', 'normal'] },
];

function control(field: Field): HTMLInputElement | HTMLSelectElement {
  if (field.kind === 'select') {
    const select = document.createElement('select');
    for (const choice of field.choices ?? []) select.add(new Option(choice, choice));
    return select;
  }
  const input = document.createElement('input');
  input.type = field.kind;
  if (field.step) input.step = field.step;
  return input;
}

function addFields(container: HTMLElement, fields: readonly Field[]): void {
  for (const field of fields) {
    const id = `opt-${field.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = field.label;
    const input = control(field);
    input.id = id;
    input.name = field.name;
    const wrapper = document.createElement('div');
    wrapper.className = 'field';
    if (field.fills) wrapper.dataset.fills = field.fills.join(' ');
    wrapper.append(label, input);
    container.append(wrapper);
  }
}

/** Build the option controls inside the two fieldsets. */
export function buildSettingsForm(regionBox: HTMLElement, fillBox: HTMLElement): void {
  addFields(regionBox, REGION_FIELDS);
  addFields(fillBox, FILL_FIELDS);
}

function element(form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement {
  const el = form.elements.namedItem(name);
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) throw new Error(`no control ${name}`);
  return el;
}

function set(form: HTMLFormElement, name: string, value: number | string | undefined): void {
  element(form, name).value = value === undefined ? '' : String(value);
}

/** Show only the fill controls that apply to the chosen fill mode. */
export function showFillFields(form: HTMLFormElement): void {
  const kind = element(form, 'fillKind').value;
  for (const wrapper of form.querySelectorAll<HTMLElement>('[data-fills]')) {
    wrapper.hidden = !(wrapper.dataset.fills ?? '').split(' ').includes(kind);
  }
}

/** Write options (e.g. a preset's) into the form. */
export function writeOptions(form: HTMLFormElement, options: RandomErasingOptions): void {
  for (const name of ['p', 'sl', 'sh', 'r1', 'r2', 'aspectSampling', 'placement', 'fit', 'rounding', 'maxAttempts', 'minCount', 'maxCount'] as const) {
    set(form, name, options[name]);
  }
  set(form, 'sizeSampling', options.sizeSampling ?? 'area-aspect');
  const fill = options.fill;
  set(form, 'fillKind', fill.kind);
  set(form, 'fillValue', fill.kind === 'constant' ? [fill.value].flat().join(', ') : '0');
  set(form, 'fillGray', fill.kind === 'constant' ? fill.gray : undefined);
  set(form, 'fillLow', fill.kind === 'uniform' ? fill.low : undefined);
  set(form, 'fillHigh', fill.kind === 'uniform' ? fill.high : undefined);
  set(form, 'fillMean', fill.kind === 'normal' ? (fill.mean ?? 0) : 0);
  set(form, 'fillStd', fill.kind === 'normal' ? (fill.std ?? 1) : 1);
  set(form, 'fillClip', fill.kind === 'normal' && fill.clip ? fill.clip.join(', ') : undefined);
  set(form, 'fillPer', fill.kind === 'constant' ? 'pixel' : (fill.per ?? 'pixel'));
  showFillFields(form);
}

/** A number from a text, with the control's label in the error; empty gives `undefined`. */
function optionalNumber(form: HTMLFormElement, name: string): number | undefined {
  const text = element(form, name).value.trim();
  if (text === '') return undefined;
  const value = /^(inf|infinity|∞)$/i.test(text) ? Infinity : Number(text);
  if (Number.isNaN(value)) throw new RangeError(`${name} must be a number, got '${text}'`);
  return value;
}

function requiredNumber(form: HTMLFormElement, name: string): number {
  const value = optionalNumber(form, name);
  if (value === undefined) throw new RangeError(`${name} is required`);
  return value;
}

/** Comma-separated numbers, e.g. a per-channel value. */
export function parseNumberList(text: string, what: string): number[] {
  const values = text.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  if (values.length === 0 || values.some(Number.isNaN)) throw new RangeError(`${what} must be numbers separated by commas, got '${text}'`);
  return values;
}

function readFill(form: HTMLFormElement): Fill {
  const kind = element(form, 'fillKind').value;
  const per = element(form, 'fillPer').value as 'pixel' | 'channel';
  if (kind === 'constant') {
    const values = parseNumberList(element(form, 'fillValue').value, 'fill value');
    return { kind, value: values.length === 1 ? values[0] : values, gray: optionalNumber(form, 'fillGray') };
  }
  if (kind === 'uniform') return { kind, low: optionalNumber(form, 'fillLow'), high: optionalNumber(form, 'fillHigh'), per };
  const clipText = element(form, 'fillClip').value.trim();
  const clip = clipText === '' ? undefined : parseNumberList(clipText, 'clip');
  if (clip && clip.length !== 2) throw new RangeError(`clip must be two numbers (low, high), got '${clipText}'`);
  return { kind: 'normal', mean: requiredNumber(form, 'fillMean'), std: requiredNumber(form, 'fillStd'), per, clip: clip as [number, number] | undefined };
}

/** The options the form describes; the core validates them. */
export function readOptions(form: HTMLFormElement): RandomErasingOptions {
  const text = (name: string) => element(form, name).value;
  return {
    p: requiredNumber(form, 'p'),
    sl: requiredNumber(form, 'sl'),
    sh: requiredNumber(form, 'sh'),
    r1: requiredNumber(form, 'r1'),
    r2: optionalNumber(form, 'r2'),
    aspectSampling: text('aspectSampling') as RandomErasingOptions['aspectSampling'],
    sizeSampling: text('sizeSampling') as RandomErasingOptions['sizeSampling'],
    placement: text('placement') as RandomErasingOptions['placement'],
    fit: text('fit') as RandomErasingOptions['fit'],
    rounding: text('rounding') as RandomErasingOptions['rounding'],
    maxAttempts: requiredNumber(form, 'maxAttempts'),
    fill: readFill(form),
    minCount: requiredNumber(form, 'minCount'),
    maxCount: optionalNumber(form, 'maxCount'),
  };
}
