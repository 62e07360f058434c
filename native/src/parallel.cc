#include "parallel.h"

#include <atomic>

namespace re {

namespace {
std::atomic<int> configured{0};
int cores() {
  static const int count = omp_get_num_procs();
  return count;
}
}  // namespace

int threadCount() {
  const int n = configured.load();
  return n > 0 ? n : cores();
}

void setThreadCount(int threads) { configured.store(threads); }

}  // namespace re
