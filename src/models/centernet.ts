/**
 * A CenterNet-style one-stage detector (Zhou et al., "Objects as Points", 2019) as a tfjs-layers
 * model, small enough to train on a CPU: a ResNet backbone of basic blocks at strides 2, 4 and 8, the
 * stride-8 features upsampled (nearest) and added to the stride-4 ones, then a shared 3x3 head and
 * three 1x1 prediction layers concatenated into one output at stride 4. The input is pixels in
 * [0, 1]; a first Rescaling layer normalises them with the spec's mean and standard deviation. The output:
 *
 *     output [batch, H / 4, W / 4, K + 4]
 *       channels 0 .. K-1   per-class centre heatmap logits (sigmoid gives the score)
 *       channels K, K+1     box width and height, in output cells (pixels / 4)
 *       channels K+2, K+3   sub-cell offset of the centre in x and y, in cells
 *
 * See `decodeCenterNet` for turning the output into boxes. The layers are the classifiers' (PyTorch
 * initialisation and BatchNorm, every draw from the seed), so the model exports with
 * `exportLayersModel` to stock tfjs-layers classes.
 */
import { Validator } from '../core/validate.js';
import { tfl } from '../tf/tf.js';
import { LayerFactory, type Node } from './layer-factory.js';
import { resnetBlock } from './resnet.js';

/** Pixels per output cell. */
export const OUTPUT_STRIDE = 4;
/** The deepest stride of the backbone: input sides must be multiples of it. */
const DEEPEST_STRIDE = 8;
/** Heatmap bias: logit of the prior score 0.1, so the focal loss starts small (CenterNet's -2.19). */
export const HEATMAP_PRIOR_LOGIT = -Math.log((1 - 0.1) / 0.1);

/** What {@link buildCenterNet} builds. */
export interface CenterNetSpec {
  /** Object classes (>= 1): one heatmap each. */
  numClasses: number;
  /** Input `[height, width, channels]`; height and width multiples of 8. */
  inputShape: [number, number, number];
  /** Channels of the stride-2 stage; they double at strides 4 and 8 (default 16). */
  width?: number;
  /** Basic blocks per stage (default 1). */
  blocks?: number;
  /** Input normalisation inside the model, (x - mean) / std over every channel (default mean 0, std 1). */
  normalize?: { mean: number; std: number };
  /** Seed of every weight draw (default 0). */
  seed?: number;
}

/** A spec with its defaults. */
export type ResolvedCenterNetSpec = Required<CenterNetSpec>;

/** Where each prediction sits in the output's last axis, for `numClasses` classes. */
export interface CenterNetLayout {
  readonly classes: number;
  /** First channel of width, height. */
  readonly size: number;
  /** First channel of the x, y offsets. */
  readonly offset: number;
  /** Channels in all. */
  readonly channels: number;
}

/** The output layout for `classes` classes. */
export function centerNetLayout(classes: number): CenterNetLayout {
  return { classes, size: classes, offset: classes + 2, channels: classes + 4 };
}

const v = new Validator('detector option');

/** Validate a spec and fill in its defaults; errors name the option. */
export function resolveCenterNet(spec: CenterNetSpec): ResolvedCenterNetSpec {
  const shape = spec.inputShape;
  const ok = Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok || shape[0] % DEEPEST_STRIDE !== 0 || shape[1] % DEEPEST_STRIDE !== 0) {
    v.fail('inputShape', `[height, width, channels] of positive integers, height and width multiples of ${DEEPEST_STRIDE}`, shape);
  }
  return {
    numClasses: v.integer(spec.numClasses, 'numClasses', { min: 1 }),
    inputShape: [...shape],
    width: v.integer(spec.width ?? 16, 'width', { min: 1 }),
    blocks: v.integer(spec.blocks ?? 1, 'blocks', { min: 1 }),
    normalize: {
      mean: v.number(spec.normalize?.mean ?? 0, 'normalize.mean'),
      std: v.number(spec.normalize?.std ?? 1, 'normalize.std', { min: 0, minExclusive: true }),
    },
    seed: v.seed(spec.seed ?? 0),
  };
}

/** Conventional short name, e.g. `centernet-w16-b1`. */
export function centerNetName(spec: ResolvedCenterNetSpec): string {
  return `centernet-w${spec.width}-b${spec.blocks}`;
}

function stage(f: LayerFactory, x: Node, planes: number, stride: number, blocks: number, name: string): Node {
  let y = x;
  for (let b = 0; b < blocks; b++) y = resnetBlock(f, y, planes, b === 0 ? stride : 1, false, `${name}b${b}`);
  return y;
}

/**
 * Build the detector (throws an {@link OptionError} naming an invalid option). Input NHWC float32,
 * output as the module comment lays out.
 *
 * @example
 * const model = buildCenterNet({ numClasses: 10, inputShape: [64, 64, 1], seed: 1 });
 * const out = model.predict(tf.zeros([2, 64, 64, 1])); // [2, 16, 16, 14]
 */
export function buildCenterNet(spec: CenterNetSpec): tfl.LayersModel {
  const s = resolveCenterNet(spec);
  const f = new LayerFactory(s.seed, 0);
  const w = s.width;
  const input = tfl.input({ shape: s.inputShape, name: 'image' });
  const { mean, std } = s.normalize;
  const normalized = tfl.layers.rescaling({ scale: 1 / std, offset: -mean / std, name: 'normalize' }).apply(input) as Node;
  const stem = f.bnRelu(f.conv(normalized, { filters: w, kernel: 3, stride: 2, name: 'stem_conv' }), 'stem');
  const s2 = stage(f, stem, w, 1, s.blocks, 's1');
  const s4 = stage(f, s2, 2 * w, 2, s.blocks, 's2');
  const s8 = stage(f, s4, 4 * w, 2, s.blocks, 's3');
  const up = tfl.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(s8) as Node;
  const lateral = f.bn(f.conv(up, { filters: 2 * w, kernel: 1, name: 'up_conv' }), 'up_bn');
  const neck = f.relu(f.add(s4, lateral, 'neck_add'), 'neck');
  const head = f.bnRelu(f.conv(neck, { filters: 2 * w, kernel: 3, name: 'head_conv' }), 'head');
  const outputs = [
    f.pointwise(head, s.numClasses, HEATMAP_PRIOR_LOGIT, 'heatmap'),
    f.pointwise(head, 2, 0, 'size'),
    f.pointwise(head, 2, 0, 'offset'),
  ];
  const output = tfl.layers.concatenate({ axis: -1, name: 'output' }).apply(outputs) as Node;
  return tfl.model({ inputs: input, outputs: output, name: centerNetName(s) });
}
