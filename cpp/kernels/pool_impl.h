// The 2-D max pooling body (no indices), included by one translation unit per CPU tier
// (kernels/ref/pool_ref.cc: portable; kernels/x86/pool_avx2.cc: built with AVX2), so the same
// plain loops are vectorized for each instruction set. Everything here is TU-local.
//
// Separable: each input row the outputs read is padded with -inf and reduced over the kernel's
// columns once (the stride and dilation applied there), then each output row is the max of KH
// such rows. A 3x3 window costs 3 + 3 max operations per output instead of 9, and the strided
// reads happen once per row instead of once per kernel row (GoogLeNet's 13 MaxPools took
// 4.4 ms per run against onnxruntime's 0.6 ms before).
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/conv_kernels.h"

namespace li {
namespace {

// Whether maxpool2d serves g: 2-D (no depth), and its buffers stay bounded (huge strides or
// dilations take the general walk instead).
inline bool maxpool2d_rows_fit(const Geom3& g) {
  const int64_t PH = (g.out[1] - 1) * g.s[1] + (g.k[1] - 1) * g.d[1] + 1;
  const int64_t PW = (g.out[2] - 1) * g.s[2] + (g.k[2] - 1) * g.d[2] + 1;
  return g.in[0] == 1 && g.out[0] == 1 && g.k[0] == 1 && PW <= (int64_t(1) << 20) &&
         PH * std::max(g.out[2], g.s[1] == 1 && g.s[2] == 1 ? PW : 0) <= (int64_t(1) << 22);
}

// NaN taps are skipped (as in onnxruntime): `v > m` is false for them; a window of only
// padding gives -inf.
template <int64_t kStride>  // 1, 2, or 0 for g.s[2]
void maxpool2d_rows(const Geom3& g, const float* x, float* y) {
  const int64_t H = g.in[1], W = g.in[2], OH = g.out[1], OW = g.out[2];
  const int64_t sw = kStride ? kStride : g.s[2], dw = g.d[2];
  const int64_t PH = (OH - 1) * g.s[1] + (g.k[1] - 1) * g.d[1] + 1;
  const int64_t PW = (OW - 1) * sw + (g.k[2] - 1) * dw + 1;
  const float lowest = -std::numeric_limits<float>::infinity();
  thread_local std::vector<float> win, rows;  // one padded row; PH rows reduced over columns
  win.resize(size_t(PW));
  rows.resize(size_t(PH * OW));
  const int64_t c0 = std::min(PW, g.pb[2]), c1 = std::max(c0, std::min(PW, W + g.pb[2]));
  for (int64_t r = 0; r < PH; ++r) {
    float* h = rows.data() + r * OW;
    const int64_t ih = r - g.pb[1];
    std::fill(h, h + OW, lowest);
    if (ih < 0 || ih >= H) continue;
    float* wr = win.data();
    std::fill(wr, wr + c0, lowest);
    std::copy(x + ih * W + (c0 - g.pb[2]), x + ih * W + (c1 - g.pb[2]), wr + c0);
    std::fill(wr + c1, wr + PW, lowest);
    for (int64_t kw = 0; kw < g.k[2]; ++kw) {
      const float* src = wr + kw * dw;
      for (int64_t ow = 0; ow < OW; ++ow) {
        const float v = src[ow * sw];
        h[ow] = v > h[ow] ? v : h[ow];
      }
    }
  }
  for (int64_t oh = 0; oh < OH; ++oh) {
    float* yr = y + oh * OW;
    std::fill(yr, yr + OW, lowest);
    for (int64_t kh = 0; kh < g.k[1]; ++kh) {
      const float* h = rows.data() + (oh * g.s[1] + kh * g.d[1]) * OW;
      for (int64_t ow = 0; ow < OW; ++ow) yr[ow] = h[ow] > yr[ow] ? h[ow] : yr[ow];
    }
  }
}

// Stride 1 both ways (GoogLeNet's inception branches: 3x3 pools of 7x7 to 28x28 planes): the
// padded plane and its maxima as flat arrays at the padded row pitch, so each pass is one long
// loop instead of 7-28 float rows with scalar tails (values past a row's OW are computed and
// never read).
inline void maxpool2d_flat(const Geom3& g, const float* x, float* y) {
  const int64_t H = g.in[1], W = g.in[2], OH = g.out[1], OW = g.out[2];
  const int64_t PH = (OH - 1) + (g.k[1] - 1) * g.d[1] + 1;
  const int64_t PW = (OW - 1) + (g.k[2] - 1) * g.d[2] + 1;
  const float lowest = -std::numeric_limits<float>::infinity();
  thread_local std::vector<float> plane, cols;
  plane.assign(size_t(PH * PW), lowest);
  const int64_t c0 = std::min(PW, g.pb[2]), c1 = std::max(c0, std::min(PW, W + g.pb[2]));
  for (int64_t r = 0; r < PH; ++r) {
    const int64_t ih = r - g.pb[1];
    if (ih >= 0 && ih < H) std::copy(x + ih * W + (c0 - g.pb[2]), x + ih * W + (c1 - g.pb[2]), plane.data() + r * PW + c0);
  }
  // cols[j]: the max over the kernel's columns starting at plane[j]; (PH-1)*PW + OW of them.
  const int64_t nc = (PH - 1) * PW + OW;
  cols.assign(size_t(nc), lowest);
  float* h = cols.data();
  for (int64_t kw = 0; kw < g.k[2]; ++kw) {
    const float* src = plane.data() + kw * g.d[2];
    for (int64_t j = 0; j < nc; ++j) h[j] = src[j] > h[j] ? src[j] : h[j];
  }
  // Then over the kernel's rows, into `plane` (free again) at the same pitch.
  const int64_t nv = (OH - 1) * PW + OW;
  float* v = plane.data();
  std::fill(v, v + nv, lowest);
  for (int64_t kh = 0; kh < g.k[1]; ++kh) {
    const float* src = h + kh * g.d[1] * PW;
    for (int64_t j = 0; j < nv; ++j) v[j] = src[j] > v[j] ? src[j] : v[j];
  }
  for (int64_t oh = 0; oh < OH; ++oh) std::copy(v + oh * PW, v + oh * PW + OW, y + oh * OW);
}

inline void maxpool2d(const Geom3& g, const float* x, float* y) {
  if (g.s[1] == 1 && g.s[2] == 1) return maxpool2d_flat(g, x, y);
  if (g.s[2] == 1) return maxpool2d_rows<1>(g, x, y);
  if (g.s[2] == 2) return maxpool2d_rows<2>(g, x, y);
  maxpool2d_rows<0>(g, x, y);
}

}  // namespace
}  // namespace li
