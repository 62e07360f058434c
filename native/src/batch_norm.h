// Batch normalisation over the channel axis of a [rows, channels] view of an NHWC tensor, training
// mode (batch statistics), with its gradient. Sums run over fixed row blocks added in block order,
// so results do not depend on the number of threads.
#pragma once

namespace re {

/**
 * y = gamma (x - mean) / sqrt(variance + epsilon) + beta, with the batch mean and biased variance
 * written to `mean` and `variance` (length `channels`).
 */
void batchNormForward(int rows, int channels, const float* x, const float* gamma, const float* beta, float epsilon,
                      float* y, float* mean, float* variance);

/**
 * Gradients of the forward above given dy: dx (rows x channels), dgamma and dbeta (channels).
 * `mean` and `variance` are the forward's batch statistics.
 */
void batchNormBackward(int rows, int channels, const float* dy, const float* x, const float* gamma, const float* mean,
                       const float* variance, float epsilon, float* dx, float* dgamma, float* dbeta);

}  // namespace re
