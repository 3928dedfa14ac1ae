// Elementwise kernels with the exact numbers of the TypeScript references in src/kernels/:
// float64 arithmetic where those do it in JavaScript numbers, one rounding per stored value.
#pragma once

#include <cstdint>

#include "pool.h"

namespace ms {

// With a buffer: buffer = momentum·buffer + keep·grad, then param -= lr·buffer (the stored,
// rounded buffer); without: param -= lr·grad. As sgdUpdateReference (src/kernels/sgd.ts).
void sgd_update(float* param, const float* grad, float* buffer, int64_t n, double lr,
                double momentum, double keep, ThreadPool& pool, int threads);

// dst = g · (out > 0 ? 1 : 0), as reluGradReference.
void relu_backward(const float* g, const float* out, float* dst, int64_t n, ThreadPool& pool,
                   int threads);

// dst += src, as addIntoReference.
void add_into(float* dst, const float* src, int64_t n, ThreadPool& pool, int threads);

}  // namespace ms
