/** The grid of augmented variants: variant i is `apply` with `Rng.fromSeed(seed).derive(i)`, as `applyBatch` draws sample i. */
import { Rng, type ImageView, type RandomErasing, type Region } from '../../src/core/index.js';
import { describeRect, outline, tile } from './canvas.js';
import { toDisplay, type Domain } from './domain.js';

/** One rendered variant: its image in the erasing domain and the element that shows predictions. */
export interface RenderedVariant {
  readonly image: ImageView;
  readonly predictions: HTMLElement;
}

/** Settings of a grid render. */
export interface VariantSettings {
  /** The image already in the erasing domain (domain.ts, toDomain). */
  readonly image: ImageView;
  readonly erasing: RandomErasing;
  readonly domain: Domain;
  readonly seed: number;
  readonly count: number;
  readonly showRegions: boolean;
}

/** A list of region coordinates, or a note that the image was left unchanged. */
export function regionList(regions: readonly Region[], className = 'regions'): HTMLElement {
  if (regions.length === 0) {
    const none = document.createElement('p');
    none.className = className;
    none.textContent = 'not erased';
    return none;
  }
  const list = document.createElement('ul');
  list.className = className;
  for (const r of regions) {
    const item = document.createElement('li');
    item.textContent = describeRect(r);
    list.append(item);
  }
  return list;
}

/** Render `count` variants into `container`. */
export function renderVariants(container: HTMLElement, s: VariantSettings): RenderedVariant[] {
  const rendered: RenderedVariant[] = [];
  const tiles: HTMLElement[] = [];
  for (let i = 0; i < s.count; i++) {
    const rng = Rng.fromSeed(s.seed).derive(i);
    const { image, regions } = s.erasing.apply(s.image, rng);
    const view = tile(toDisplay(image, s.domain), `Variant ${i + 1}`);
    view.figure.classList.add('variant');
    view.figure.dataset.regions = JSON.stringify(regions);
    if (s.showRegions) {
      outline(view.overlay, s.image, regions.map((rect) => ({ rect, className: 'region', title: describeRect(rect) })));
      view.details.append(regionList(regions));
    }
    const predictions = document.createElement('div');
    predictions.className = 'predictions';
    view.details.append(predictions);
    tiles.push(view.figure);
    rendered.push({ image, predictions });
  }
  container.replaceChildren(...tiles);
  return rendered;
}
