/**
 * The pixel domain in which erasing runs: raw uint8, float in [0, 1] (`toFloat`), or normalised
 * (`normalize(mean, std)`), as a training pipeline would. Fills mean different things in each (the
 * reference preset's constant fill is meant for normalised tensors), so the page lets users choose.
 */
import { compose, normalize, toFloat, imageView, type ImageView, type Rng } from '../../src/core/index.js';

/** Which domain, and the normalisation statistics for `normalized`. */
export interface Domain {
  readonly kind: 'uint8' | 'float' | 'normalized';
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Per-channel statistics for an image with `channels` channels: a single value is repeated, extra values dropped. */
function perChannel(values: readonly number[], channels: number): number[] {
  return Array.from({ length: channels }, (_, c) => values[values.length === 1 ? 0 : c]);
}

/** The image as the erasing step sees it in `domain`. */
export function toDomain(image: ImageView<Uint8Array>, domain: Domain, rng: Rng): ImageView {
  if (domain.kind === 'uint8') return image;
  if (domain.kind === 'float') return toFloat()(image, rng);
  const { channels } = image;
  return compose(toFloat(), normalize(perChannel(domain.mean, channels), perChannel(domain.std, channels)))(image, rng);
}

/** Values of an image in `domain` mapped back to the [0, 1] scale (not clamped). */
export function toUnitFloat(view: ImageView, domain: Domain): Float32Array {
  const out = new Float32Array(view.data.length);
  const mean = perChannel(domain.mean, view.channels);
  const std = perChannel(domain.std, view.channels);
  for (let i = 0; i < out.length; i++) {
    const v = view.data[i];
    const c = i % view.channels;
    out[i] = domain.kind === 'uint8' ? v / 255 : domain.kind === 'float' ? v : v * std[c] + mean[c];
  }
  return out;
}

/** An hwc uint8 image for display: uint8 data is shown as is, other domains are mapped back, rounded and clamped. */
export function toDisplay(view: ImageView, domain: Domain): ImageView<Uint8Array> {
  if (view.data instanceof Uint8Array) return view as ImageView<Uint8Array>;
  const mean = perChannel(domain.kind === 'normalized' ? domain.mean : [0], view.channels);
  const scale = perChannel(domain.kind === 'normalized' ? domain.std : [1], view.channels);
  const data = new Uint8Array(view.data.length);
  for (let i = 0, c = 0; i < data.length; i++, c = c + 1 === view.channels ? 0 : c + 1) {
    // Uint8Array assignment truncates, so +0.5 rounds; out-of-range values are clamped first.
    data[i] = Math.min(1, Math.max(0, view.data[i] * scale[c] + mean[c])) * 255 + 0.5;
  }
  return imageView(data, { height: view.height, width: view.width, channels: view.channels });
}
