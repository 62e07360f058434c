/**
 * Portable model artifacts: rewrite the saved topology and weights of a model so that they use stock
 * tfjs-layers classes only, with the same inference outputs, and any TF.js program can load them with
 * `tf.loadLayersModel` without this package's layer classes:
 * - `TorchBatchNorm` → `BatchNormalization` (Keras momentum = 1 - PyTorch momentum, same epsilon),
 *   then a `ReLU` named `<layer>_relu` when the layer fuses one; layers reading the fused layer read
 *   the ReLU instead;
 * - `SeededDropout` → `Dropout` (same rate; both are the identity at inference);
 * - `GroupedConv2D` → `ZeroPadding2D` (when it pads) then a `Conv2D` with 'valid' padding whose kernel
 *   is the block-diagonal expansion of the grouped one (zeros outside each group's block);
 * - the Random Erasing layers (`RandomErasingLayer`, the Keras-compatible `RandomErasing`) →
 *   `Activation('linear')`: augmentation is the identity at inference.
 * Any other class that is not a stock tfjs-layers layer is rejected with an error naming the layer.
 */
import { blockDiagonalFilter } from '../tf/grouped-conv.js';
import { tf } from '../tf/tf.js';

/** Layer classes tfjs-layers 4.22 registers itself: a loader needs nothing else to read them. */
export const STOCK_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'InputLayer', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Conv1D', 'Conv2D',
  'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'Cropping2D',
  'UpSampling2D', 'RNN', 'SimpleRNNCell', 'SimpleRNN', 'GRUCell', 'GRU', 'LSTMCell', 'LSTM',
  'StackedRNNCells', 'ConvLSTM2DCell', 'ConvLSTM2D', 'Dropout', 'SpatialDropout1D', 'Dense', 'Flatten',
  'Activation', 'RepeatVector', 'Reshape', 'Permute', 'Masking', 'Embedding', 'Add', 'Multiply',
  'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot', 'GaussianNoise', 'GaussianDropout',
  'AlphaDropout', 'BatchNormalization', 'LayerNormalization', 'ZeroPadding2D', 'MaxPooling1D',
  'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D', 'MaxPooling3D', 'AveragePooling3D',
  'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'TimeDistributed', 'Bidirectional', 'Rescaling', 'CenterCrop', 'CategoryEncoding', 'Resizing', 'RandomWidth',
]);

type Config = Record<string, unknown>;
/** A weight and its manifest name, as `tf.io.encodeWeights` takes them. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** One layer of a saved (Keras-format, snake_case) topology; `inbound_nodes` only in functional models. */
interface LayerEntry {
  name?: string;
  class_name: string;
  config: Config;
  inbound_nodes?: unknown[][];
}

/** A grouped convolution whose kernel must become block-diagonal. */
interface GroupedKernel {
  weight: string;
  groups: number;
}

/** The layer entries of a rewrite and the kernels it expanded. */
interface Rewrite {
  layers: LayerEntry[];
  kernels: GroupedKernel[];
}

