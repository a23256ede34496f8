#include "core/thread_pool.h"

namespace li {

namespace {
thread_local bool t_in_task = false;
constexpr int kSpinIterations = 4000;  // ~tens of microseconds before sleeping
}  // namespace

bool ThreadPool::in_task() { return t_in_task; }

int ThreadPool::hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : int(n);
}

ThreadPool::ThreadPool(int threads) : threads_(threads < 1 ? 1 : threads) {
  for (int i = 1; i < threads_; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    published_.store(~uint64_t(0), std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run_chunk(int chunk) {
  int64_t begin = job_n_ * chunk / job_chunks_;
  int64_t end = job_n_ * (chunk + 1) / job_chunks_;
  t_in_task = true;
  job_fn_(job_ctx_, begin, end);
  t_in_task = false;
}

void ThreadPool::run_chunks(int64_t n, int chunks, ChunkFn fn, void* ctx) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_fn_ = fn;
    job_ctx_ = ctx;
    job_n_ = n;
    job_chunks_ = chunks;
    pending_.store(chunks, std::memory_order_relaxed);
    // Release: a worker whose fetch_add reads this 0 also sees the job fields above.
    next_chunk_.store(0, std::memory_order_release);
    ++generation_;
    published_.store(generation_, std::memory_order_release);
  }
  wake_.notify_all();
  // The caller takes chunks too, so a pool of 1 worker thread plus the caller uses 2 cores.
  for (;;) {
    int c = next_chunk_.fetch_add(1, std::memory_order_acq_rel);
    if (c >= chunks) break;
    run_chunk(c);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
  for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
    if (spin < kSpinIterations) continue;
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
    break;
  }
}

void ThreadPool::worker_loop(int /*index*/) {
  uint64_t seen = 0;
  for (;;) {
    // Spin briefly for back-to-back parallel loops within a run, then sleep.
    int spin = 0;
    while (published_.load(std::memory_order_acquire) == seen && spin < kSpinIterations) ++spin;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    for (;;) {
      int c = next_chunk_.fetch_add(1, std::memory_order_acq_rel);
      if (c >= job_chunks_) break;
      run_chunk(c);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mu_);
        done_cv_.notify_all();
      }
    }
  }
}

}  // namespace li
