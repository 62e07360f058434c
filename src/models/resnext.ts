/**
 * CIFAR ResNeXt (Xie et al. 2017), as in the reference code: 3x3 stem with 64 channels + BN-ReLU;
 * three stages of (depth - 2) / 9 bottlenecks with 256, 512, 1024 output channels (strides 1, 2, 2).
 * A bottleneck is 1x1 conv to D = cardinality * baseWidth * 2^stage channels, BN-ReLU, grouped 3x3
 * conv (groups = cardinality, strided), BN-ReLU, 1x1 conv, BN, plus the shortcut (1x1 conv + BN when
 * the channel count changes), then ReLU.
 */
import type { LayerFactory, Node } from './layer-factory.js';
import { projection } from './resnet.js';
import type { ResolvedSpec } from './spec.js';

function bottleneck(f: LayerFactory, x: Node, out: number, width: number, stride: number, groups: number, name: string): Node {
  let h = f.bnRelu(f.conv(x, { filters: width, kernel: 1, name: `${name}_reduce` }), `${name}_reduce`);
  h = f.bnRelu(f.conv(h, { filters: width, kernel: 3, stride, groups, name: `${name}_group` }), `${name}_group`);
  h = f.bn(f.conv(h, { filters: out, kernel: 1, name: `${name}_expand` }), `${name}_expand_bn`);
  return f.relu(f.add(h, projection(f, x, out, stride, name), `${name}_add`), `${name}_out`);
}

/** Features of a CIFAR ResNeXt (everything before the classifier). */
export function resnextFeatures(f: LayerFactory, input: Node, spec: ResolvedSpec): Node {
  const n = (spec.depth - 2) / 9;
  let x = f.bnRelu(f.conv(input, { filters: 64, kernel: 3, name: 'stem_conv' }), 'stem');
  for (let s = 0; s < 3; s++) {
    for (let b = 0; b < n; b++) {
      const stride = b === 0 && s > 0 ? 2 : 1;
      x = bottleneck(f, x, 256 << s, (spec.cardinality * spec.baseWidth) << s, stride, spec.cardinality, `s${s + 1}b${b}`);
    }
  }
  return x;
}
