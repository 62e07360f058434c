#include "elementwise.h"

#include <algorithm>

#include "parallel.h"

namespace re {
namespace {

/** Elements per task. */
constexpr size_t kBlock = 1 << 16;

/** body(begin, end) over consecutive blocks of `block` items. */
template <class Body>
void forEachBlock(size_t size, size_t block, Body body) {
  const int blocks = static_cast<int>((size + block - 1) / block);
  forEachTask(blocks, [&](int k) {
    const size_t begin = static_cast<size_t>(k) * block;
    body(begin, std::min(size, begin + block));
  });
}

}  // namespace

void reluForward(size_t size, const float* x, float* y) {
  forEachBlock(size, kBlock, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) y[i] = relu(x[i]);
  });
}

void reluBackward(size_t size, const float* dy, const float* x, float* dx) {
  forEachBlock(size, kBlock, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) dx[i] = reluGradient(dy[i], x[i]);
  });
}

void channelAffine(size_t rows, size_t channels, const float* x, const float* scale, const float* shift, float* y) {
  const size_t rowsPerBlock = std::max<size_t>(1, kBlock / channels);
  forEachBlock(rows, rowsPerBlock, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; r++) {
      const float* in = x + r * channels;
      float* out = y + r * channels;
      for (size_t c = 0; c < channels; c++) out[c] = in[c] * scale[c] + shift[c];
    }
  });
}

}  // namespace re
