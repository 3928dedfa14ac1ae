// 2-D convolution, NCHW, as GEMMs on im2col columns: stride, padding (each side), dilation and
// groups as torch.nn.functional.conv2d. A 1-D convolution is the case H = KH = 1.
#pragma once

#include <cstdint>

#include "pool.h"

namespace ms {

struct ConvGeometry {
  int64_t n, c, h, w;        // input [n, c, h, w]
  int64_t oc, kh, kw;        // weight [oc, c / groups, kh, kw]
  int64_t sh, sw;            // stride
  int64_t pt, pb, pl, pr;    // zero padding: top, bottom, left, right
  int64_t dh, dw;            // dilation
  int64_t groups;

  int64_t oh() const { return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1; }
  // A reason the geometry is invalid, or null.
  const char* invalid() const;
};

// out [n, oc, oh, ow] = conv(x, weight) + bias (bias: oc values or null).
bool conv2d_forward(const ConvGeometry& g, const float* x, const float* weight, const float* bias,
                    float* out, ThreadPool& pool, int threads);

// grad_x [n, c, h, w] (= or +=) the gradient of the input.
bool conv2d_backward_input(const ConvGeometry& g, const float* grad_out, const float* weight,
                           float* grad_x, bool accumulate, ThreadPool& pool, int threads);

// grad_weight [oc, c / groups, kh, kw] and grad_bias [oc] (when not null), = or +=.
bool conv2d_backward_weight(const ConvGeometry& g, const float* x, const float* grad_out,
                            float* grad_weight, float* grad_bias, bool accumulate,
                            ThreadPool& pool, int threads);

}  // namespace ms
