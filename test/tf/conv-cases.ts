/** The convolution geometries every convolution kernel is checked on (against the cpu backend). */
import { tf } from '../../src/tf/tf.js';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;

export interface Case {
  batch: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  pad: Pad;
  inChannels: number;
  outChannels: number;
}

const PADS: Pad[] = [
  'same',
  'valid',
  [[0, 0], [1, 0], [0, 2], [0, 0]],
];

/** A deterministic spread of geometries (every kernel/stride/pad combination, varied sizes). */
export function cases(): Case[] {
  const out: Case[] = [];
  const sizes = [[5, 5], [8, 8], [7, 10], [9, 6], [12, 12]];
  const channels = [[1, 3], [3, 8], [16, 16], [8, 32], [64, 4], [5, 64]];
  let i = 0;
  for (const kernel of [1, 3, 5]) {
    for (const stride of [1, 2]) {
      for (const pad of PADS) {
        const [height, width] = sizes[i % sizes.length];
        const [inChannels, outChannels] = channels[i % channels.length];
        out.push({ batch: i % 3 === 0 ? 1 : 3, height, width, kernel, stride, pad, inChannels, outChannels });
        i++;
      }
    }
  }
  return out;
}

export function label(c: Case): string {
  const pad = typeof c.pad === 'string' ? c.pad : 'explicit';
  return `${c.batch}x${c.height}x${c.width}x${c.inChannels} k${c.kernel} s${c.stride} ${pad} -> ${c.outChannels}`;
}

export function outShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.inChannels],
    [c.kernel, c.kernel, c.inChannels, c.outChannels],
    c.stride,
    1,
    c.pad,
  );
  return info.outShape;
}