/** What {@link portableArtifacts} returns: the rewritten topology, weight manifest and weight bytes. */
export interface PortableArtifacts {
  modelTopology: Config;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** `name` and `trainable` of a layer config, which every replacement keeps. */
function baseConfig(config: Config): Config {
  return { name: config.name, trainable: config.trainable ?? true };
}

function batchNormalization(entry: LayerEntry): LayerEntry {
  const { momentum, epsilon } = entry.config as { momentum: number; epsilon: number };
  const config = { ...baseConfig(entry.config), axis: -1, momentum: 1 - momentum, epsilon, center: true, scale: true };
  return { ...entry, class_name: 'BatchNormalization', config };
}

/** Inbound nodes with call i reading call i of layer `name`, one per call of `entry`: downstream node indices stay valid. */
function callsOf(name: string, entry: LayerEntry): unknown[][] | undefined {
  return entry.inbound_nodes?.map((_, i) => [[name, i, 0, {}]]);
}

/** Name of a layer with a ReLU fused, and the name its stock ReLU gets. */
type ReluNames = ReadonlyMap<string, string>;

/** BatchNormalization keeping the entry's name and weights, then the ReLU reading each of its calls. */
function batchNormalizationThenRelu(entry: LayerEntry, reluName: string): LayerEntry[] {
  const norm = batchNormalization(entry);
  const relu: LayerEntry = { class_name: 'ReLU', config: { name: reluName, trainable: true } };
  if (entry.name !== undefined) relu.name = reluName;
  const inbound = callsOf(String(entry.config.name), entry);
  if (inbound !== undefined) relu.inbound_nodes = inbound;
  return [norm, relu];
}

/** A reference [layer, node, tensor, ...] to a fused layer, pointed at its ReLU (same call index). */
function redirect(reference: unknown, relus: ReluNames): unknown {
  if (!Array.isArray(reference) || typeof reference[0] !== 'string') return reference;
  const relu = relus.get(reference[0]);
  return relu === undefined ? reference : [relu, ...reference.slice(1)];
}

/** The entry with every inbound reference to a fused layer pointed at that layer's ReLU. */
function redirectInbound(entry: LayerEntry, relus: ReluNames): LayerEntry {
  if (entry.inbound_nodes === undefined) return entry;
  return { ...entry, inbound_nodes: entry.inbound_nodes.map((node) => node.map((reference) => redirect(reference, relus))) };
}

function dropout(entry: LayerEntry): LayerEntry {
  return { ...entry, class_name: 'Dropout', config: { ...baseConfig(entry.config), rate: entry.config.rate } };
}

/** A name not in `taken` (which it joins), `base` if free. */
function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** ZeroPadding2D taking over the inbound nodes of `entry`, and the valid Conv2D reading its output. */
function paddedConv(entry: LayerEntry, pad: number, conv: Config, taken: Set<string>): LayerEntry[] {
  if (pad === 0) return [{ ...entry, class_name: 'Conv2D', config: conv }];
  const name = uniqueName(`${String(entry.config.name)}_pad`, taken);
  const padding = { name, trainable: true, padding: [[pad, pad], [pad, pad]], data_format: 'channels_last' };
  const padEntry: LayerEntry = { class_name: 'ZeroPadding2D', config: padding };
  const convEntry: LayerEntry = { ...entry, class_name: 'Conv2D', config: conv };
  if (entry.name !== undefined) padEntry.name = name;
  if (entry.inbound_nodes !== undefined) {
    padEntry.inbound_nodes = entry.inbound_nodes;
    convEntry.inbound_nodes = callsOf(name, entry);
  }
  return [padEntry, convEntry];
}

function groupedConv(entry: LayerEntry, taken: Set<string>): Rewrite {
  const { filters, kernel_size: k, strides: s, padding: pad, groups } = entry.config as Record<string, number>;
  const conv = {
    ...baseConfig(entry.config),
    filters,
    kernel_size: [k, k],
    strides: [s, s],
    padding: 'valid',
    data_format: 'channels_last',
    dilation_rate: [1, 1],
    activation: 'linear',
    use_bias: false,
  };
  return { layers: paddedConv(entry, pad, conv, taken), kernels: [{ weight: `${String(entry.config.name)}/kernel`, groups }] };
}

/** A training-only layer as a stock identity layer with the same name and connections. */
function identity(entry: LayerEntry): LayerEntry {
  return { ...entry, class_name: 'Activation', config: { ...baseConfig(entry.config), activation: 'linear' } };
}

/** The stock entries replacing `entry` (itself when stock); throws for a class with no stock equivalent. */
function rewriteLayer(entry: LayerEntry, taken: Set<string>, relus: ReluNames): Rewrite {
  switch (entry.class_name) {
    case 'TorchBatchNorm': {
      const reluName = relus.get(String(entry.config.name));
      return { layers: reluName === undefined ? [batchNormalization(entry)] : batchNormalizationThenRelu(entry, reluName), kernels: [] };
    }
    case 'SeededDropout':
      return { layers: [dropout(entry)], kernels: [] };
    case 'GroupedConv2D':
      return groupedConv(entry, taken);
    case 'RandomErasingLayer':
    case 'RandomErasing':
      return { layers: [identity(entry)], kernels: [] };
    default:
      if (STOCK_LAYER_CLASSES.has(entry.class_name)) return { layers: [entry], kernels: [] };
      throw new TypeError(
        `cannot export layer '${String(entry.config.name)}': class '${entry.class_name}' is not a stock tfjs-layers layer and has no stock equivalent`,
      );
  }
}

/** Rewrite every layer of a saved topology (functional or sequential) into stock classes. */
export function portableTopology(topology: Config): { modelTopology: Config; kernels: GroupedKernel[] } {
  const modelConfig = topology.config as Config | undefined;
  if (!Array.isArray(modelConfig?.layers)) throw new TypeError('cannot export model: its topology has no layer list');
  const layers = modelConfig.layers as LayerEntry[];
  const taken = new Set(layers.map((entry) => String(entry.config.name)));
  const fused = layers.filter((entry) => entry.class_name === 'TorchBatchNorm' && entry.config.relu === true);
  const relus: ReluNames = new Map(fused.map((entry) => [String(entry.config.name), uniqueName(`${String(entry.config.name)}_relu`, taken)]));
  const rewrites = layers.map((entry) => rewriteLayer(redirectInbound(entry, relus), taken, relus));
  const outputs = modelConfig.output_layers;
  return {
    modelTopology: {
      ...topology,
      config: {
        ...modelConfig,
        layers: rewrites.flatMap((r) => r.layers),
        ...(Array.isArray(outputs) ? { output_layers: outputs.map((reference) => redirect(reference, relus)) } : {}),
      },
    },
    kernels: rewrites.flatMap((r) => r.kernels),
  };
}

/** The weights with each grouped kernel replaced by its block-diagonal expansion, in manifest order. */
function expandKernels(weights: tf.NamedTensorMap, specs: tf.io.WeightsManifestEntry[], kernels: GroupedKernel[]): NamedTensor[] {
  const groupsOf = new Map(kernels.map((k) => [k.weight, k.groups]));
  for (const { weight } of kernels) {
    if (!(weight in weights)) throw new Error(`cannot export model: grouped kernel '${weight}' is missing from the saved weights`);
  }
  return specs.map(({ name }) => {
    const groups = groupsOf.get(name);
    const tensor = groups === undefined ? weights[name] : blockDiagonalFilter(weights[name] as tf.Tensor4D, groups);
    return { name, tensor };
  });
}

/**
 * The artifacts of `model.save` rewritten to stock tfjs-layers classes (see the module comment), with
 * the weight bytes re-encoded to match the new manifest.
 */
export async function portableArtifacts(artifacts: tf.io.ModelArtifacts): Promise<PortableArtifacts> {
  const { modelTopology, kernels } = portableTopology(artifacts.modelTopology as Config);
  const specs = artifacts.weightSpecs ?? [];
  const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
  const weights = tf.io.decodeWeights(data, specs);
  let named: NamedTensor[] = [];
  try {
    named = tf.tidy(() => expandKernels(weights, specs, kernels));
    const encoded = await tf.io.encodeWeights(named);
    return { modelTopology, weightSpecs: encoded.specs, weightData: encoded.data };
  } finally {
    tf.dispose([...Object.values(weights), ...named.map((w) => w.tensor)]);
  }
}
