/** Boxes drawn on an image with the pointer or typed in by coordinates, listed with remove buttons. */
import { describeRect, outline, paint, type Rect } from './canvas.js';
import type { Sample } from './samples.js';
import { byId } from './dom.js';

/** Owns the box list of the object-aware section. */
export class BoxEditor {
  private boxes: Rect[] = [];
  private size = { height: 1, width: 1 };
  private readonly canvas = byId<HTMLCanvasElement>('box-canvas');
  private readonly overlay = document.getElementById('box-overlay') as unknown as SVGSVGElement;
  private readonly list = byId<HTMLUListElement>('box-list');
  private drag: { y: number; x: number; rect: Rect | null } | null = null;

  /** @param changed called with the new boxes whenever they change. */
  constructor(private readonly changed: () => void) {
    this.watchPointer(byId('box-editor'));
    byId<HTMLFormElement>('box-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = (id: string) => Number(byId<HTMLInputElement>(id).value);
      this.add({ top: value('box-top'), left: value('box-left'), height: value('box-height'), width: value('box-width') });
    });
    byId('clear-boxes').addEventListener('click', () => this.set([]));
  }

  /** The current boxes. */
  get current(): readonly Rect[] {
    return this.boxes;
  }

  /** Show a new image with its boxes (none by default). */
  setImage(sample: Sample, boxes: readonly Rect[] = []): void {
    this.size = { height: sample.image.height, width: sample.image.width };
    paint(this.canvas, sample.image, 320);
    this.set(boxes);
  }

  /** Replace all boxes. */
  set(boxes: readonly Rect[]): void {
    this.boxes = [...boxes];
    this.redraw();
    this.changed();
  }

  private add(box: Rect): void {
    this.set([...this.boxes, box]);
  }

  private redraw(): void {
    const preview = this.drag?.rect ? [{ rect: this.drag.rect, className: 'box-drawing', title: 'new box' }] : [];
    outline(this.overlay, this.size, [
      ...this.boxes.map((rect, i) => ({ rect, className: 'box-kept', title: `box ${i + 1}: ${describeRect(rect)}` })),
      ...preview,
    ]);
    this.list.replaceChildren(
      ...this.boxes.map((box, i) => {
        const item = document.createElement('li');
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = 'Remove';
        remove.setAttribute('aria-label', `Remove box ${i + 1}`);
        remove.addEventListener('click', () => this.set(this.boxes.filter((_, j) => j !== i)));
        item.append(`Box ${i + 1}: ${describeRect(box)} `, remove);
        return item;
      }),
    );
  }

  /** Image coordinates of a pointer event, clamped to the image. */
  private point(event: PointerEvent): { y: number; x: number } {
    const bounds = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - bounds.left) / bounds.width) * this.size.width;
    const y = ((event.clientY - bounds.top) / bounds.height) * this.size.height;
    return { y: Math.min(this.size.height, Math.max(0, y)), x: Math.min(this.size.width, Math.max(0, x)) };
  }

  private watchPointer(area: HTMLElement): void {
    area.addEventListener('pointerdown', (event) => {
      area.setPointerCapture(event.pointerId);
      this.drag = { ...this.point(event), rect: null };
    });
    area.addEventListener('pointermove', (event) => {
      if (!this.drag) return;
      const p = this.point(event);
      const top = Math.floor(Math.min(p.y, this.drag.y));
      const left = Math.floor(Math.min(p.x, this.drag.x));
      const height = Math.ceil(Math.max(p.y, this.drag.y)) - top;
      const width = Math.ceil(Math.max(p.x, this.drag.x)) - left;
      this.drag.rect = height > 0 && width > 0 ? { top, left, height, width } : null;
      this.redraw();
    });
    area.addEventListener('pointerup', () => {
      const rect = this.drag?.rect;
      this.drag = null;
      if (rect) this.add(rect);
      else this.redraw();
    });
  }
}
