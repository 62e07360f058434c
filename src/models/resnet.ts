/**
 * CIFAR ResNet (He et al. 2016) as in the reference code: depth 6n+2, 3x3 stem with 16 channels,
 * three stages of n blocks with 16, 32, 64 planes (strides 1, 2, 2), projection shortcut
 * (1x1 convolution + BN) when the shape changes, global average pool, linear. BasicBlock has two 3x3
 * convolutions; Bottleneck (expansion 4) is 1x1, 3x3 (strided), 1x1.
 */
import type { LayerFactory, Node } from './layer-factory.js';
import type { ResolvedSpec } from './spec.js';

const STAGES = [
  { planes: 16, stride: 1 },
  { planes: 32, stride: 2 },
  { planes: 64, stride: 2 },
];

/** The residual branch of one block; returns its output before the addition. */
function residual(f: LayerFactory, x: Node, planes: number, stride: number, bottleneck: boolean, name: string): Node {
  if (!bottleneck) {
    const h = f.bnRelu(f.conv(x, { filters: planes, kernel: 3, stride, name: `${name}_conv1` }), `${name}_1`);
    return f.bn(f.conv(h, { filters: planes, kernel: 3, name: `${name}_conv2` }), `${name}_2_bn`);
  }
  let h = f.bnRelu(f.conv(x, { filters: planes, kernel: 1, name: `${name}_conv1` }), `${name}_1`);
  h = f.bnRelu(f.conv(h, { filters: planes, kernel: 3, stride, name: `${name}_conv2` }), `${name}_2`);
  return f.bn(f.conv(h, { filters: planes * 4, kernel: 1, name: `${name}_conv3` }), `${name}_3_bn`);
}

/** Shortcut: identity, or 1x1 convolution + BN when the shape changes. */
export function projection(f: LayerFactory, x: Node, filters: number, stride: number, name: string): Node {
  if (stride === 1 && x.shape[3] === filters) return x;
  return f.bn(f.conv(x, { filters, kernel: 1, stride, name: `${name}_proj` }), `${name}_proj_bn`);
}

/** One residual block: branch plus shortcut, then ReLU (layers named `<name>_…`). */
export function resnetBlock(f: LayerFactory, x: Node, planes: number, stride: number, bottleneck: boolean, name: string): Node {
  const branch = residual(f, x, planes, stride, bottleneck, name);
  const shortcut = projection(f, x, planes * (bottleneck ? 4 : 1), stride, name);
  return f.relu(f.add(branch, shortcut, `${name}_add`), `${name}_out`);
}

/** Features of a CIFAR ResNet (everything before the classifier). */
export function resnetFeatures(f: LayerFactory, input: Node, spec: ResolvedSpec): Node {
  const n = (spec.depth - 2) / 6;
  const bottleneck = spec.block === 'bottleneck';
  let x = f.bnRelu(f.conv(input, { filters: 16, kernel: 3, name: 'stem_conv' }), 'stem');
  STAGES.forEach(({ planes, stride }, s) => {
    for (let b = 0; b < n; b++) {
      const name = `s${s + 1}b${b}`;
      const st = b === 0 ? stride : 1;
      x = resnetBlock(f, x, planes, st, bottleneck, name);
    }
  });
  return x;
}
