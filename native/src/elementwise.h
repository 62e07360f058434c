// Element-wise kernels over float buffers, split into fixed blocks (thread-count independent).
#pragma once

#include <cmath>
#include <cstddef>

namespace re {

/** max(v, 0): +0 for -0, NaN stays NaN (as TF.js's cpu and wasm kernels). */
inline float relu(float v) { return v > 0.f || std::isnan(v) ? v : 0.f; }

/** dy * step(x): dy where x > 0, dy * 0 elsewhere, NaN where x is NaN (as TF.js's Relu gradient). */
inline float reluGradient(float dy, float x) {
  // Two selects in this order: GCC vectorises them; the nested form stays a branch.
  float step = x > 0.f ? 1.f : 0.f;
  step = std::isnan(x) ? x : step;
  return dy * step;
}

/** y = relu(x) element-wise. */
void reluForward(size_t size, const float* x, float* y);

/** dx = reluGradient(dy, x) element-wise. */
void reluBackward(size_t size, const float* dy, const float* x, float* dx);

/** y[r, c] = x[r, c] * scale[c] + shift[c] over a [rows, channels] view. */
void channelAffine(size_t rows, size_t channels, const float* x, const float* scale, const float* shift, float* y);

}  // namespace re
