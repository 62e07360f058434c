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
 * Number of samples whose label is among the `k` largest logits, for each k in `ks`. The ranks are
 * compared on the CPU in integers, so the counts are exact whatever the backend's float reductions.
 */
export function correctTopK(logits: tf.Tensor2D, labels: tf.Tensor1D, ks: readonly number[]): number[] {
  const maxK = Math.min(Math.max(...ks), logits.shape[1]);
  const { values, indices } = tf.topk(logits, maxK);
  const top = indices.dataSync();
  const truth = labels.dataSync();
  tf.dispose([values, indices]);
  const hitsAtRank = new Array<number>(maxK).fill(0);
  for (let i = 0; i < truth.length; i++) {
    const rank = top.subarray(i * maxK, (i + 1) * maxK).indexOf(truth[i]);
    if (rank >= 0) hitsAtRank[rank]++;
  }
  return ks.map((k) => hitsAtRank.slice(0, Math.min(k, maxK)).reduce((a, b) => a + b, 0));
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
