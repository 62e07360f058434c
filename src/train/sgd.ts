/**
 * Stochastic gradient descent exactly as PyTorch's `torch.optim.SGD` (dampening 0), which the paper's
 * training scripts use. For every parameter p with gradient g:
 *
 *     d = g + weightDecay * p          (decay on every parameter, BatchNorm scale and shift included)
 *     buf = momentum * buf + d         (buf starts at zero, so the first step gives buf = d)
 *     d = nesterov ? d + momentum * buf : buf
 *     p = p - lr * d
 *
 * tfjs-layers' optimizers differ (momentum scales the LR into the buffer, decay lives in the loss), so
 * the update is written here: one `SgdUpdate` kernel per parameter where the backend has it (wasm),
 * tf ops otherwise (the same float32 results).
 */
import { SGD_UPDATE } from '../tf/kernels/sgd-update.js';
import { tf } from '../tf/tf.js';

/** Hyper-parameters of {@link Sgd}. The learning rate is given per step, as schedules change it. */
export interface SgdOptions {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
}

/** Serializable optimizer state: one momentum buffer per parameter, in parameter order. */
export interface SgdState {
  readonly steps: number;
  readonly buffers: readonly Float32Array[];
}

/** PyTorch-equivalent SGD over a fixed list of variables. */
export class Sgd {
  private readonly buffers: tf.Variable[];
  private stepCount = 0;

  constructor(
    private readonly params: readonly tf.Variable[],
    private readonly options: SgdOptions,
  ) {
    if (options.nesterov && options.momentum <= 0) throw new RangeError('nesterov momentum requires momentum > 0');
    this.buffers = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** Number of updates applied so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Apply one update with learning rate `lr`; `grads[i]` is the gradient of `params[i]`. */
  step(grads: readonly tf.Tensor[], lr: number): void {
    if (grads.length !== this.params.length) {
      throw new RangeError(`expected ${this.params.length} gradients, got ${grads.length}`);
    }
    const fused = tf.getKernel(SGD_UPDATE, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      for (let i = 0; i < this.params.length; i++) {
        if (fused) this.fusedUpdate(i, grads[i], lr);
        else this.composedUpdate(i, grads[i], lr);
      }
    });
    this.stepCount++;
  }

  private fusedUpdate(i: number, grad: tf.Tensor, lr: number): void {
    const attrs = { lr, ...this.options };
    const inputs = { param: this.params[i], grad, buffer: this.buffers[i] };
    const [param, buffer] = tf.engine().runKernel(SGD_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    this.params[i].assign(param);
    this.buffers[i].assign(buffer);
  }

  private composedUpdate(i: number, grad: tf.Tensor, lr: number): void {
    const { momentum, weightDecay, nesterov } = this.options;
    const p = this.params[i];
    let d = grad;
    if (weightDecay !== 0) d = tf.add(d, tf.mul(p, weightDecay));
    if (momentum !== 0) {
      const buf = tf.add(tf.mul(this.buffers[i], momentum), d);
      this.buffers[i].assign(buf);
      d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
    }
    p.assign(tf.sub(p, tf.mul(d, lr)));
  }

  /** A copy of the optimizer state, for checkpoints (read asynchronously, as every backend allows). */
  async state(): Promise<SgdState> {
    const buffers = await Promise.all(this.buffers.map(async (b) => (await b.data()) as Float32Array));
    return { steps: this.stepCount, buffers: buffers.map((a) => a.slice()) };
  }

  /** Restore a state saved with {@link Sgd.state}; shapes must match the parameters. */
  setState(state: SgdState): void {
    if (state.buffers.length !== this.buffers.length) {
      throw new RangeError(`optimizer state has ${state.buffers.length} buffers, the model has ${this.buffers.length} parameters`);
    }
    state.buffers.forEach((values, i) => {
      if (values.length !== this.buffers[i].size) {
        throw new RangeError(`optimizer buffer ${i} has ${values.length} values, expected ${this.buffers[i].size}`);
      }
      tf.tidy(() => this.buffers[i].assign(tf.tensor(values, this.buffers[i].shape, 'float32')));
    });
    this.stepCount = state.steps;
  }

  /** Release the momentum buffers. */
  dispose(): void {
    this.buffers.forEach((b) => b.dispose());
  }
}
