/**
 * `GroupedConv2D`: a tfjs-layers layer wrapping {@link groupedConv2d}, with PyTorch padding and no bias
 * (the only use in this package is ResNeXt's grouped 3x3 convolution). Registered for serialization,
 * so models containing it save and load with `model.save` / `tfl.loadLayersModel`.
 */
import { tf, tfl } from './tf.js';
import { groupedConv2d, type GroupedConvMethod } from './grouped-conv.js';

/** Configuration of a {@link GroupedConv2D} layer. */
export interface GroupedConv2DArgs {
  /** Output channels; divisible by `groups`. */
  filters: number;
  /** Square kernel size. */
  kernelSize: number;
  /** Number of groups. */
  groups: number;
  /** Stride, default 1. */
  strides?: number;
  /** Zeros added on every side (PyTorch `padding`), default 0. */
  padding?: number;
  /** Kernel initialisation: normal(0, kernelStddev). Default sqrt(2 / (k * k * filters)). */
  kernelStddev?: number;
  /** Seed of the kernel initialisation. */
  seed?: number;
  /** Formulation of the convolution, see {@link GroupedConvMethod}. */
  method?: GroupedConvMethod;
  /** Layer name. */
  name?: string;
}

/** Grouped 2-D convolution layer (NHWC, no bias). */
export class GroupedConv2D extends tfl.layers.Layer {
  static readonly className = 'GroupedConv2D';
  private readonly args: Required<Omit<GroupedConv2DArgs, 'name' | 'seed'>> & { seed?: number };
  private kernel: tfl.LayerVariable | null = null;

  constructor(args: GroupedConv2DArgs) {
    super({ name: args.name });
    const { kernelSize: k, filters } = args;
    this.args = {
      filters,
      kernelSize: k,
      groups: args.groups,
      strides: args.strides ?? 1,
      padding: args.padding ?? 0,
      kernelStddev: args.kernelStddev ?? Math.sqrt(2 / (k * k * filters)),
      method: args.method ?? 'split',
      seed: args.seed,
    };
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inChannels = shape[3];
    const { groups, filters, kernelSize: k } = this.args;
    if (inChannels == null || inChannels % groups !== 0 || filters % groups !== 0) {
      throw new RangeError(
        `GroupedConv2D '${this.name}': groups (${groups}) must divide input channels (${inChannels}) and filters (${filters})`,
      );
    }
    const init = tfl.initializers.randomNormal({ mean: 0, stddev: this.args.kernelStddev, seed: this.args.seed });
    this.kernel = this.addWeight('kernel', [k, k, inChannels / groups, filters], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const { kernelSize: k, strides: s, padding: p, filters } = this.args;
    const out = (size: number | null) => (size == null ? null : Math.floor((size + 2 * p - k) / s) + 1);
    return [n, out(h), out(w), filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const { groups, strides, padding: pad, method } = this.args;
    if (this.kernel === null) throw new Error(`GroupedConv2D '${this.name}' called before build`);
    return groupedConv2d(x, this.kernel.read() as tf.Tensor4D, { groups, strides, pad, method });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}

tf.serialization.registerClass(GroupedConv2D);
