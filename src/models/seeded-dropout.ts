/**
 * `SeededDropout`: inverted dropout whose masks come from the model seed. tfjs-layers' `Dropout` either
 * draws from `Math.random` (no seed) or, given a seed, draws the *same* mask at every call; this layer
 * seeds call k with the k-th number of its own generator, so a run's masks are reproducible and still
 * differ from step to step.
 */
import { Rng, type RngState } from '../core/rng.js';
import { tf, tfl } from '../tf/tf.js';

/** Configuration of a {@link SeededDropout} layer. */
export interface SeededDropoutArgs {
  /** Probability of zeroing an element, in [0, 1). */
  rate: number;
  /** Seed of the mask stream. */
  seed: number;
  name?: string;
}

/** Dropout active only when the layer is called with `training: true`. */
export class SeededDropout extends tfl.layers.Layer {
  static readonly className = 'SeededDropout';
  private readonly rate: number;
  private readonly seed: number;
  private rng: Rng;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.rng = Rng.fromSeed(args.seed);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.rng.nextUint32());
  }

  /** Position of the mask generator, for checkpoints: a resumed run then draws the same masks. */
  rngState(): RngState {
    return this.rng.state();
  }

  /** Continue the mask generator from a state saved with {@link SeededDropout.rngState}. */
  setRngState(state: RngState): void {
    this.rng = Rng.fromState(state);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
