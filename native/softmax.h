// Softmax and log-softmax over the last axis of a [rows, length] array, and their gradients.
// exp is a float32 polynomial (within about 1 ulp; results below 1.2e-38 flush to 0), the sums
// are float64: within float32 rounding of the float64 references in src/kernels/softmax.ts.
#pragma once

#include <cstdint>

#include "pool.h"

namespace ms {

// out = softmax(src) (log_softmax with `log`) of each row.
void softmax_rows(const float* src, float* out, int64_t rows, int64_t length, bool log,
                  ThreadPool& pool, int threads);

// Softmax: out = s · (g − Σ g·s); log-softmax (`log`, y the output): out = g − exp(y) · Σ g.
void softmax_rows_backward(const float* g, const float* y, float* out, int64_t rows,
                           int64_t length, bool log, ThreadPool& pool, int threads);

// out[j] = Σ_i src[i·cols + j], summed in row order in float32, as sumAxis over axis 0.
void column_sums(const float* src, float* out, int64_t rows, int64_t cols, ThreadPool& pool,
                 int threads);

}  // namespace ms
