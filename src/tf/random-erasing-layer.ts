/**
 * Random Erasing as tfjs-layers layers, active only when called with `training: true` (as `Dropout`:
 * `model.fit` and `fitDataset` pass it; `predict`, `evaluate` and a plain `apply` do not, and get the
 * input back). Every core option and preset; each sample its own regions; call k of a layer draws
 * from `Rng.fromSeed(seed).derive(k)`, so a run is reproducible and every step differs.
 *
 * `RandomErasingLayer` (class name `RandomErasingLayer`) takes this library's options.
 * `KerasRandomErasing` is registered under Keras 3's class name `RandomErasing` and takes its
 * arguments (`factor`, `scale`, `fill_value`, `value_range`, `seed`, `data_format`), so a model
 * holding a Keras 3 RandomErasing loads with `tf.loadLayersModel` and erases with the same laws
 * (see core/keras.ts for what those laws are).
 */
import type { RandomErasingOptions } from '../core/erasing-options.js';
import type { PixelDtype } from '../core/fill.js';
import { kerasErasingOptions, resolveKerasArgs, type KerasErasingArgs, type KerasErasingConfig } from '../core/keras.js';
import type { PresetName } from '../core/presets.js';
import { ErasingStream, type DataFormat, type ImageTensor } from './random-erasing-op.js';
import { tf, tfl } from './tf.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Configuration of a {@link RandomErasingLayer}. */
export interface RandomErasingLayerArgs extends LayerArgs {
  /** Default `reference`. */
  preset?: PresetName;
  /** Options replacing the preset's. */
  options?: Partial<RandomErasingOptions>;
  /** Seed of the draws; default a random one, kept in the config so a saved model reproduces it. */
  seed?: number;
  /** Default `channelsLast` (NHWC). */
  dataFormat?: DataFormat;
  /** One plan for the whole batch (default false: one per sample). */
  sameOnBatch?: boolean;
  /** How fill values are drawn; default `uint8` for int32 inputs, `float32` otherwise. */
  pixelDtype?: PixelDtype;
}

function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}

function checkFormat(value: unknown): DataFormat {
  if (value === undefined || value === 'channelsLast' || value === 'channels_last') return 'channelsLast';
  if (value === 'channelsFirst' || value === 'channels_first') return 'channelsFirst';
  throw new RangeError(`RandomErasing: dataFormat must be 'channelsLast' or 'channelsFirst', got '${String(value)}'`);
}

/** Random Erasing as a layer; the identity unless called with `training: true`. */
export class RandomErasingLayer extends tfl.layers.Layer {
  static readonly className: string = 'RandomErasingLayer';
  readonly seed: number;
  readonly dataFormat: DataFormat;
  private readonly args: RandomErasingLayerArgs;
  private readonly stream: ErasingStream;

  constructor(args: RandomErasingLayerArgs = {}) {
    super(args);
    this.seed = args.seed ?? randomSeed();
    this.dataFormat = checkFormat(args.dataFormat);
    this.args = args;
    this.stream = new ErasingStream({
      erasing: args.preset ?? 'reference',
      overrides: args.options ?? {},
      seed: this.seed,
      dataFormat: this.dataFormat,
      sameOnBatch: args.sameOnBatch ?? false,
      pixelDtype: args.pixelDtype,
    });
  }

  /** The options in force, defaults applied. */
  get erasingOptions(): RandomErasingOptions {
    return this.stream.eraser.options;
  }

  /** Training calls made so far (the stream position); set it when resuming a run. */
  get trainingCalls(): number {
    return this.stream.calls;
  }

  set trainingCalls(calls: number) {
    if (!Number.isInteger(calls) || calls < 0) throw new RangeError(`RandomErasing: trainingCalls must be an integer >= 0, got ${calls}`);
    this.stream.calls = calls;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true) return x;
    return this.stream.apply(x as ImageTensor);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  /** The Layer base class's config (name, trainable, dtype, input shape). */
  protected layerConfig(): tf.serialization.ConfigDict {
    return super.getConfig();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { preset = 'reference', options = {}, sameOnBatch = false, pixelDtype } = this.args;
    return {
      ...this.layerConfig(),
      preset,
      options: options as tf.serialization.ConfigDict,
      seed: this.seed,
      dataFormat: this.dataFormat,
      sameOnBatch,
      ...(pixelDtype === undefined ? {} : { pixelDtype }),
    };
  }
}

/**
 * Keras 3's RandomErasing arguments, by the names TF.js gives them when it loads a model (camelCase);
 * `dtype` may be a Keras 3 dtype policy.
 */
export interface KerasRandomErasingArgs extends KerasErasingArgs, Omit<LayerArgs, 'dtype'> {
  /** Default null: a random seed, kept in the config. */
  seed?: number | null;
  /** `channels_last` (default) or `channels_first`, in either spelling. */
  dataFormat?: string | null;
  dtype?: tf.DataType | { config?: { name?: string } } | null;
}

/** A Keras 3 dtype policy (`{ class_name: 'DTypePolicy', config: { name } }`) as its dtype name. */
function layerDtype(dtype: KerasRandomErasingArgs['dtype']): tf.DataType | undefined {
  if (dtype === null || dtype === undefined) return undefined;
  const name = typeof dtype === 'string' ? dtype : dtype.config?.name;
  if (name !== 'float32' && name !== 'int32') throw new RangeError(`RandomErasing: dtype must be float32 or int32, got ${JSON.stringify(dtype)}`);
  return name;
}

/**
 * Keras 3's `keras.layers.RandomErasing`, registered under its class name: same arguments, same
 * laws (the `keras` preset), and a config in Keras' keys. Differences from Keras: it is the identity
 * unless called with `training: true` (Keras erases on a plain call), and int32 inputs stay int32.
 *
 * @example
 * model.add(new KerasRandomErasing({ factor: 1, scale: [0.02, 0.33], valueRange: [0, 1], seed: 3 }));
 */
export class KerasRandomErasing extends RandomErasingLayer {
  static override readonly className: string = 'RandomErasing';
  readonly keras: KerasErasingConfig;

  constructor(args: KerasRandomErasingArgs = {}) {
    const keras = resolveKerasArgs(args);
    const { p, sl, sh, fill } = kerasErasingOptions(keras);
    const { name, trainable, inputShape, batchInputShape, batchSize, seed, dataFormat, dtype } = args;
    super({
      ...{ name, trainable, inputShape, batchInputShape, batchSize, dtype: layerDtype(dtype) },
      preset: 'keras',
      options: { p, sl, sh, fill },
      seed: seed ?? undefined,
      dataFormat: checkFormat(dataFormat ?? undefined),
    });
    this.keras = keras;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { factor, scale, fillValue, valueRange } = this.keras;
    return { ...this.layerConfig(), factor, scale, fillValue, valueRange, seed: this.seed, dataFormat: this.dataFormat };
  }
}

tf.serialization.registerClass(RandomErasingLayer);
tf.serialization.registerClass(KerasRandomErasing);
