// 2-D max pooling, NCHW, as torch.nn.functional.max_pool2d (kernel, stride, padding, dilation,
// ceil_mode), with the argmax of each window (its flat index in the input plane) for backward.
#pragma once

#include <cstdint>

#include "pool.h"

namespace ms {

struct PoolGeometry {
  int64_t planes, h, w;  // planes = batch · channels
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
  bool ceil_mode;

  int64_t oh() const { return extent(h, kh, sh, ph, dh); }
  int64_t ow() const { return extent(w, kw, sw, pw, dw); }
  const char* invalid() const;

 private:
  int64_t extent(int64_t size, int64_t k, int64_t s, int64_t p, int64_t d) const;
};

// out and argmax [planes, oh, ow]. NaN wins a window, as in torch.
void max_pool2d_forward(const PoolGeometry& g, const float* x, float* out, int32_t* argmax,
                        ThreadPool& pool, int threads);

// grad_x [planes, h, w] (= or +=) grad_out routed to each window's argmax.
void max_pool2d_backward(const PoolGeometry& g, const float* grad_out, const int32_t* argmax,
                         float* grad_x, bool accumulate, ThreadPool& pool, int threads);

}  // namespace ms
