/** Occlusion as used in evaluation: tile i is `occlude(image, fraction, seed, i)`, i.e. test image i's occlusion. */
import { occlude, type ImageView } from '../../src/core/index.js';
import { describeRect, outline, tile } from './canvas.js';
import { regionList } from './variants.js';

/** One occluded image and where its predictions go. */
export interface OccludedTile {
  readonly image: ImageView<Uint8Array>;
  readonly predictions: HTMLElement;
}

/** Render `count` occluded copies of `image` into `container`. */
export function renderOcclusion(
  container: HTMLElement,
  image: ImageView<Uint8Array>,
  settings: { fraction: number; seed: number; count: number; showRegions: boolean },
): OccludedTile[] {
  const { fraction, seed, count, showRegions } = settings;
  const tiles: HTMLElement[] = [];
  const out: OccludedTile[] = [];
  for (let i = 0; i < count; i++) {
    const { image: occluded, region } = occlude(image, fraction, seed, i);
    const view = tile(occluded, `Image index ${i}`);
    const regions = region ? [region] : [];
    view.figure.dataset.regions = JSON.stringify(regions);
    if (showRegions) {
      outline(view.overlay, image, regions.map((rect) => ({ rect, className: 'region', title: describeRect(rect) })));
      view.details.append(regionList(regions));
    }
    const predictions = document.createElement('div');
    predictions.className = 'predictions';
    view.details.append(predictions);
    tiles.push(view.figure);
    out.push({ image: occluded, predictions });
  }
  container.replaceChildren(...tiles);
  return out;
}
