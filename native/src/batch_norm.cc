#include "batch_norm.h"

#include <cmath>
#include <vector>

#include "parallel.h"

namespace re {
namespace {

/** Row blocks of a reduction: a fixed function of the row count. */
constexpr int kMaxBlocks = 64;

int blockCount(int rows) { return std::max(1, std::min(kMaxBlocks, rows / 64)); }

/**
 * Per-channel sums over rows: term(row pointer offset, c) summed over each block into a
 * [blocks, channels] table, then the blocks added in order into `out`.
 */
template <class Term>
void channelSums(int rows, int channels, std::vector<double>& out, Term term) {
  const int blocks = blockCount(rows);
  std::vector<double> table(static_cast<size_t>(blocks) * channels, 0.0);
  forEachTask(blocks, [&](int b) {
    double* sums = table.data() + static_cast<size_t>(b) * channels;
    for (int r = partStart(rows, blocks, b); r < partStart(rows, blocks, b + 1); r++) {
      const size_t row = static_cast<size_t>(r) * channels;
      for (int c = 0; c < channels; c++) sums[c] += term(row + c, c);
    }
  });
  out.assign(channels, 0.0);
  for (int b = 0; b < blocks; b++) {
    for (int c = 0; c < channels; c++) out[c] += table[static_cast<size_t>(b) * channels + c];
  }
}

/** Runs row(r) for every row, over the same fixed blocks as the sums. */
template <class Row>
void forEachRow(int rows, Row row) {
  const int blocks = blockCount(rows);
  forEachTask(blocks, [&](int b) {
    for (int r = partStart(rows, blocks, b); r < partStart(rows, blocks, b + 1); r++) row(static_cast<size_t>(r));
  });
}

}  // namespace

void batchNormForward(int rows, int channels, const float* x, const float* gamma, const float* beta, float epsilon,
                      float* y, float* mean, float* variance) {
  std::vector<double> sum;
  channelSums(rows, channels, sum, [&](size_t i, int) { return static_cast<double>(x[i]); });
  std::vector<double> mu(channels);
  for (int c = 0; c < channels; c++) mu[c] = sum[c] / rows;
  std::vector<double> squares;
  channelSums(rows, channels, squares, [&](size_t i, int c) {
    const double centred = x[i] - mu[c];
    return centred * centred;
  });
  std::vector<float> scale(channels);
  for (int c = 0; c < channels; c++) {
    const double var = squares[c] / rows;
    mean[c] = static_cast<float>(mu[c]);
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
  channelSums(rows, channels, sumDy, [&](size_t i, int) { return static_cast<double>(dy[i]); });
  channelSums(rows, channels, sumDyCentred,
              [&](size_t i, int c) { return static_cast<double>(dy[i]) * (static_cast<double>(x[i]) - mean[c]); });
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
