#include "batch_norm.h"

#include <cmath>
#include <vector>

#include "parallel.h"

namespace re {
namespace {

/** Row blocks of the reductions and passes: a fixed function of the row count. */
constexpr int kMaxBlocks = 64;

int blockCount(int rows) { return std::max(1, std::min(kMaxBlocks, rows / 256)); }

/**
 * Two per-channel sums in one pass: first(i, c) and second(i, c) summed over the rows of each
 * block (i = row * channels + c) in double, then the blocks added in block order.
 */
template <class First, class Second>
void channelSums(int rows, int channels, First first, Second second, std::vector<double>& a, std::vector<double>& b) {
  const int blocks = blockCount(rows);
  const size_t width = static_cast<size_t>(channels);
  std::vector<double> table(2 * blocks * width, 0.0);
  forEachTask(blocks, [&](int k) {
    double* sa = table.data() + 2 * k * width;
    double* sb = sa + width;
    for (int r = partStart(rows, blocks, k); r < partStart(rows, blocks, k + 1); r++) {
      const size_t row = r * width;
      for (int c = 0; c < channels; c++) {
        sa[c] += first(row + c, c);
        sb[c] += second(row + c, c);
      }
    }
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

/** Runs row(r) for every row, over the same fixed blocks as the sums. */
template <class Row>
void forEachRow(int rows, Row row) {
  const int blocks = blockCount(rows);
  forEachTask(blocks, [&](int k) {
    for (int r = partStart(rows, blocks, k); r < partStart(rows, blocks, k + 1); r++) row(static_cast<size_t>(r));
  });
}

}  // namespace

void batchNormForward(int rows, int channels, const float* x, const float* gamma, const float* beta, float epsilon,
                      float* y, float* mean, float* variance) {
  // Sums of x - shift and its square, shifted by the first row so that the variance does not
  // come from the difference of two large numbers.
  std::vector<double> sum, squares;
  channelSums(
      rows, channels, [&](size_t i, int c) { return static_cast<double>(x[i]) - x[c]; },
      [&](size_t i, int c) {
        const double d = static_cast<double>(x[i]) - x[c];
        return d * d;
      },
      sum, squares);
  std::vector<float> scale(channels);
  for (int c = 0; c < channels; c++) {
    const double shifted = sum[c] / rows;
    const double var = std::max(0.0, squares[c] / rows - shifted * shifted);
    mean[c] = static_cast<float>(x[c] + shifted);
    variance[c] = static_cast<float>(var);
    scale[c] = static_cast<float>(gamma[c] / std::sqrt(var + epsilon));
  }
  forEachRow(rows, [&](size_t r) {
    const size_t row = r * channels;
    for (int c = 0; c < channels; c++) y[row + c] = (x[row + c] - mean[c]) * scale[c] + beta[c];
  });
}

void batchNormBackward(int rows, int channels, const float* dy, const float* x, const float* gamma, const float* mean,
                       const float* variance, float epsilon, float* dx, float* dgamma, float* dbeta) {
  std::vector<double> sumDy, sumDyCentred;
  channelSums(
      rows, channels, [&](size_t i, int) { return static_cast<double>(dy[i]); },
      [&](size_t i, int c) { return static_cast<double>(dy[i]) * (static_cast<double>(x[i]) - mean[c]); }, sumDy,
      sumDyCentred);
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
  forEachRow(rows, [&](size_t r) {
    const size_t row = r * channels;
    for (int c = 0; c < channels; c++) dx[row + c] = a[c] * dy[row + c] + b[c] * (x[row + c] - mean[c]) + d[c];
  });
}

}  // namespace re
