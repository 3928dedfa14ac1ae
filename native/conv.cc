// Convolution as GEMM. For a group g and a chunk of images, im2col lays the receptive fields out
// as columns, col [K = cg·kh·kw, images·oh·ow], and then
//   forward:          out_g  = weight_g · col                       (+ bias per channel)
//   input gradient:   dcol   = weight_gᵀ · grad_out_g, then col2im sums dcol back into grad_x
//   weight gradient:  dw_g  += grad_out_g · colᵀ, chunk after chunk
// Chunks hold enough images for a wide product and at most kColLimit floats of columns; they
// depend on the sizes only, and every other step is split into tasks that write disjoint data,
// so results do not depend on the thread count. A 1×1 convolution with stride 1 and no padding
// uses the input as its columns.
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "gemm.h"
#include "scratch.h"

namespace ms {
namespace {

constexpr int64_t kColLimit = int64_t(4) << 20;
// Columns per product worth batching images for.
constexpr int64_t kWideColumns = 4096;

std::mutex conv_mutex;
Scratch col_buffer, product_buffer;

struct Shape {
  int64_t cg, ocg, k, p, oh, ow;
  bool direct;  // 1×1, stride 1, no padding: the input is the column matrix
};

Shape shape_of(const ConvGeometry& g) {
  Shape s{};
  s.cg = g.c / g.groups;
  s.ocg = g.oc / g.groups;
  s.k = s.cg * g.kh * g.kw;
  s.oh = g.oh();
  s.ow = g.ow();
  s.p = s.oh * s.ow;
  s.direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pb == 0 &&
             g.pl == 0 && g.pr == 0;
  return s;
}

// Images per chunk: enough for kWideColumns columns, within kColLimit floats of columns.
int64_t chunk_images(const ConvGeometry& g, const Shape& s) {
  if (s.direct) return 1;
  const int64_t wide = (kWideColumns + s.p - 1) / s.p;
  const int64_t fits = std::max<int64_t>(1, kColLimit / std::max<int64_t>(1, s.k * s.p));
  return std::max<int64_t>(1, std::min({g.n, wide, fits}));
}

// The output columns [lo, hi) whose input column x0 + ox * stride lies inside [0, width).
void inside(int64_t x0, int64_t stride, int64_t width, int64_t outs, int64_t* lo, int64_t* hi) {
  *lo = x0 >= 0 ? 0 : std::min(outs, (-x0 + stride - 1) / stride);
  *hi = x0 >= width ? 0 : std::min(outs, (width - 1 - x0) / stride + 1);
  if (*hi < *lo) *hi = *lo;
}

// Columns of image n (channels of group gi) into col at column offset `at`, row stride ld.
void im2col_channel(const ConvGeometry& g, const Shape& s, const float* x, int64_t n, int64_t gi,
                    int64_t cgi, float* col, int64_t ld, int64_t at) {
  const float* plane = x + ((n * g.c) + gi * s.cg + cgi) * g.h * g.w;
  for (int64_t ki = 0; ki < g.kh; ki++) {
    for (int64_t kj = 0; kj < g.kw; kj++) {
      float* dst = col + ((cgi * g.kh + ki) * g.kw + kj) * ld + at;
      const int64_t x0 = kj * g.dw - g.pl;  // input column of output column 0
      int64_t lo, hi;
      inside(x0, g.sw, g.w, s.ow, &lo, &hi);
      for (int64_t oy = 0; oy < s.oh; oy++) {
        const int64_t iy = oy * g.sh - g.pt + ki * g.dh;
        float* row = dst + oy * s.ow;
        if (iy < 0 || iy >= g.h) {
          std::fill(row, row + s.ow, 0.0f);
          continue;
        }
        const float* src = plane + iy * g.w + x0;
        std::fill(row, row + lo, 0.0f);
        if (g.sw == 1) {
          std::memcpy(row + lo, src + lo, (hi - lo) * sizeof(float));
        } else {
          for (int64_t ox = lo; ox < hi; ox++) row[ox] = src[ox * g.sw];
        }
        std::fill(row + hi, row + s.ow, 0.0f);
      }
    }
  }
}

// grad_x plane of image n, channel (gi, cgi) (= or +=) the sum of its entries in dcol.
void col2im_channel(const ConvGeometry& g, const Shape& s, const float* dcol, int64_t ld,
                    int64_t at, int64_t n, int64_t gi, int64_t cgi, float* grad_x,
                    bool accumulate) {
  float* plane = grad_x + ((n * g.c) + gi * s.cg + cgi) * g.h * g.w;
  if (!accumulate) std::fill(plane, plane + g.h * g.w, 0.0f);
  for (int64_t ki = 0; ki < g.kh; ki++) {
    for (int64_t kj = 0; kj < g.kw; kj++) {
      const float* src = dcol + ((cgi * g.kh + ki) * g.kw + kj) * ld + at;
      const int64_t x0 = kj * g.dw - g.pl;
      int64_t lo, hi;
      inside(x0, g.sw, g.w, s.ow, &lo, &hi);
      for (int64_t oy = 0; oy < s.oh; oy++) {
        const int64_t iy = oy * g.sh - g.pt + ki * g.dh;
        if (iy < 0 || iy >= g.h) continue;
        float* dst = plane + iy * g.w + x0;
        const float* row = src + oy * s.ow;
        for (int64_t ox = lo; ox < hi; ox++) dst[ox * g.sw] += row[ox];
      }
    }
  }
}

// The columns of images [n0, n0 + nb) for group gi: the input itself when direct (nb = 1).
const float* columns(const ConvGeometry& g, const Shape& s, const float* x, int64_t n0,
                     int64_t nb, int64_t gi, float* col, ThreadPool& pool, int threads) {
  if (s.direct) return x + (n0 * g.c + gi * s.cg) * s.p;
  const int64_t ld = nb * s.p;
  pool.run(nb * s.cg, threads, [&](int64_t task) {
    const int64_t image = task / s.cg;
    im2col_channel(g, s, x, n0 + image, gi, task % s.cg, col, ld, image * s.p);
  });
  return col;
}

Gemm product(const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n,
             bool trans_a, bool trans_b, bool accumulate) {
  Gemm p{};
  p.a = a;
  p.b = b;
  p.c = c;
  p.m = m;
  p.k = k;
  p.n = n;
  p.trans_a = trans_a;
  p.trans_b = trans_b;
  p.accumulate = accumulate;
  p.bias = nullptr;
  p.activation = Activation::none;
  return p;
}

}  // namespace

const char* ConvGeometry::invalid() const {
  if (n < 0 || c < 1 || h < 1 || w < 1 || oc < 1 || kh < 1 || kw < 1) {
    return "sizes must be >= 1 (batch >= 0)";
  }
  if (sh < 1 || sw < 1 || dh < 1 || dw < 1) return "stride and dilation must be >= 1";
  if (pt < 0 || pb < 0 || pl < 0 || pr < 0) return "padding must be >= 0";
  if (groups < 1 || c % groups != 0 || oc % groups != 0) {
    return "groups must divide both the input and the output channels";
  }
  if (h + pt + pb < dh * (kh - 1) + 1 || w + pl + pr < dw * (kw - 1) + 1) {
    return "the (dilated) kernel is larger than the padded input";
  }
  return nullptr;
}

bool conv2d_forward(const ConvGeometry& g, const float* x, const float* weight, const float* bias,
                    float* out, ThreadPool& pool, int threads) {
  const Shape s = shape_of(g);
  std::lock_guard<std::mutex> lock(conv_mutex);
  const int64_t chunk = chunk_images(g, s);
  float* col = s.direct ? nullptr : col_buffer.reserve(s.k * chunk * s.p);
  // With one image per chunk the product's rows are rows of out; otherwise they are gathered.
  float* wide = chunk > 1 ? product_buffer.reserve(s.ocg * chunk * s.p) : nullptr;
  if ((!s.direct && !col) || (chunk > 1 && !wide)) return false;
  for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - n0);
    for (int64_t gi = 0; gi < g.groups; gi++) {
      const float* cols = columns(g, s, x, n0, nb, gi, col, pool, threads);
      float* c = chunk > 1 ? wide : out + (n0 * g.oc + gi * s.ocg) * s.p;
      if (!gemm(product(weight + gi * s.ocg * s.k, cols, c, s.ocg, s.k, nb * s.p, false, false,
                        false),
                pool, threads)) {
        return false;
      }
      if (chunk == 1 && !bias) continue;
      // Rows of the product into out (and the bias added), one task per image and channel.
      pool.run(nb * s.ocg, threads, [&](int64_t task) {
        const int64_t image = task / s.ocg, o = task % s.ocg;
        float* dst = out + ((n0 + image) * g.oc + gi * s.ocg + o) * s.p;
        const float* src = chunk > 1 ? wide + o * nb * s.p + image * s.p : dst;
        const float b = bias ? bias[gi * s.ocg + o] : 0.0f;
        if (bias) {
          for (int64_t i = 0; i < s.p; i++) dst[i] = src[i] + b;
        } else {
          std::memcpy(dst, src, s.p * sizeof(float));
        }
      });
    }
  }
  return true;
}

