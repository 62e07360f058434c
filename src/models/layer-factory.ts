/**
 * Creates the layers every architecture is made of, with the reference initialisation and PyTorch
 * conventions:
 * - convolution: no bias, weights normal(0, sqrt(2 / (k * k * outChannels))), PyTorch padding
 *   (k - 1) / 2 on every side: TF's 'same' pads the bottom/right only at stride 2, so strided
 *   convolutions get an explicit ZeroPadding2D and 'valid';
 * - batch normalisation: {@link TorchBatchNorm}, gamma 1, beta 0, momentum 0.1, epsilon 1e-5;
 * - linear: PyTorch's default, weights and bias uniform(+-1 / sqrt(fanIn));
 * - every draw seeded from the model seed, in build order: weights from one stream, dropout masks
 *   from another, so switching dropout on or off leaves the initial weights unchanged.
 */
import { Rng } from '../core/rng.js';
import { GroupedConv2D } from '../tf/grouped-conv-layer.js';
import { tfl } from '../tf/tf.js';
import { TorchBatchNorm } from './batch-norm.js';
import { SeededDropout } from './seeded-dropout.js';

/** A symbolic tensor of the functional model under construction. */
export type Node = tfl.SymbolicTensor;

/** One convolution. */
export interface ConvArgs {
  filters: number;
  kernel: number;
  stride?: number;
  /** Groups of a grouped convolution (ResNeXt), default 1. */
  groups?: number;
  name: string;
}

/** PyTorch `BatchNorm2d` defaults (momentum in PyTorch's convention: weight of the new batch). */
export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

/** Layer constructors sharing the seed streams and the `convDropout` rate. */
export class LayerFactory {
  private readonly weightSeeds: Rng;
  private readonly dropoutSeeds: Rng;

  constructor(
    seed: number,
    private readonly convDropout: number,
  ) {
    this.weightSeeds = Rng.fromSeed(seed).derive(0);
    this.dropoutSeeds = Rng.fromSeed(seed).derive(1);
  }

  /** Convolution without bias, followed by dropout when `convDropout` > 0. */
  conv(x: Node, args: ConvArgs): Node {
    const { filters, kernel, stride = 1, groups = 1, name } = args;
    const pad = (kernel - 1) / 2;
    const seed = this.weightSeeds.nextUint32();
    let y: Node;
    if (groups > 1) {
      y = apply(new GroupedConv2D({ filters, kernelSize: kernel, groups, strides: stride, padding: pad, seed, name }), x);
    } else {
      const explicitPad = stride > 1 && pad > 0;
      const input = explicitPad ? apply(tfl.layers.zeroPadding2d({ padding: pad, name: `${name}_pad` }), x) : x;
      const conv = tfl.layers.conv2d({
        filters,
        kernelSize: kernel,
        strides: stride,
        padding: explicitPad || pad === 0 ? 'valid' : 'same',
        useBias: false,
        kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / (kernel * kernel * filters)), seed }),
        name,
      });
      y = apply(conv, input);
    }
    return this.convDropout > 0 ? this.dropout(y, this.convDropout, `${name}_drop`) : y;
  }

  /** Batch normalisation over channels with PyTorch's semantics and defaults. */
  bn(x: Node, name: string, relu = false): Node {
    return apply(new TorchBatchNorm({ momentum: BN_MOMENTUM, epsilon: BN_EPSILON, relu, name }), x);
  }

  relu(x: Node, name: string): Node {
    return apply(tfl.layers.reLU({ name }), x);
  }

  /** Batch normalisation then a ReLU, as one layer (`${name}_bn`) that fuses them on the native kernels. */
  bnRelu(x: Node, name: string): Node {
    return this.bn(x, `${name}_bn`, true);
  }

  add(a: Node, b: Node, name: string): Node {
    return tfl.layers.add({ name }).apply([a, b]) as Node;
  }

  /** Seeded inverted dropout, active in training only. */
  dropout(x: Node, rate: number, name: string): Node {
    return apply(new SeededDropout({ rate, seed: this.dropoutSeeds.nextUint32(), name }), x);
  }

  /** Global average pooling then a linear layer with PyTorch's default initialisation. */
  classifier(x: Node, numClasses: number): Node {
    const pooled = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
    const fc = tfl.layers.dense({ units: numClasses, kernelInitializer: this.uniform(pooled.shape[1] as number), biasInitializer: this.uniform(pooled.shape[1] as number), name: 'fc' });
    return apply(fc, pooled);
  }

  /**
   * 1x1 convolution with bias, as a linear layer per pixel: weights uniform(+-1 / sqrt(inChannels)),
   * bias the constant `bias` (a prediction head's prior).
   */
  pointwise(x: Node, filters: number, bias: number, name: string): Node {
    const conv = tfl.layers.conv2d({
      filters,
      kernelSize: 1,
      kernelInitializer: this.uniform(x.shape[3] as number),
      biasInitializer: tfl.initializers.constant({ value: bias }),
      name,
    });
    return apply(conv, x);
  }

  /** PyTorch's default linear initialiser for `fanIn` inputs, seeded from the weight stream. */
  private uniform(fanIn: number) {
    const bound = 1 / Math.sqrt(fanIn);
    return tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.weightSeeds.nextUint32() });
  }
}

function apply(layer: { apply: (x: Node) => unknown }, x: Node): Node {
  return layer.apply(x) as Node;
}
