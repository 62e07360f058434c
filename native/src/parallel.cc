#include "parallel.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

namespace re {
namespace {

std::atomic<int> configured{0};

/** One call's tasks, shared by the threads that take part (a late thread may still hold it). */
struct Job {
  const std::function<void(int)>* body;
  int count;
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::mutex lock;
  std::condition_variable finished;
  std::exception_ptr error;

  /** Takes and runs tasks until none are left. */
  void work() {
    for (int k = next.fetch_add(1); k < count; k = next.fetch_add(1)) {
      try {
        (*body)(k);
      } catch (...) {
        std::lock_guard<std::mutex> guard(lock);
        if (!error) error = std::current_exception();
      }
      if (done.fetch_add(1) + 1 == count) {
        std::lock_guard<std::mutex> guard(lock);
        finished.notify_all();
      }
    }
  }
};

/** Pool threads wait on a condition variable between jobs; the pool lives until the process ends. */
class Pool {
 public:
  /** Runs the job with `helpers` pool threads besides the caller; false if the pool is busy. */
  bool run(const std::shared_ptr<Job>& job, int helpers) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> guard(lock_);
      for (; workers_ < helpers; workers_++) {
        const int index = workers_;
        std::thread([this, index] { loop(index); }).detach();
      }
      job_ = job;
      helpers_ = helpers;
      generation_++;
    }
    wake_.notify_all();
    job->work();
    std::unique_lock<std::mutex> wait(job->lock);
    job->finished.wait(wait, [&] { return job->done.load() == job->count; });
    return true;
  }

 private:
  [[noreturn]] void loop(int index) {
    omp_set_num_threads(1);  // oneDNN called from here must not start threads of its own
    unsigned long long seen = 0;
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> guard(lock_);
        wake_.wait(guard, [&] { return generation_ != seen; });
        seen = generation_;
        if (index < helpers_) job = job_;
      }
      if (job) job->work();
    }
  }

  std::mutex busy_;
  std::mutex lock_;
  std::condition_variable wake_;
  int workers_ = 0;
  std::shared_ptr<Job> job_;
  int helpers_ = 0;
  unsigned long long generation_ = 0;
};

Pool& pool() {
  static Pool* instance = new Pool();  // never destroyed: its threads may still wait at exit
  return *instance;
}

}  // namespace

int threadCount() {
  const int n = configured.load();
  return n > 0 ? n : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void setThreadCount(int threads) { configured.store(threads); }

void forEachTask(int count, const std::function<void(int)>& body) {
  omp_set_num_threads(1);
  auto job = std::make_shared<Job>();
  job->body = &body;
  job->count = count;
  const int helpers = std::min(count, threadCount()) - 1;
  if (helpers <= 0 || !pool().run(job, helpers)) job->work();
  if (job->error) std::rethrow_exception(job->error);
}

}  // namespace re