bool conv2d_backward_input(const ConvGeometry& g, const float* grad_out, const float* weight,
                           float* grad_x, bool accumulate, ThreadPool& pool, int threads) {
  const Shape s = shape_of(g);
  std::lock_guard<std::mutex> lock(conv_mutex);
  const int64_t chunk = chunk_images(g, s);
  float* dcol = s.direct ? nullptr : col_buffer.reserve(s.k * chunk * s.p);
  float* wide = chunk > 1 ? product_buffer.reserve(s.ocg * chunk * s.p) : nullptr;
  if ((!s.direct && !dcol) || (chunk > 1 && !wide)) return false;
  for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - n0);
    for (int64_t gi = 0; gi < g.groups; gi++) {
      const float* go = grad_out + (n0 * g.oc + gi * s.ocg) * s.p;
      if (chunk > 1) {
        // grad_out rows of the chunk side by side: [ocg, nb·p].
        pool.run(nb * s.ocg, threads, [&](int64_t task) {
          const int64_t image = task / s.ocg, o = task % s.ocg;
          std::memcpy(wide + o * nb * s.p + image * s.p,
                      grad_out + ((n0 + image) * g.oc + gi * s.ocg + o) * s.p,
                      s.p * sizeof(float));
        });
        go = wide;
      }
      const float* w = weight + gi * s.ocg * s.k;
      if (s.direct) {
        float* dx = grad_x + (n0 * g.c + gi * s.cg) * s.p;
        if (!gemm(product(w, go, dx, s.k, s.ocg, s.p, true, false, accumulate), pool, threads)) {
          return false;
        }
        continue;
      }
      if (!gemm(product(w, go, dcol, s.k, s.ocg, nb * s.p, true, false, false), pool, threads)) {
        return false;
      }
      pool.run(nb * s.cg, threads, [&](int64_t task) {
        const int64_t image = task / s.cg;
        col2im_channel(g, s, dcol, nb * s.p, image * s.p, n0 + image, gi, task % s.cg, grad_x,
                       accumulate);
      });
    }
  }
  return true;
}

