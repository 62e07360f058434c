/** The user's own image: file picker and drag and drop, decoded to an hwc uint8 RGB view. */
import { imageView, type ImageView } from '../../src/core/index.js';

/** Images whose longer side exceeds this are scaled down, so a phone photo stays responsive. */
export const MAX_SIDE = 1024;

/** A decoded user image and the size it had before scaling. */
export interface UserImage {
  readonly name: string;
  readonly image: ImageView<Uint8Array>;
  readonly originalSize: { height: number; width: number };
}

/** Decode an image file (any format the browser reads) to RGB, scaled to at most {@link MAX_SIDE}, or to exactly `size` when given. */
export async function decodeImageFile(file: File, size?: { height: number; width: number }): Promise<UserImage> {
  if (file.type && !file.type.startsWith('image/')) {
    throw new Error(`${file.name} is not an image (type ${file.type})`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} could not be decoded as an image`);
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = size?.width ?? Math.max(1, Math.round(bitmap.width * scale));
  const height = size?.height ?? Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser has no 2D canvas');
  ctx.drawImage(bitmap, 0, 0, width, height);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const originalSize = { height: bitmap.height, width: bitmap.width };
  bitmap.close();
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    rgb[o] = rgba[i];
    rgb[o + 1] = rgba[i + 1];
    rgb[o + 2] = rgba[i + 2];
  }
  return {
    name: file.name,
    image: imageView(rgb, { height, width, channels: 3 }),
    originalSize,
  };
}

/** Call `onFile` with files chosen in `input` or dropped on `zone`. */
export function watchImageInputs(
  input: HTMLInputElement,
  zone: HTMLElement,
  onFile: (file: File) => void,
): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
  });
  // The drop zone is focusable: Enter or Space opens the file picker, for keyboard users.
  zone.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    input.click();
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) onFile(file);
  });
}
