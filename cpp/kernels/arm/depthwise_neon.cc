// aarch64 NEON depthwise 2-D convolution of one plane, 4 output columns per vector.
// Per output row, the columns whose taps all fall inside the input row ("interior") take the
// vector path: contiguous loads for stride 1, a de-interleaving ld2 for stride 2 (when the 8
// floats it reads lie inside the row), lane loads otherwise. Border columns and the last
// partial block run the reference's scalar loop; rows with taps in the vertical padding just
// run fewer kh taps. The activation is applied to each finished output row while it is in L1.
// Taps accumulate in the reference's order (bias, then kh, kw), one FMA each.
#if defined(__aarch64__)
#include <arm_neon.h>

#include <algorithm>
#include <cstdint>

#include "kernels/activation.h"
#include "kernels/conv_kernels.h"

namespace li {

namespace {

int64_t ceil_div_pos(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// The four inputs of tap (kh row xr, column offset iw) for output columns ow..ow+3.
template <int S>
inline float32x4_t load4(const float* xr, int64_t iw, int64_t sw, int64_t W) {
  if constexpr (S == 1) {
    return vld1q_f32(xr + iw);
  } else if constexpr (S == 2) {
    if (iw + 8 <= W) return vld2q_f32(xr + iw).val[0];
  }
  float32x4_t v = vdupq_n_f32(0.f);
  v = vld1q_lane_f32(xr + iw, v, 0);
  v = vld1q_lane_f32(xr + iw + sw, v, 1);
  v = vld1q_lane_f32(xr + iw + 2 * sw, v, 2);
  v = vld1q_lane_f32(xr + iw + 3 * sw, v, 3);
  return v;
}

inline float scalar_out(const DwGeom& g, const float* x, const float* w, float bias, int64_t oh,
                        int64_t ow, int64_t kh0, int64_t kh1) {
  float acc = bias;
  for (int64_t kh = kh0; kh < kh1; ++kh) {
    const float* xr = x + (oh * g.SH - g.PT + kh * g.DH) * g.W;
    for (int64_t kw = 0; kw < g.KW; ++kw) {
      const int64_t iw = ow * g.SW - g.PL + kw * g.DW;
      if (iw >= 0 && iw < g.W) acc += xr[iw] * w[kh * g.KW + kw];
    }
  }
  return acc;
}

template <int S>
void plane(const DwGeom& g, const float* x, const float* w, float bias, float* y, const Activation& act) {
  // Interior columns: ow*SW - PL >= 0 and ow*SW - PL + (KW-1)*DW <= W-1.
  const int64_t span = (g.KW - 1) * g.DW;
  const int64_t lo = std::min(g.OW, ceil_div_pos(g.PL, g.SW));
  const int64_t last = g.W - 1 - span + g.PL;  // ow*SW <= last
  const int64_t hi = last < 0 ? lo : std::max(lo, std::min(g.OW, last / g.SW + 1));
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const int64_t ih0 = oh * g.SH - g.PT;
    // Valid kh: 0 <= ih0 + kh*DH < H.
    const int64_t kh0 = std::min(g.KH, ceil_div_pos(-ih0, g.DH));
    const int64_t kh1 = ih0 >= g.H ? kh0 : std::max(kh0, std::min(g.KH, (g.H - 1 - ih0) / g.DH + 1));
    float* yr = y + oh * g.OW;
    for (int64_t ow = 0; ow < lo; ++ow) yr[ow] = scalar_out(g, x, w, bias, oh, ow, kh0, kh1);
    int64_t ow = lo;
    for (; ow + 4 <= hi; ow += 4) {
      float32x4_t acc = vdupq_n_f32(bias);
      for (int64_t kh = kh0; kh < kh1; ++kh) {
        const float* xr = x + (ih0 + kh * g.DH) * g.W;
        const float* wr = w + kh * g.KW;
        const int64_t iw0 = ow * g.SW - g.PL;
        for (int64_t kw = 0; kw < g.KW; ++kw)
          acc = vfmaq_n_f32(acc, load4<S>(xr, iw0 + kw * g.DW, g.SW, g.W), wr[kw]);
      }
      vst1q_f32(yr + ow, acc);
    }
    for (; ow < g.OW; ++ow) yr[ow] = scalar_out(g, x, w, bias, oh, ow, kh0, kh1);
    if (!act.none()) activation_f32(act, yr, yr, g.OW);
  }
}

}  // namespace

void f32_dwconv2d__neon(const DwGeom& g, const float* x, const float* w, float bias, float* y,
                        const Activation& act) {
  switch (g.SW) {
    case 1: return plane<1>(g, x, w, bias, y, act);
    case 2: return plane<2>(g, x, w, bias, y, act);
    default: return plane<0>(g, x, w, bias, y, act);
  }
}

}  // namespace li
#endif  // __aarch64__