bool conv2d_backward_weight(const ConvGeometry& g, const float* x, const float* grad_out,
                            float* grad_weight, float* grad_bias, bool accumulate,
                            ThreadPool& pool, int threads) {
  const Shape s = shape_of(g);
  std::lock_guard<std::mutex> lock(conv_mutex);
  if (g.n == 0) {
    if (!accumulate) {
      std::fill(grad_weight, grad_weight + g.oc * s.k, 0.0f);
      if (grad_bias) std::fill(grad_bias, grad_bias + g.oc, 0.0f);
    }
    return true;
  }
  const int64_t chunk = chunk_images(g, s);
  float* col = s.direct ? nullptr : col_buffer.reserve(s.k * chunk * s.p);
  float* wide = chunk > 1 ? product_buffer.reserve(s.ocg * chunk * s.p) : nullptr;
  if ((!s.direct && !col) || (chunk > 1 && !wide)) return false;
  for (int64_t n0 = 0; n0 < g.n; n0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - n0);
    for (int64_t gi = 0; gi < g.groups; gi++) {
      const float* go = grad_out + (n0 * g.oc + gi * s.ocg) * s.p;
      if (chunk > 1) {
        pool.run(nb * s.ocg, threads, [&](int64_t task) {
          const int64_t image = task / s.ocg, o = task % s.ocg;
          std::memcpy(wide + o * nb * s.p + image * s.p,
                      grad_out + ((n0 + image) * g.oc + gi * s.ocg + o) * s.p,
                      s.p * sizeof(float));
        });
        go = wide;
      }
      const float* cols = columns(g, s, x, n0, nb, gi, col, pool, threads);
      if (!gemm(product(go, cols, grad_weight + gi * s.ocg * s.k, s.ocg, nb * s.p, s.k, false,
                        true, accumulate || n0 > 0),
                pool, threads)) {
        return false;
      }
    }
  }
  if (grad_bias) {
    // One channel per task, summed in float64 in a fixed order, rounded once.
    pool.run(g.oc, threads, [&](int64_t o) {
      double sum = 0;
      for (int64_t image = 0; image < g.n; image++) {
        const float* row = grad_out + (image * g.oc + o) * s.p;
        for (int64_t i = 0; i < s.p; i++) sum += row[i];
      }
      grad_bias[o] = accumulate ? grad_bias[o] + static_cast<float>(sum) : static_cast<float>(sum);
    });
  }
  return true;
}

}  // namespace ms
