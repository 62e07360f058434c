// Element-wise kernels over float buffers, split into fixed blocks (thread-count independent).
#pragma once

#include <cstddef>

namespace re {

/** y = max(x, 0): +0 for -0, NaN stays NaN (as TF.js's cpu and wasm kernels). */
void reluForward(size_t size, const float* x, float* y);

/** dx = dy * step(x): dy where x > 0, dy * 0 elsewhere, NaN where x is NaN (as TF.js's Relu gradient). */
void reluBackward(size_t size, const float* dy, const float* x, float* dx);

/** y[r, c] = x[r, c] * scale[c] + shift[c] over a [rows, channels] view. */
void channelAffine(size_t rows, size_t channels, const float* x, const float* scale, const float* shift, float* y);

}  // namespace re
