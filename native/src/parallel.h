// Fixed-partition parallel loops: work is cut into tasks by the shape alone, tasks run on up to
// threadCount() OpenMP threads, and each task runs single-threaded, so results do not depend on
// the number of threads.
#pragma once
#include <omp.h>

#include <algorithm>
#include <exception>
#include <mutex>

namespace re {

/** Threads the kernels use; 0 until set, meaning every core OpenMP reports. */
int threadCount();
void setThreadCount(int threads);

/** Start of part `k` when `total` items are cut into `parts` near-equal consecutive parts. */
inline int partStart(int total, int parts, int k) {
  return static_cast<int>(static_cast<long long>(total) * k / parts);
}

/**
 * Runs body(k) for every k in [0, count), tasks handed out one at a time to up to threadCount()
 * threads. oneDNN primitives called inside run on one thread (the ICV is 1 there). The first
 * exception thrown by a task is rethrown here once all tasks have stopped.
 */
template <class Body>
void forEachTask(int count, Body body) {
  omp_set_num_threads(1);
  const int threads = std::min(count, threadCount());
  if (threads <= 1) {
    for (int k = 0; k < count; k++) body(k);
    return;
  }
  std::exception_ptr error;
  std::mutex lock;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int k = 0; k < count; k++) {
    try {
      body(k);
    } catch (...) {
      std::lock_guard<std::mutex> guard(lock);
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace re
