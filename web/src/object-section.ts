/** Object-aware erasing (IRE / ORE / I+ORE) on the current image and boxes, with kept and dropped boxes shown. */
import { ObjectAwareErasing, Rng, type Box, type ImageView, type ObjectAwareMode, type RandomErasing } from '../../src/core/index.js';
import { BoxEditor } from './box-editor.js';
import { describeRect, outline, tile, type Rect } from './canvas.js';
import { toDisplay, type Domain } from './domain.js';
import type { Sample } from './samples.js';
import { regionList } from './variants.js';
import { byId } from './dom.js';

/** Stream id of the object-aware variants, apart from the plain variants' streams. */
const OBJECT_STREAM = 0x0b1ec7;

function toBox(r: Rect): Box {
  return { x1: r.left, y1: r.top, x2: r.left + r.width, y2: r.top + r.height };
}

/** Settings shared with the other sections. */
export interface ObjectRenderSettings {
  /** The current image in the erasing domain. */
  readonly image: ImageView;
  readonly erasing: RandomErasing;
  readonly domain: Domain;
  readonly seed: number;
  readonly count: number;
}

/** The object-aware section: box editor, mode and visibility controls, result grid. */
export class ObjectSection {
  private readonly editor: BoxEditor;
  private sample: Sample | null = null;
  private last: ObjectRenderSettings | null = null;

  /** @param changed called when a control of this section changes. */
  constructor(changed: () => void) {
    this.editor = new BoxEditor(() => this.refresh());
    for (const id of ['object-mode', 'min-visible']) byId(id).addEventListener('input', changed);
  }

  /** Show a new image and the boxes it comes with. */
  setImage(sample: Sample): void {
    this.sample = sample;
    this.editor.setImage(sample, sample.boxes ?? []);
  }

  private refresh(): void {
    if (this.last) this.render(this.last);
  }

  /** Erase `count` variants of the current image with the current boxes. */
  render(settings: ObjectRenderSettings): void {
    this.last = settings;
    const container = byId('object-variants');
    const error = byId('object-error');
    if (!this.sample) return;
    const boxes = this.editor.current;
    let eraser: ObjectAwareErasing;
    try {
      const minVisible = Number(byId<HTMLInputElement>('min-visible').value);
      eraser = new ObjectAwareErasing({
        mode: byId<HTMLSelectElement>('object-mode').value as ObjectAwareMode,
        imageEraser: settings.erasing,
        objectEraser: settings.erasing,
        minVisible: minVisible > 0 ? minVisible : undefined,
      });
      error.textContent = '';
    } catch (e) {
      error.textContent = (e as Error).message;
      return;
    }
    const tiles: HTMLElement[] = [];
    for (let i = 0; i < settings.count; i++) {
      const rng = Rng.fromSeed(settings.seed).derive(OBJECT_STREAM, i);
      let result;
      try {
        result = eraser.apply(settings.image, boxes.map(toBox), rng);
      } catch (e) {
        error.textContent = (e as Error).message;
        container.replaceChildren();
        return;
      }
      const view = tile(toDisplay(result.image, settings.domain), `Variant ${i + 1}`);
      const kept = new Set(result.kept);
      outline(view.overlay, settings.image, [
        ...result.regions.map((rect) => ({ rect, className: 'region', title: `erased ${describeRect(rect)}` })),
        ...boxes.map((rect, b) => ({ rect, className: kept.has(b) ? 'box-kept' : 'box-dropped', title: `box ${b + 1}` })),
      ]);
      view.figure.dataset.kept = JSON.stringify(result.kept);
      view.details.append(regionList(result.regions), this.boxStates(result.visible, kept));
      tiles.push(view.figure);
    }
    container.replaceChildren(...tiles);
  }

  private boxStates(visible: readonly number[], kept: ReadonlySet<number>): HTMLElement {
    const list = document.createElement('ul');
    list.className = 'boxes';
    visible.forEach((v, b) => {
      const item = document.createElement('li');
      item.className = kept.has(b) ? 'legend-kept' : 'legend-dropped';
      item.textContent = `box ${b + 1}: ${(100 * v).toFixed(0)}% visible, ${kept.has(b) ? 'kept' : 'dropped'}`;
      list.append(item);
    });
    return list;
  }
}
