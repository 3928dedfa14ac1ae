#include "softmax.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace ms {
namespace {

#if defined(__x86_64__) && defined(__linux__)
#define MS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MS_CLONES
#endif

// e^x for x <= 0 (Cephes' expf: x = n·ln2 + r, |r| <= ln2/2, a degree-7 polynomial in r, then
// the exponent n added to the float's bits). Branch-free so that loops over it vectorise; NaN
// stays NaN.
inline float exp_nonpositive(float x) {
  const bool tiny = x < -87.3f;  // e^x below FLT_MIN: flushed to 0
  const float clamped = tiny ? -87.3f : x;
  // Rounds to the nearest integer in float arithmetic (|v| < 2^22), which vectorises anywhere.
  const float shift = 12582912.0f;  // 1.5 · 2^23
  const float n = (clamped * 1.44269504088896341f + shift) - shift;
  const float r = (clamped - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return tiny ? 0.0f : p * scale;
}

// Reductions keep kLanes partial results (one per vector lane, so loops vectorise without
// reassociating anything), combined in lane order at the end: a fixed order on every machine.
constexpr int kLanes = 16;

MS_CLONES float row_max(const float* x, int64_t n) {
  float lanes[kLanes];
  bool nan[kLanes] = {};
  std::fill(lanes, lanes + kLanes, -std::numeric_limits<float>::infinity());
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int l = 0; l < kLanes; l++) {
      const float v = x[i + l];
      lanes[l] = v > lanes[l] ? v : lanes[l];
      nan[l] |= v != v;
    }
  }
  float m = -std::numeric_limits<float>::infinity();
  bool any_nan = false;
  for (; i < n; i++) {
    m = x[i] > m ? x[i] : m;
    any_nan |= x[i] != x[i];
  }
  for (int l = 0; l < kLanes; l++) {
    m = lanes[l] > m ? lanes[l] : m;
    any_nan |= nan[l];
  }
  return any_nan ? std::numeric_limits<float>::quiet_NaN() : m;
}

// Σ a[i]·b[i] (b null: Σ a[i]) in float64.
MS_CLONES double sum_products(const float* a, const float* b, int64_t n) {
  double lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int l = 0; l < kLanes; l++) {
      lanes[l] += b ? static_cast<double>(a[i + l]) * b[i + l] : a[i + l];
    }
  }
  double sum = 0;
  for (; i < n; i++) sum += b ? static_cast<double>(a[i]) * b[i] : a[i];
  for (int l = 0; l < kLanes; l++) sum += lanes[l];
  return sum;
}

// out[i] = e^(x[i] - shift).
MS_CLONES void exp_row(const float* x, float* out, int64_t n, float shift) {
  for (int64_t i = 0; i < n; i++) out[i] = exp_nonpositive(x[i] - shift);
}

MS_CLONES void scale_row(float* out, int64_t n, float factor) {
  for (int64_t i = 0; i < n; i++) out[i] *= factor;
}

MS_CLONES void log_row(const float* x, float* out, int64_t n, double shift) {
  for (int64_t i = 0; i < n; i++) out[i] = static_cast<float>(x[i] - shift);
}

MS_CLONES void softmax_grad_row(const float* g, const float* s, float* out, int64_t n, float dot) {
  for (int64_t i = 0; i < n; i++) out[i] = s[i] * (g[i] - dot);
}

MS_CLONES void log_softmax_grad_row(const float* g, const float* y, float* out, int64_t n,
                                    float total) {
  for (int64_t i = 0; i < n; i++) out[i] = g[i] - exp_nonpositive(y[i]) * total;
}

MS_CLONES void add_row(float* out, const float* src, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] += src[i];
}

// Rows per task: about 64 Ki elements.
int64_t rows_per_task(int64_t length) {
  return std::max<int64_t>(1, 65536 / std::max<int64_t>(1, length));
}

template <typename Rows>
void split_rows(int64_t rows, int64_t length, ThreadPool& pool, int threads, const Rows& body) {
  const int64_t per = rows_per_task(length);
  const int64_t tasks = (rows + per - 1) / per;
  pool.run(tasks, tasks > 1 ? threads : 1, [&](int64_t t) {
    const int64_t from = t * per;
    body(from, std::min(rows, from + per));
  });
}

}  // namespace

void softmax_rows(const float* src, float* out, int64_t rows, int64_t length, bool log,
                  ThreadPool& pool, int threads) {
  split_rows(rows, length, pool, threads, [&](int64_t from, int64_t to) {
    for (int64_t r = from; r < to; r++) {
      const float* x = src + r * length;
      float* y = out + r * length;
      float max = row_max(x, length);
      // A row of -inf: as the reference, shift by 0 (the result is then 0/0 = NaN).
      if (max == -std::numeric_limits<float>::infinity()) max = 0.0f;
      exp_row(x, y, length, max);
      const double total = sum_products(y, nullptr, length);
      if (log) {
        log_row(x, y, length, max + std::log(total));
      } else {
        scale_row(y, length, static_cast<float>(1.0 / total));
      }
    }
  });
}

void softmax_rows_backward(const float* g, const float* y, float* out, int64_t rows,
                           int64_t length, bool log, ThreadPool& pool, int threads) {
  split_rows(rows, length, pool, threads, [&](int64_t from, int64_t to) {
    for (int64_t r = from; r < to; r++) {
      const int64_t at = r * length;
      if (log) {
        log_softmax_grad_row(g + at, y + at, out + at, length,
                             static_cast<float>(sum_products(g + at, nullptr, length)));
      } else {
        softmax_grad_row(g + at, y + at, out + at, length,
                         static_cast<float>(sum_products(g + at, y + at, length)));
      }
    }
  });
}

void column_sums(const float* src, float* out, int64_t rows, int64_t cols, ThreadPool& pool,
                 int threads) {
  // Tasks are blocks of columns, each summing its rows in order: the reference's order.
  const int64_t per = std::max<int64_t>(256, 65536 / std::max<int64_t>(1, rows)) / 16 * 16;
  const int64_t tasks = (cols + per - 1) / per;
  pool.run(tasks, tasks > 1 ? threads : 1, [&](int64_t t) {
    const int64_t from = t * per, width = std::min(cols, from + per) - from;
    std::fill(out + from, out + from + width, 0.0f);
    for (int64_t r = 0; r < rows; r++) add_row(out + from, src + r * cols + from, width);
  });
}

}  // namespace ms
