/** Occlusion as used in evaluation: tile i is `occlude(image, fraction, seed, i)`, i.e. test image i's occlusion. */
import { occlude, type ImageView } from '../../src/core/index.js';
import { describeRect, outline, tile } from './canvas.js';
import { regionList } from './variants.js';

/** One occluded image and where its predictions go. */
export interface OccludedTile {
  readonly image: ImageView<Uint8Array>;
  readonly predictions: HTMLElement;
}

/** Occlusion settings; the erasing options do not matter here. */
export interface OcclusionSettings {
  readonly fraction: number;
  readonly seed: number;
  readonly count: number;
  readonly showRegions: boolean;
}

/** Render `count` occluded copies of `image` into `container`. */
function renderOcclusion(
  container: HTMLElement,
  image: ImageView<Uint8Array>,
  settings: OcclusionSettings,
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

/** The occlusion grid, redrawn only when the image or an occlusion setting changed (not on every erasing edit). */
export class OcclusionSection {
  private last: { image: ImageView<Uint8Array>; key: string; tiles: OccludedTile[] } | null = null;

  constructor(private readonly container: HTMLElement) {}

  /** The tiles for these settings, drawing them if needed. */
  render(image: ImageView<Uint8Array>, settings: OcclusionSettings): OccludedTile[] {
    const key = JSON.stringify(settings);
    if (this.last?.image !== image || this.last.key !== key) {
      this.last = { image, key, tiles: renderOcclusion(this.container, image, settings) };
    }
    return this.last.tiles;
  }
}
