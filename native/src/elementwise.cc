#include "elementwise.h"

#include <algorithm>
#include <cmath>

#include "parallel.h"

namespace re {
namespace {

/** Elements per task (a multiple of 64 so blocks stay cache-line aligned relative to the start). */
constexpr size_t kBlock = 1 << 16;

template <class Body>
void forEachBlock(size_t size, Body body) {
  const int blocks = static_cast<int>((size + kBlock - 1) / kBlock);
  forEachTask(blocks, [&](int k) {
    const size_t begin = static_cast<size_t>(k) * kBlock;
    body(begin, std::min(size, begin + kBlock));
  });
}

}  // namespace

void reluForward(size_t size, const float* x, float* y) {
  forEachBlock(size, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) y[i] = x[i] > 0.f || std::isnan(x[i]) ? x[i] : 0.f;
  });
}

void reluBackward(size_t size, const float* dy, const float* x, float* dx) {
  forEachBlock(size, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
      const float step = std::isnan(x[i]) ? x[i] : (x[i] > 0.f ? 1.f : 0.f);
      dx[i] = dy[i] * step;
    }
  });
}

}  // namespace re
