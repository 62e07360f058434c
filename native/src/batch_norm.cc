#include "batch_norm.h"

#include <cmath>
#include <vector>

#include "elementwise.h"
#include "parallel.h"

namespace re {
namespace {

/** Row blocks of the reductions and passes: a fixed function of the row count. */
constexpr int kMaxBlocks = 64;

int blockCount(int rows) { return std::max(1, std::min(kMaxBlocks, rows / 256)); }

// The hot loops are compiled for AVX-512, AVX2 and the baseline and picked at load time. Each
// runs across channels (the contiguous axis) with one accumulator per channel, and the build
// disables FMA contraction, so every clone adds and rounds in the same order: same results.
#if defined(__GNUC__) && defined(__x86_64__) && defined(__ELF__)
#define RE_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RE_VECTOR_CLONES
#endif

/** s1[c] += Σ (x - shift[c]), s2[c] += Σ (x - shift[c])² over `rows` rows. */
RE_VECTOR_CLONES
void shiftedSums(const float* __restrict x, const float* __restrict shift, size_t rows, size_t channels, double* __restrict s1,
                 double* __restrict s2) {
  for (size_t r = 0; r < rows; r++) {
    const float* row = x + r * channels;
    for (size_t c = 0; c < channels; c++) {
      const double d = static_cast<double>(row[c]) - shift[c];
      s1[c] += d;
      s2[c] += d * d;
    }
  }
}

/** The forward's output before the ReLU, recomputed exactly: the same float operations in the same order. */
inline float normalised(float x, float mean, float scale, float beta) { return (x - mean) * scale + beta; }

/**
 * The gradient reaching the normalisation: dy, or with a fused ReLU dy · step(pre), where pre is
 * recomputed from x, mean, scale and beta (both null: no ReLU).
 */
struct Upstream {
  const float* __restrict scale = nullptr;
  const float* __restrict beta = nullptr;
  bool active() const { return scale != nullptr; }
};

/** s1[c] += Σ dz, s2[c] += Σ dz (x - mean[c]) over `rows` rows, dz the upstream gradient (see Upstream). */
RE_VECTOR_CLONES
void gradientSums(const float* __restrict dy, const float* __restrict x, const float* __restrict mean, Upstream up, size_t rows,
                  size_t channels, double* __restrict s1, double* __restrict s2) {
  for (size_t r = 0; r < rows; r++) {
    const float* d = dy + r * channels;
    const float* v = x + r * channels;
    for (size_t c = 0; c < channels; c++) {
      const float dz = up.active() ? reluGradient(d[c], normalised(v[c], mean[c], up.scale[c], up.beta[c])) : d[c];
      s1[c] += dz;
      s2[c] += static_cast<double>(dz) * (static_cast<double>(v[c]) - mean[c]);
    }
  }
}

/** y = (x - mean[c]) * scale[c] + beta[c] over `rows` rows, through a ReLU when `withRelu`. */
RE_VECTOR_CLONES
void normalise(const float* __restrict x, const float* __restrict mean, const float* __restrict scale, const float* __restrict beta,
               bool withRelu, size_t rows, size_t channels, float* __restrict y) {
  for (size_t r = 0; r < rows; r++) {
    const size_t row = r * channels;
    for (size_t c = 0; c < channels; c++) {
      const float pre = normalised(x[row + c], mean[c], scale[c], beta[c]);
      y[row + c] = withRelu ? relu(pre) : pre;
    }
  }
}

/** dx = a[c] dz + b[c] (x - mean[c]) + d[c] over `rows` rows, dz the upstream gradient (see Upstream). */
RE_VECTOR_CLONES
void inputGradient(const float* __restrict dy, const float* __restrict x, const float* __restrict mean, Upstream up,
                   const float* __restrict a, const float* __restrict b, const float* __restrict d, size_t rows, size_t channels,
                   float* __restrict dx) {
  for (size_t r = 0; r < rows; r++) {
    const size_t row = r * channels;
    for (size_t c = 0; c < channels; c++) {
      const float dz = up.active() ? reluGradient(dy[row + c], normalised(x[row + c], mean[c], up.scale[c], up.beta[c])) : dy[row + c];
      dx[row + c] = a[c] * dz + b[c] * (x[row + c] - mean[c]) + d[c];
    }
  }
}

/**
 * Two per-channel sums in one pass: `sums(first row, row count, s1, s2)` over each block of rows
 * into a [blocks, 2, channels] table in double, then the blocks added in block order.
 */
template <class Sums>
void channelSums(int rows, int channels, Sums sums, std::vector<double>& a, std::vector<double>& b) {
  const int blocks = blockCount(rows);
  const size_t width = static_cast<size_t>(channels);
  std::vector<double> table(2 * blocks * width, 0.0);
  forEachTask(blocks, [&](int k) {
    double* sa = table.data() + 2 * k * width;
    const int begin = partStart(rows, blocks, k);
    sums(static_cast<size_t>(begin), static_cast<size_t>(partStart(rows, blocks, k + 1) - begin), sa, sa + width);
  });
  a.assign(width, 0.0);
  b.assign(width, 0.0);
  for (int k = 0; k < blocks; k++) {
    for (size_t c = 0; c < width; c++) {
      a[c] += table[2 * k * width + c];
      b[c] += table[(2 * k + 1) * width + c];
    }
  }
}

/** Runs rows(first row, row count) over the same fixed blocks as the sums. */
template <class Rows>
void forEachRowBlock(int rows, Rows body) {
  const int blocks = blockCount(rows);
  forEachTask(blocks, [&](int k) {
    const int begin = partStart(rows, blocks, k);
    body(static_cast<size_t>(begin), static_cast<size_t>(partStart(rows, blocks, k + 1) - begin));
  });
}

}  // namespace

void batchNormForward(int rows, int channels, const float* x, const float* gamma, const float* beta, float epsilon, bool withRelu,
                      float* y, float* mean, float* variance, float* scale) {
  // Sums of x - shift and its square, shifted by the first row so that the variance does not
  // come from the difference of two large numbers.
  const size_t width = static_cast<size_t>(channels);
  std::vector<double> sum, squares;
  channelSums(
      rows, channels, [&](size_t first, size_t count, double* s1, double* s2) { shiftedSums(x + first * width, x, count, width, s1, s2); },
      sum, squares);
  for (int c = 0; c < channels; c++) {
    const double shifted = sum[c] / rows;
    const double var = std::max(0.0, squares[c] / rows - shifted * shifted);
    mean[c] = static_cast<float>(x[c] + shifted);
    variance[c] = static_cast<float>(var);
    scale[c] = static_cast<float>(gamma[c] / std::sqrt(var + epsilon));
  }
  forEachRowBlock(rows, [&](size_t first, size_t count) {
    normalise(x + first * width, mean, scale, beta, withRelu, count, width, y + first * width);
  });
}

void batchNormBackward(int rows, int channels, const float* dy, const float* x, const float* gamma, const float* mean,
                       const float* variance, float epsilon, const float* reluScale, const float* reluBeta, float* dx, float* dgamma,
                       float* dbeta) {
  const size_t width = static_cast<size_t>(channels);
  const Upstream up{reluScale, reluBeta};
  std::vector<double> sumDy, sumDyCentred;
  channelSums(
      rows, channels,
      [&](size_t first, size_t count, double* s1, double* s2) { gradientSums(dy + first * width, x + first * width, mean, up, count, width, s1, s2); },
      sumDy, sumDyCentred);
  // dx = gamma invStd (dy - dbeta / n - xhat dgamma / n) = a dy + b (x - mean) + d per channel.
  std::vector<float> a(channels), b(channels), d(channels);
  for (int c = 0; c < channels; c++) {
    const double invStd = 1.0 / std::sqrt(static_cast<double>(variance[c]) + epsilon);
    const double dg = sumDyCentred[c] * invStd;
    const double k = gamma[c] * invStd;
    dgamma[c] = static_cast<float>(dg);
    dbeta[c] = static_cast<float>(sumDy[c]);
    a[c] = static_cast<float>(k);
    b[c] = static_cast<float>(-k * invStd * dg / rows);
    d[c] = static_cast<float>(-k * sumDy[c] / rows);
  }
  forEachRowBlock(rows, [&](size_t first, size_t count) {
    inputGradient(dy + first * width, x + first * width, mean, up, a.data(), b.data(), d.data(), count, width, dx + first * width);
  });
}

}  // namespace re
