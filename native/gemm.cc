// BLIS-style SGEMM. op(A) and op(B) are packed once per call into panels of MR rows and NR
// columns, per block of KC steps of k; a register-blocked micro-kernel then computes each MR×NR
// tile of C. Every element of C is a chain of fused multiply-adds over one KC block, added to
// C block after block in order of k: tiles, tasks and threads change where that happens, never
// what is computed, so results are bit-identical whatever the thread count.
#include "gemm.h"

#include "scratch.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#if defined(__x86_64__)
#include <immintrin.h>
#define MS_X86 1
#endif

namespace ms {
namespace {

#define MS_INLINE inline __attribute__((always_inline))
#define MS_UNROLL _Pragma("GCC unroll 64")

using Micro = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                       int rows, int cols, bool load_c, const float* bias, bool relu);
using Pack = void (*)(const float* src, int64_t ld, bool contiguous, int64_t count, int64_t kc,
                      float* dst);

struct KernelSet {
  int mr, nr;
  int64_t kc;
  Micro micro;
  Pack pack_a, pack_b;
};

// relu keeps NaN as NaN (as torch.relu) and turns -0 into +0 (as Math.max(v, 0) in the
// TypeScript kernels).
MS_INLINE float relu_of(float v) { return (v > 0.0f || v != v) ? v : 0.0f; }

// C = [C +] acc [+ bias] [then ReLU] for the first rows×cols of an MR×NR tile held in memory;
// the same operations, in the same order, as the vector epilogues of full tiles.
template <int MR, int NR>
MS_INLINE void store_tile(const float* acc, float* c, int64_t ldc, int rows, int cols,
                          bool load_c, const float* bias, bool relu) {
  for (int i = 0; i < rows; i++) {
    for (int j = 0; j < cols; j++) {
      float v = acc[i * NR + j];
      if (load_c) v = c[i * ldc + j] + v;
      if (bias) v = v + bias[j];
      if (relu) v = relu_of(v);
      c[i * ldc + j] = v;
    }
  }
}

#if MS_X86
// dst[j * dst_ld + x] = src[x * ld + j] for an 8×8 block: eight row loads, three shuffle stages.
__attribute__((target("avx2"))) void transpose8(const float* src, int64_t ld, float* dst,
                                               int64_t dst_ld) {
  __m256 r[8], t[8], u[8];
  MS_UNROLL for (int x = 0; x < 8; x++) r[x] = _mm256_loadu_ps(src + x * ld);
  MS_UNROLL for (int x = 0; x < 8; x += 2) {
    t[x] = _mm256_unpacklo_ps(r[x], r[x + 1]);
    t[x + 1] = _mm256_unpackhi_ps(r[x], r[x + 1]);
  }
  MS_UNROLL for (int h = 0; h < 8; h += 4) {
    u[h] = _mm256_shuffle_ps(t[h], t[h + 2], 0x44);
    u[h + 1] = _mm256_shuffle_ps(t[h], t[h + 2], 0xEE);
    u[h + 2] = _mm256_shuffle_ps(t[h + 1], t[h + 3], 0x44);
    u[h + 3] = _mm256_shuffle_ps(t[h + 1], t[h + 3], 0xEE);
  }
  MS_UNROLL for (int j = 0; j < 4; j++) {
    _mm256_storeu_ps(dst + j * dst_ld, _mm256_permute2f128_ps(u[j], u[j + 4], 0x20));
    _mm256_storeu_ps(dst + (j + 4) * dst_ld, _mm256_permute2f128_ps(u[j], u[j + 4], 0x31));
  }
}
#endif

// Steps of k per pass of a transposing pack: one 64-byte cache line of every source vector, used
// whole before moving on. (Vectors a power-of-two apart share a cache set: taking one float of
// each per step would evict each line before its next float is read.)
constexpr int64_t kLineFloats = 16;

// Packs `count` vectors of op(X), each of length kc, into slivers of W vectors: sliver s holds
// kc groups of W floats at dst + s * W * kc, zero-filled beyond count. Vector x, step p is
// src[p * ld + x] when contiguous, else src[x * ld + p]. kSimd: transpose 8×8 blocks with AVX.
template <int W, bool kSimd>
MS_INLINE void pack_slivers(const float* src, int64_t ld, bool contiguous, int64_t count,
                            int64_t kc, float* dst) {
  const int64_t slivers = (count + W - 1) / W;
  if (contiguous) {
    // Step by step across all slivers, so each source row is read once, in order.
    for (int64_t p = 0; p < kc; p++) {
      const float* row = src + p * ld;
      for (int64_t s = 0; s < slivers; s++) {
        float* out = dst + s * W * kc + p * W;
        const int64_t x0 = s * W;
        if (x0 + W <= count) {
          std::memcpy(out, row + x0, W * sizeof(float));
        } else {
          for (int x = 0; x < W; x++) out[x] = x0 + x < count ? row[x0 + x] : 0.0f;
        }
      }
    }
    return;
  }
  for (int64_t s = 0; s < slivers; s++) {
    const float* in = src + s * W * ld;
    float* out = dst + s * W * kc;
    const int64_t width = std::min<int64_t>(W, count - s * W);
    int64_t p0 = 0;
#if MS_X86
    if constexpr (kSimd && W % 8 == 0) {
      if (width == W) {
        for (; p0 + kLineFloats <= kc; p0 += kLineFloats) {
          for (int x = 0; x < W; x += 8) {
            for (int64_t q = 0; q < kLineFloats; q += 8) {
              transpose8(in + x * ld + p0 + q, ld, out + (p0 + q) * W + x, W);
            }
          }
        }
      }
    }
#endif
    for (; p0 < kc; p0 += kLineFloats) {
      const int64_t steps = std::min(kLineFloats, kc - p0);
      for (int64_t x = 0; x < width; x++) {
        const float* v = in + x * ld + p0;
        for (int64_t q = 0; q < steps; q++) out[(p0 + q) * W + x] = v[q];
      }
      for (int64_t x = width; x < W; x++) {
        for (int64_t q = 0; q < steps; q++) out[(p0 + q) * W + x] = 0.0f;
      }
    }
  }
}

// ---- Portable kernel: plain loops the compiler vectorises for the baseline ISA (SSE2 on
// x86-64); multiply and add round separately.

constexpr int kGenericMr = 4;
constexpr int kGenericNr = 8;

void micro_generic(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int rows,
                   int cols, bool load_c, const float* bias, bool relu) {
  constexpr int MR = kGenericMr, NR = kGenericNr;
  float acc[MR * NR] = {};
  for (int64_t p = 0; p < kc; p++) {
    for (int i = 0; i < MR; i++) {
      const float ai = a[p * MR + i];
      for (int j = 0; j < NR; j++) acc[i * NR + j] += ai * b[p * NR + j];
    }
  }
  store_tile<MR, NR>(acc, c, ldc, rows, cols, load_c, bias, relu);
}

void pack_generic_a(const float* src, int64_t ld, bool contiguous, int64_t count, int64_t kc,
                    float* dst) {
  pack_slivers<kGenericMr, false>(src, ld, contiguous, count, kc, dst);
}
void pack_generic_b(const float* src, int64_t ld, bool contiguous, int64_t count, int64_t kc,
                    float* dst) {
  pack_slivers<kGenericNr, false>(src, ld, contiguous, count, kc, dst);
}

#if MS_X86

// ---- AVX2 + FMA: a 6×16 tile in 12 ymm accumulators.

constexpr int kAvx2Mr = 6;
constexpr int kAvx2Nv = 2;  // 8-float vectors per tile row

__attribute__((target("avx2,fma"))) void micro_avx2(int64_t kc, const float* a, const float* b,
                                                     float* c, int64_t ldc, int rows, int cols,
                                                     bool load_c, const float* bias, bool relu) {
  constexpr int MR = kAvx2Mr, NV = kAvx2Nv, NR = NV * 8;
  // C is read after the k loop: fetching it now hides the cache misses behind the FMAs.
  MS_UNROLL for (int i = 0; i < MR; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
  __m256 acc[MR][NV];
  MS_UNROLL for (int i = 0; i < MR; i++) {
    MS_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < kc; p++) {
    __m256 bv[NV];
    MS_UNROLL for (int v = 0; v < NV; v++) bv[v] = _mm256_load_ps(b + v * 8);
    MS_UNROLL for (int i = 0; i < MR; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      MS_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }
  if (rows == MR && cols == NR) {
    const __m256 zero = _mm256_setzero_ps();
    MS_UNROLL for (int i = 0; i < MR; i++) {
      MS_UNROLL for (int v = 0; v < NV; v++) {
        float* cp = c + i * ldc + v * 8;
        __m256 x = acc[i][v];
        if (load_c) x = _mm256_add_ps(_mm256_loadu_ps(cp), x);
        if (bias) x = _mm256_add_ps(x, _mm256_loadu_ps(bias + v * 8));
        if (relu) x = _mm256_and_ps(x, _mm256_cmp_ps(x, zero, _CMP_NLE_UQ));
        _mm256_storeu_ps(cp, x);
      }
    }
    return;
  }
  alignas(64) float tmp[MR * NR];
  MS_UNROLL for (int i = 0; i < MR; i++) {
    MS_UNROLL for (int v = 0; v < NV; v++) _mm256_store_ps(tmp + i * NR + v * 8, acc[i][v]);
  }
  store_tile<MR, NR>(tmp, c, ldc, rows, cols, load_c, bias, relu);
}

__attribute__((target("avx2,fma"))) void pack_avx2_a(const float* src, int64_t ld,
                                                      bool contiguous, int64_t count, int64_t kc,
                                                      float* dst) {
  pack_slivers<kAvx2Mr, true>(src, ld, contiguous, count, kc, dst);
}
__attribute__((target("avx2,fma"))) void pack_avx2_b(const float* src, int64_t ld,
                                                      bool contiguous, int64_t count, int64_t kc,
                                                      float* dst) {
  pack_slivers<kAvx2Nv * 8, true>(src, ld, contiguous, count, kc, dst);
}

// ---- AVX-512: an 8×32 tile in 16 zmm accumulators.

constexpr int kAvx512Mr = 8;
constexpr int kAvx512Nv = 2;  // 16-float vectors per tile row

__attribute__((target("avx512f"))) void micro_avx512(int64_t kc, const float* a, const float* b,
                                                     float* c, int64_t ldc, int rows, int cols,
                                                     bool load_c, const float* bias, bool relu) {
  constexpr int MR = kAvx512Mr, NV = kAvx512Nv, NR = NV * 16;
  // C is read after the k loop: fetching it now hides the cache misses behind the FMAs.
  MS_UNROLL for (int i = 0; i < MR; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
  __m512 acc[MR][NV];
  MS_UNROLL for (int i = 0; i < MR; i++) {
    MS_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < kc; p++) {
    __m512 bv[NV];
    MS_UNROLL for (int v = 0; v < NV; v++) bv[v] = _mm512_load_ps(b + v * 16);
    MS_UNROLL for (int i = 0; i < MR; i++) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      MS_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }
  if (rows == MR && cols == NR) {
    const __m512 zero = _mm512_setzero_ps();
    MS_UNROLL for (int i = 0; i < MR; i++) {
      MS_UNROLL for (int v = 0; v < NV; v++) {
        float* cp = c + i * ldc + v * 16;
        __m512 x = acc[i][v];
        if (load_c) x = _mm512_add_ps(_mm512_loadu_ps(cp), x);
        if (bias) x = _mm512_add_ps(x, _mm512_loadu_ps(bias + v * 16));
        if (relu) x = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, zero, _CMP_NLE_UQ), x);
        _mm512_storeu_ps(cp, x);
      }
    }
    return;
  }
  alignas(64) float tmp[MR * NR];
  MS_UNROLL for (int i = 0; i < MR; i++) {
    MS_UNROLL for (int v = 0; v < NV; v++) _mm512_store_ps(tmp + i * NR + v * 16, acc[i][v]);
  }
  store_tile<MR, NR>(tmp, c, ldc, rows, cols, load_c, bias, relu);
}

__attribute__((target("avx512f"))) void pack_avx512_a(const float* src, int64_t ld,
                                                      bool contiguous, int64_t count, int64_t kc,
                                                      float* dst) {
  pack_slivers<kAvx512Mr, true>(src, ld, contiguous, count, kc, dst);
}
__attribute__((target("avx512f"))) void pack_avx512_b(const float* src, int64_t ld,
                                                      bool contiguous, int64_t count, int64_t kc,
                                                      float* dst) {
  pack_slivers<kAvx512Nv * 16, true>(src, ld, contiguous, count, kc, dst);
}

#endif  // MS_X86

const KernelSet& kernels_for(Isa isa) {
  static const KernelSet generic{kGenericMr, kGenericNr, 256, micro_generic, pack_generic_a,
                                 pack_generic_b};
#if MS_X86
  static const KernelSet avx2{kAvx2Mr, kAvx2Nv * 8, 256, micro_avx2, pack_avx2_a, pack_avx2_b};
  static const KernelSet avx512{kAvx512Mr, kAvx512Nv * 16, 256, micro_avx512, pack_avx512_a,
                                pack_avx512_b};
  if (isa == Isa::avx512) return avx512;
  if (isa == Isa::avx2) return avx2;
#endif
  return generic;
}

Isa detect() {
#if MS_X86
  __builtin_cpu_init();
  // libgcc's checks include the OS saving the wider registers (XCR0).
  if (__builtin_cpu_supports("avx512f")) return Isa::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
#endif
  return Isa::generic;
}

std::atomic<int> chosen_isa{-1};

// One product at a time: the scratch buffers and the pool are shared (N-API calls from several
// worker_threads would otherwise race).
std::mutex gemm_mutex;
Scratch scratch_a, scratch_b;

// A packed operand larger than this many floats is packed and used in chunks.
constexpr int64_t kPackLimit = int64_t(4) << 20;

int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }
int64_t ceil_div(int64_t x, int64_t to) { return (x + to - 1) / to; }

// k == 0: C = [C] [+ bias] [then ReLU].
void epilogue_only(const Gemm& g) {
  const bool relu = g.activation == Activation::relu;
  if (!g.accumulate && !g.bias && !relu) {
    std::fill(g.c, g.c + g.m * g.n, 0.0f);
    return;
  }
  for (int64_t i = 0; i < g.m; i++) {
    float* row = g.c + i * g.n;
    for (int64_t j = 0; j < g.n; j++) {
      float v = g.accumulate ? row[j] : 0.0f;
      if (g.bias) v = v + g.bias[j];
      if (relu) v = relu_of(v);
      row[j] = v;
    }
  }
}

}  // namespace

