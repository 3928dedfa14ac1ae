// Single-precision GEMM: C (= or +=) op(A)·op(B), then an optional bias per column and ReLU.
// Row-major; op(A) is m×k (stored k×m when trans_a), op(B) is k×n (stored n×k when trans_b).
#pragma once

#include <cstdint>

#include "pool.h"

namespace ms {

enum class Isa { generic = 0, avx2 = 1, avx512 = 2 };

enum class Activation { none = 0, relu = 1 };

struct Gemm {
  const float* a;
  const float* b;
  float* c;
  int64_t m, k, n;
  bool trans_a, trans_b, accumulate;
  const float* bias;  // n values, or null
  Activation activation;
};

// The best instruction set this CPU and OS support.
Isa best_isa();
// The instruction set gemm uses now (best_isa() unless set_isa chose a lower one).
Isa current_isa();
// Chooses a supported instruction set (tests compare the kernels); false if unsupported.
bool set_isa(Isa isa);
const char* isa_name(Isa isa);

// Products below this many multiply-adds run on the calling thread alone.
constexpr int64_t kParallelMinWork = int64_t(128) * 128 * 128;

// Runs the product on up to `threads` threads of `pool`. Each element of C is computed by the
// same operations in the same order whatever the thread count, so results are bit-identical.
// False when the packing buffers could not be allocated (C is then unchanged).
bool gemm(const Gemm& g, ThreadPool& pool, int threads);

}  // namespace ms
