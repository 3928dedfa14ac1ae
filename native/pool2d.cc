#include "pool2d.h"

#include <algorithm>
#include <limits>

namespace ms {

int64_t PoolGeometry::extent(int64_t size, int64_t k, int64_t s, int64_t p, int64_t d) const {
  const int64_t span = size + 2 * p - d * (k - 1) - 1;
  if (span < 0) return 0;  // the (dilated) window is larger than the padded input
  int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  // torch: with ceil_mode the last window must start inside the input or the left padding.
  if (ceil_mode && (out - 1) * s >= size + p) out--;
  return out;
}

const char* PoolGeometry::invalid() const {
  if (planes < 0 || h < 1 || w < 1) return "sizes must be >= 1 (planes >= 0)";
  if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1) {
    return "kernel, stride and dilation must be >= 1";
  }
  if (ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
    return "padding must be >= 0 and at most half the kernel";
  }
  if (oh() < 1 || ow() < 1) {
    return "the output would be empty: the input is smaller than the kernel";
  }
  return nullptr;
}

namespace {

// Planes per task: about 16 Ki input elements.
int64_t planes_per_task(const PoolGeometry& g) {
  return std::max<int64_t>(1, 16384 / (g.h * g.w));
}

template <typename Body>
void split_planes(const PoolGeometry& g, ThreadPool& pool, int threads, const Body& body) {
  const int64_t per = planes_per_task(g);
  const int64_t tasks = (g.planes + per - 1) / per;
  pool.run(tasks, tasks > 1 ? threads : 1, [&](int64_t t) {
    for (int64_t plane = t * per; plane < std::min(g.planes, (t + 1) * per); plane++) body(plane);
  });
}

}  // namespace

void max_pool2d_forward(const PoolGeometry& g, const float* x, float* out, int32_t* argmax,
                        ThreadPool& pool, int threads) {
  const int64_t oh = g.oh(), ow = g.ow();
  split_planes(g, pool, threads, [&](int64_t plane) {
    const float* in = x + plane * g.h * g.w;
    float* o = out + plane * oh * ow;
    int32_t* a = argmax + plane * oh * ow;
    for (int64_t oy = 0; oy < oh; oy++) {
      for (int64_t ox = 0; ox < ow; ox++) {
        float best = -std::numeric_limits<float>::infinity();
        int64_t at = -1;
        for (int64_t ki = 0; ki < g.kh; ki++) {
          const int64_t iy = oy * g.sh - g.ph + ki * g.dh;
          if (iy < 0 || iy >= g.h) continue;
          for (int64_t kj = 0; kj < g.kw; kj++) {
            const int64_t ix = ox * g.sw - g.pw + kj * g.dw;
            if (ix < 0 || ix >= g.w) continue;
            const float v = in[iy * g.w + ix];
            // The first maximum wins; NaN beats everything (torch: val > max || isnan(val)).
            if (at < 0 || v > best || (v != v && best == best)) {
              best = v;
              at = iy * g.w + ix;
            }
          }
        }
        o[oy * ow + ox] = best;
        a[oy * ow + ox] = static_cast<int32_t>(at);
      }
    }
  });
}

void max_pool2d_backward(const PoolGeometry& g, const float* grad_out, const int32_t* argmax,
                         float* grad_x, bool accumulate, ThreadPool& pool, int threads) {
  const int64_t outs = g.oh() * g.ow(), ins = g.h * g.w;
  split_planes(g, pool, threads, [&](int64_t plane) {
    float* gx = grad_x + plane * ins;
    if (!accumulate) std::fill(gx, gx + ins, 0.0f);
    const float* go = grad_out + plane * outs;
    const int32_t* a = argmax + plane * outs;
    for (int64_t i = 0; i < outs; i++) {
      if (a[i] >= 0 && a[i] < ins) gx[a[i]] += go[i];
    }
  });
}

}  // namespace ms
