#include "elementwise.h"

#include <algorithm>

namespace ms {
namespace {

// GCC compiles each loop for AVX-512, AVX2 and the baseline, and picks one at load time.
#if defined(__x86_64__) && defined(__linux__)
#define MS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MS_CLONES
#endif

MS_CLONES void sgd_plain(float* param, const float* grad, int64_t n,
                         double lr) {
  for (int64_t i = 0; i < n; i++) {
    param[i] = static_cast<float>(static_cast<double>(param[i]) - lr * grad[i]);
  }
}

MS_CLONES void sgd_momentum(float* param, const float* grad,
                            float* buffer, int64_t n, double lr, double momentum,
                            double keep) {
  for (int64_t i = 0; i < n; i++) {
    const float b = static_cast<float>(momentum * buffer[i] + keep * grad[i]);
    buffer[i] = b;
    param[i] = static_cast<float>(static_cast<double>(param[i]) - lr * b);
  }
}

MS_CLONES void relu_backward_range(const float* g, const float* out,
                                   float* dst, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] = g[i] * (out[i] > 0.0f ? 1.0f : 0.0f);
}

MS_CLONES void add_into_range(float* dst, const float* src, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] += src[i];
}

// Elements per task: about 20-60 µs of memory traffic. Below two tasks' worth a call stays on
// the calling thread.
constexpr int64_t kTaskElements = 65536;

template <typename Range>
void split(int64_t n, ThreadPool& pool, int threads, const Range& range) {
  if (n < 2 * kTaskElements || threads <= 1) {
    range(0, n);
    return;
  }
  const int64_t tasks = (n + kTaskElements - 1) / kTaskElements;
  pool.run(tasks, threads, [&](int64_t t) {
    const int64_t from = t * kTaskElements;
    range(from, std::min(n, from + kTaskElements));
  });
}

}  // namespace

void sgd_update(float* param, const float* grad, float* buffer, int64_t n, double lr,
                double momentum, double keep, ThreadPool& pool, int threads) {
  split(n, pool, threads, [&](int64_t from, int64_t to) {
    if (buffer) {
      sgd_momentum(param + from, grad + from, buffer + from, to - from, lr, momentum, keep);
    } else {
      sgd_plain(param + from, grad + from, to - from, lr);
    }
  });
}

void relu_backward(const float* g, const float* out, float* dst, int64_t n, ThreadPool& pool,
                   int threads) {
  split(n, pool, threads, [&](int64_t from, int64_t to) {
    relu_backward_range(g + from, out + from, dst + from, to - from);
  });
}

void add_into(float* dst, const float* src, int64_t n, ThreadPool& pool, int threads) {
  split(n, pool, threads,
        [&](int64_t from, int64_t to) { add_into_range(dst + from, src + from, to - from); });
}

}  // namespace ms
