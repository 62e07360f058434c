/**
 * The model registry: `buildModel(spec)` validates a {@link ModelSpec} and builds the tfjs-layers
 * model. Input NHWC float32 `[batch, ...inputShape]`, output logits `[batch, numClasses]` (no softmax).
 *
 * @example
 * ```ts
 * import { buildModel } from 'random-erasing/models';
 * const model = buildModel({ arch: 'resnet', depth: 20, numClasses: 10, inputShape: [32, 32, 3], seed: 1 });
 * const logits = model.predict(tf.zeros([8, 32, 32, 3])); // [8, 10]
 * ```
 */
import { tfl } from '../tf/tf.js';
import { LayerFactory, type Node } from './layer-factory.js';
import { preresnet18Features, wrnFeatures } from './preact.js';
import { resnetFeatures } from './resnet.js';
import { resnextFeatures } from './resnext.js';
import { modelName, resolveSpec, type ModelSpec, type ResolvedSpec } from './spec.js';

type Features = (f: LayerFactory, input: Node, spec: ResolvedSpec) => Node;

const FEATURES: Record<ResolvedSpec['arch'], Features> = {
  resnet: resnetFeatures,
  preresnet18: preresnet18Features,
  wrn: wrnFeatures,
  resnext: resnextFeatures,
};

/** Build the model described by `spec` (throws a RangeError naming any invalid option). */
export function buildModel(spec: ModelSpec): tfl.LayersModel {
  const resolved = resolveSpec(spec);
  const factory = new LayerFactory(resolved.seed, resolved.convDropout);
  const input = tfl.input({ shape: resolved.inputShape, name: 'image' });
  const features = FEATURES[resolved.arch](factory, input, resolved);
  const logits = factory.classifier(features, resolved.numClasses);
  return tfl.model({ inputs: input, outputs: logits, name: modelName(resolved) });
}

/** Number of trainable parameters (what PyTorch's `sum(p.numel() for p in model.parameters())` counts). */
export function trainableParamCount(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 0), 1), 0);
}