Isa best_isa() {
  static const Isa best = detect();
  return best;
}

Isa current_isa() {
  const int isa = chosen_isa.load(std::memory_order_relaxed);
  return isa < 0 ? best_isa() : static_cast<Isa>(isa);
}

bool set_isa(Isa isa) {
  if (static_cast<int>(isa) > static_cast<int>(best_isa())) return false;
  chosen_isa.store(static_cast<int>(isa), std::memory_order_relaxed);
  return true;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512:
      return "avx512";
    case Isa::avx2:
      return "avx2";
    default:
      return "generic";
  }
}

bool gemm(const Gemm& g, ThreadPool& pool, int threads) {
  if (g.m <= 0 || g.n <= 0) return true;
  if (g.k <= 0) {
    epilogue_only(g);
    return true;
  }
  const KernelSet& ks = kernels_for(current_isa());
  const int64_t MR = ks.mr, NR = ks.nr, KC = ks.kc;
  const int64_t m = g.m, k = g.k, n = g.n;
  if (m * k * n < kParallelMinWork) threads = 1;
  const bool relu = g.activation == Activation::relu;

  std::lock_guard<std::mutex> lock(gemm_mutex);
  const int64_t rows_chunk = std::min(round_up(m, MR), std::max(MR, kPackLimit / k / MR * MR));
  const int64_t cols_chunk = std::min(round_up(n, NR), std::max(NR, kPackLimit / k / NR * NR));
  float* const pa = scratch_a.reserve(rows_chunk * k);
  float* const pb = scratch_b.reserve(cols_chunk * k);
  if (!pa || !pb) return false;
  const int64_t blocks = ceil_div(k, KC);

  for (int64_t j0 = 0; j0 < n; j0 += cols_chunk) {
    const int64_t nc = std::min(cols_chunk, n - j0);
    const int64_t ncp = round_up(nc, NR);
    const int64_t b_slivers = ncp / NR;
    for (int64_t i0 = 0; i0 < m; i0 += rows_chunk) {
      const int64_t mc = std::min(rows_chunk, m - i0);
      const int64_t mcp = round_up(mc, MR);
      const int64_t a_slivers = mcp / MR;
      const bool pack_b = i0 == 0;
      // With a single chunk of rows, the packed A of the previous column chunk is still valid.
      const bool pack_a = j0 == 0 || mc < m;

      // Packing: one task per KC block and group of slivers (B only for the first row chunk).
      constexpr int64_t kSliversPerTask = 8;
      const int64_t a_groups = pack_a ? ceil_div(a_slivers, kSliversPerTask) : 0;
      const int64_t b_groups = pack_b ? ceil_div(b_slivers, kSliversPerTask) : 0;
      pool.run(blocks * (a_groups + b_groups), threads, [&](int64_t task) {
        const int64_t block = task / (a_groups + b_groups);
        const int64_t group = task % (a_groups + b_groups);
        const int64_t p0 = block * KC;
        const int64_t kcb = std::min(KC, k - p0);
        if (group < a_groups) {
          const int64_t s0 = group * kSliversPerTask;
          const int64_t i = i0 + s0 * MR;
          const float* src = g.trans_a ? g.a + p0 * m + i : g.a + i * k + p0;
          ks.pack_a(src, g.trans_a ? m : k, g.trans_a, std::min(kSliversPerTask * MR, mc - s0 * MR),
                    kcb, pa + p0 * mcp + s0 * MR * kcb);
          return;
        }
        const int64_t s0 = (group - a_groups) * kSliversPerTask;
        const int64_t j = j0 + s0 * NR;
        const float* src = g.trans_b ? g.b + j * k + p0 : g.b + p0 * n + j;
        ks.pack_b(src, g.trans_b ? k : n, !g.trans_b, std::min(kSliversPerTask * NR, nc - s0 * NR),
                  kcb, pb + p0 * ncp + s0 * NR * kcb);
      });

      // Compute: tasks are blocks of rows × columns of this chunk of C. A block's rows of packed
      // A (≤ 256 × KC floats) stay in L2 while its columns' slivers of B stream past.
      int64_t row_slivers = std::min(a_slivers, std::max<int64_t>(1, 256 / MR));
      int64_t col_slivers = b_slivers;
      if (threads > 1) {
        // Enough tasks that a late or descheduled thread leaves the rest to the others.
        const int64_t wanted = 4 * threads;
        while (ceil_div(a_slivers, row_slivers) * ceil_div(b_slivers, col_slivers) < wanted) {
          if (col_slivers > 2) {
            col_slivers = ceil_div(col_slivers, 2);
          } else if (row_slivers > 1) {
            row_slivers = ceil_div(row_slivers, 2);
          } else {
            break;
          }
        }
      }
      const int64_t row_tasks = ceil_div(a_slivers, row_slivers);
      const int64_t col_tasks = ceil_div(b_slivers, col_slivers);
      pool.run(row_tasks * col_tasks, threads, [&](int64_t task) {
        const int64_t s0 = (task % row_tasks) * row_slivers;
        const int64_t s1 = std::min(a_slivers, s0 + row_slivers);
        const int64_t t0 = (task / row_tasks) * col_slivers;
        const int64_t t1 = std::min(b_slivers, t0 + col_slivers);
        for (int64_t block = 0; block < blocks; block++) {
          const int64_t p0 = block * KC;
          const int64_t kcb = std::min(KC, k - p0);
          const bool load_c = g.accumulate || block > 0;
          const bool last = block == blocks - 1;
          for (int64_t t = t0; t < t1; t++) {
            const int64_t j = t * NR;
            const float* bs = pb + p0 * ncp + t * NR * kcb;
            const float* bias = last && g.bias ? g.bias + j0 + j : nullptr;
            for (int64_t s = s0; s < s1; s++) {
              const int64_t i = s * MR;
              ks.micro(kcb, pa + p0 * mcp + s * MR * kcb, bs, g.c + (i0 + i) * n + j0 + j, n,
                       static_cast<int>(std::min(MR, mc - i)),
                       static_cast<int>(std::min(NR, nc - j)), load_c, bias, last && relu);
            }
          }
        }
      });
    }
  }
  return true;
}

}  // namespace ms
