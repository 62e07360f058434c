// Batch normalisation over the channel axis of a [rows, channels] view of an NHWC tensor, training
// mode (batch statistics), with its gradient. Sums run over fixed row blocks added in block order,
// so results do not depend on the number of threads.
#pragma once

namespace re {

/**
 * y = gamma (x - mean) / sqrt(variance + epsilon) + beta, then max(0, y) when `withRelu`, with the
 * batch mean, the biased variance and the float scale gamma / sqrt(variance + epsilon) the output
 * was computed with written to `mean`, `variance` and `scale` (length `channels`).
 */
void batchNormForward(int rows, int channels, const float* x, const float* gamma, const float* beta, float epsilon, bool withRelu,
                      float* y, float* mean, float* variance, float* scale);

/**
 * Gradients of the forward above given dy: dx (rows x channels), dgamma and dbeta (channels).
 * `mean` and `variance` are the forward's batch statistics. For a forward with the ReLU, pass its
 * `scale` and `beta` as `reluScale` and `reluBeta` (null otherwise): the ReLU's gradient is applied
 * to dy on the fly, with the pre-ReLU output recomputed exactly, bit for bit as a separate ReLU
 * gradient would give.
 */
void batchNormBackward(int rows, int channels, const float* dy, const float* x, const float* gamma, const float* mean,
                       const float* variance, float epsilon, const float* reluScale, const float* reluBeta, float* dx, float* dgamma,
                       float* dbeta);

}  // namespace re
