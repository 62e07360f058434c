/**
 * Pre-activation residual networks: PreAct-ResNet-18 (He et al. 2016b) and Wide ResNet (Zagoruyko &
 * Komodakis 2016). Both use the pre-activation basic block: BN-ReLU, 3x3 conv (strided), BN-ReLU,
 * [dropout], 3x3 conv, plus a shortcut that is the raw input, or a 1x1 convolution (no BN) of the
 * pre-activated input when the shape changes; the network ends with BN-ReLU, global pool, linear.
 */
import type { LayerFactory, Node } from './layer-factory.js';
import type { ResolvedSpec } from './spec.js';

function preactBlock(f: LayerFactory, x: Node, filters: number, stride: number, drop: number, name: string): Node {
  const a = f.bnRelu(x, `${name}_pre`);
  let h = f.bnRelu(f.conv(a, { filters, kernel: 3, stride, name: `${name}_conv1` }), `${name}_mid`);
  if (drop > 0) h = f.dropout(h, drop, `${name}_drop`);
  h = f.conv(h, { filters, kernel: 3, name: `${name}_conv2` });
  const sameShape = stride === 1 && x.shape[3] === filters;
  const shortcut = sameShape ? x : f.conv(a, { filters, kernel: 1, stride, name: `${name}_proj` });
  return f.add(h, shortcut, `${name}_add`);
}

/** Stem conv, stages of `blocks` pre-activation blocks (first stride 1, then 2), final BN-ReLU. */
function preactFeatures(
  f: LayerFactory,
  input: Node,
  stem: number,
  widths: number[],
  blocks: number,
  drop: number,
): Node {
  let x = f.conv(input, { filters: stem, kernel: 3, name: 'stem_conv' });
  widths.forEach((width, s) => {
    for (let b = 0; b < blocks; b++) {
      const stride = b === 0 && s > 0 ? 2 : 1;
      x = preactBlock(f, x, width, stride, drop, `s${s + 1}b${b}`);
    }
  });
  return f.bnRelu(x, 'final');
}

/** PreAct-ResNet-18: stem 64, stages 64-128-256-512 of two blocks. */
export function preresnet18Features(f: LayerFactory, input: Node): Node {
  return preactFeatures(f, input, 64, [64, 128, 256, 512], 2, 0);
}

/** WRN-d-k: stem 16, stages 16k, 32k, 64k of (d - 4) / 6 blocks, dropout `drop` inside blocks. */
export function wrnFeatures(f: LayerFactory, input: Node, spec: ResolvedSpec): Node {
  const k = spec.widenFactor;
  return preactFeatures(f, input, 16, [16 * k, 32 * k, 64 * k], (spec.depth - 4) / 6, spec.drop);
}
