// Fixed-partition parallel loops on a small thread pool: work is cut into tasks by the shape alone,
// each task runs on one thread from start to end, and tasks never share outputs, so results do not
// depend on the number of threads. The calling thread takes tasks too and waits only for tasks
// that have started: a pool thread that the OS has not scheduled yet finds no work left and costs
// nothing, so a busy machine degrades towards one-thread speed instead of stalling at a barrier.
#pragma once

#include <functional>

namespace re {

/** Threads the kernels use (the caller included); every core until set. */
int threadCount();
void setThreadCount(int threads);

/** Start of part `k` when `total` items are cut into `parts` near-equal consecutive parts. */
inline int partStart(int total, int parts, int k) {
  return static_cast<int>(static_cast<long long>(total) * k / parts);
}

/**
 * Runs body(k) for every k in [0, count) on up to threadCount() threads and returns when all have
 * finished; the first exception a task throws is rethrown here. While another call holds the pool
 * (a second JS thread), this one runs its tasks on the calling thread.
 */
void forEachTask(int count, const std::function<void(int)>& body);

}  // namespace re
