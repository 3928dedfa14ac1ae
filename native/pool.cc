#include "pool.h"

namespace ms {

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::drain(Job& job) {
  for (;;) {
    const int64_t i = job.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= job.count) return;
    job.task(i);
    if (job.finished.fetch_add(1, std::memory_order_acq_rel) + 1 == job.count) {
      // Taking the lock orders this notify after the caller's check of `finished`.
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_all();
    }
  }
}

void ThreadPool::work(int index) {
  uint64_t seen = 0;
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (index >= participants_) continue;
      job = job_;
    }
    // A worker that wakes after the others finished finds no task left: the caller never waits
    // for a worker, only for tasks, so a descheduled worker costs nothing.
    drain(*job);
  }
}

void ThreadPool::run(int64_t count, int threads, const std::function<void(int64_t)>& task) {
  if (count <= 0) return;
  const int helpers = static_cast<int>(std::min<int64_t>(threads - 1, count - 1));
  if (helpers <= 0) {
    for (int64_t i = 0; i < count; i++) task(i);
    return;
  }
  std::lock_guard<std::mutex> turn(turn_);
  auto job = std::make_shared<Job>();
  job->task = task;
  job->count = count;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (static_cast<int>(workers_.size()) < helpers) {
      const int index = static_cast<int>(workers_.size());
      workers_.emplace_back([this, index] { work(index); });
    }
    job_ = job;
    participants_ = helpers;
    generation_++;
  }
  wake_.notify_all();
  drain(*job);
  // Workers may still be running tasks: spin briefly (tasks are short), then sleep.
  for (int spin = 0; spin < 4000; spin++) {
    if (job->finished.load(std::memory_order_acquire) == count) return;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return job->finished.load(std::memory_order_acquire) == count; });
}

}  // namespace ms
