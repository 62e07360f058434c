/** Loss and accuracy bookkeeping for training and evaluation. */
import { tf } from '../tf/tf.js';

/**
 * Mean cross-entropy between `logits` [n, k] and integer `labels` [n], with PyTorch's label smoothing:
 * the target is (1 - eps) on the true class plus eps / k on every class.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, labelSmoothing = 0): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const logProbs = tf.logSoftmax(logits);
    const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, classes), logProbs), 1));
    if (labelSmoothing === 0) return tf.mean(nll);
    const uniform = tf.neg(tf.mean(logProbs, 1));
    return tf.mean(tf.add(tf.mul(nll, 1 - labelSmoothing), tf.mul(uniform, labelSmoothing)));
  });
}

/**
 * Number of samples whose label is among their `k` first ranks, for each k in `ks`: `ranks` holds
 * `width` class indices per sample, best first (tf.topk's indices). Compared in integers, so the counts
 * are exact whatever the backend's float reductions.
 */
export function countCorrect(ranks: ArrayLike<number>, width: number, labels: ArrayLike<number>, ks: readonly number[]): number[] {
  const hitsAtRank = new Array<number>(width).fill(0);
  for (let i = 0; i < labels.length; i++) {
    for (let r = 0; r < width; r++) {
      if (ranks[i * width + r] === labels[i]) {
        hitsAtRank[r]++;
        break;
      }
    }
  }
  return ks.map((k) => hitsAtRank.slice(0, Math.min(k, width)).reduce((a, b) => a + b, 0));
}

/** Number of samples whose label is among the `k` largest logits, for each k in `ks` (read asynchronously). */
export async function correctTopK(logits: tf.Tensor2D, labels: ArrayLike<number>, ks: readonly number[]): Promise<number[]> {
  const width = Math.min(Math.max(...ks), logits.shape[1]);
  const { values, indices } = tf.topk(logits, width);
  try {
    return countCorrect(await indices.data(), width, labels, ks);
  } finally {
    tf.dispose([values, indices]);
  }
}

/** Running totals of one pass (epoch or evaluation) over the data. */
export class RunningMetrics {
  lossSum = 0;
  correct1 = 0;
  correct5 = 0;
  count = 0;

  /** Add a batch of `n` samples with mean loss `loss` and the given correct counts. */
  add(n: number, loss: number, correct1: number, correct5: number): void {
    this.lossSum += loss * n;
    this.correct1 += correct1;
    this.correct5 += correct5;
    this.count += n;
  }

  get loss(): number {
    return this.count === 0 ? 0 : this.lossSum / this.count;
  }

  /** Top-1 accuracy in percent. */
  get top1(): number {
    return this.count === 0 ? 0 : (100 * this.correct1) / this.count;
  }

  /** Top-5 accuracy in percent. */
  get top5(): number {
    return this.count === 0 ? 0 : (100 * this.correct5) / this.count;
  }

  /** Plain copy, for checkpoints. */
  snapshot(): { lossSum: number; correct1: number; correct5: number; count: number } {
    return { lossSum: this.lossSum, correct1: this.correct1, correct5: this.correct5, count: this.count };
  }

  /** Restore from {@link RunningMetrics.snapshot}. */
  static from(s: { lossSum: number; correct1: number; correct5: number; count: number }): RunningMetrics {
    return Object.assign(new RunningMetrics(), s);
  }
}
