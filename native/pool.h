// A small persistent thread pool: the calling thread and up to `threads - 1` workers take task
// indices from a shared counter. Which thread runs a task never changes what the task computes,
// so results do not depend on the thread count.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ms {

class ThreadPool {
 public:
  ThreadPool() = default;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  // Runs task(i) for every i in [0, count), on up to `threads` threads counting the caller, and
  // returns when all have finished. Workers start on the first call that needs them. Callers on
  // different threads take turns; a task must not call run.
  void run(int64_t count, int threads, const std::function<void(int64_t)>& task);

 private:
  struct Job {
    std::function<void(int64_t)> task;
    int64_t count = 0;
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> finished{0};
  };

  void work(int index);
  void drain(Job& job);

  std::vector<std::thread> workers_;
  std::mutex turn_;  // one run at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::shared_ptr<Job> job_;
  int participants_ = 0;
  uint64_t generation_ = 0;
  bool stopping_ = false;
};

}  // namespace ms
