// aarch64 NEON depthwise 2-D convolution of 8 channels at once, in the interleaved layout of
// kernels/x86/depthwise_c8_avx2.cc ([row][column][8 channels], zero-padded; see there for why
// it wins on small and strided planes): each pixel's 8 channels are two q registers, four
// pixels per step (8 independent FMA chains sharing each tap's two weight vectors), the last
// step of a row overlapping the one before. The interleave and its inverse are plain loops.
#if defined(__aarch64__)
#include <arm_neon.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/conv_kernels.h"

namespace li {

namespace {

struct V8 {
  float32x4_t lo, hi;
};
inline V8 load8(const float* p) { return {vld1q_f32(p), vld1q_f32(p + 4)}; }
inline void fma8(V8& a, const float* x, const V8& w) {
  a.lo = vfmaq_f32(a.lo, vld1q_f32(x), w.lo);
  a.hi = vfmaq_f32(a.hi, vld1q_f32(x + 4), w.hi);
}

void compute(const DwGeom& g, const float* p, int64_t pw, const float* wt, V8 vb, bool clamp,
             float32x4_t lo, float32x4_t hi, float* o) {
  auto store = [&](float* d, const V8& a) {
    vst1q_f32(d, clamp ? vminq_f32(vmaxnmq_f32(a.lo, lo), hi) : a.lo);  // NaN -> lo, as on AVX2
    vst1q_f32(d + 4, clamp ? vminq_f32(vmaxnmq_f32(a.hi, lo), hi) : a.hi);
  };
  const int64_t sx = g.SW * 8, dx = g.DW * 8, dy = g.DH * pw * 8;
  auto four = [&](const float* base, float* d) {
    V8 a0 = vb, a1 = vb, a2 = vb, a3 = vb;
    for (int64_t kh = 0; kh < g.KH; ++kh) {
      const float* r = base + kh * dy;
      for (int64_t kw = 0; kw < g.KW; ++kw) {
        const V8 wv = load8(wt + (kh * g.KW + kw) * 8);
        const float* t = r + kw * dx;
        fma8(a0, t, wv);
        fma8(a1, t + sx, wv);
        fma8(a2, t + 2 * sx, wv);
        fma8(a3, t + 3 * sx, wv);
      }
    }
    store(d, a0);
    store(d + 8, a1);
    store(d + 16, a2);
    store(d + 24, a3);
  };
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const float* prow = p + oh * g.SH * pw * 8;
    float* orow = o + oh * g.OW * 8;
    int64_t ow = 0;
    for (; ow + 4 <= g.OW; ow += 4) four(prow + ow * sx, orow + ow * 8);
    if (ow == g.OW) continue;
    if (g.OW >= 4) {
      four(prow + (g.OW - 4) * sx, orow + (g.OW - 4) * 8);
      continue;
    }
    for (; ow < g.OW; ++ow) {
      V8 a = vb;
      const float* base = prow + ow * sx;
      for (int64_t kh = 0; kh < g.KH; ++kh)
        for (int64_t kw = 0; kw < g.KW; ++kw) fma8(a, base + kh * dy + kw * dx, load8(wt + (kh * g.KW + kw) * 8));
      store(orow + ow * 8, a);
    }
  }
}

}  // namespace

// dwconv2d_c8_scratch_floats: in ref/conv_ref.cc for builds without AVX2 (the layout is the same).

void f32_dwconv2d_c8__neon(const DwGeom& g, int64_t nc, const float* x, const float* w,
                           const float* bias, float* y, const Activation& act, float* scratch) {
  const int64_t ph = (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
  const int64_t pw = (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1;
  const int64_t ksz = g.KH * g.KW;
  float* wt = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(scratch) + 31) & ~uintptr_t(31));
  float* p = wt + ksz * 8;
  float* o = p + ph * pw * 8;
  for (int64_t k = 0; k < ksz; ++k)
    for (int64_t c = 0; c < 8; ++c) wt[k * 8 + c] = c < nc ? w[c * ksz + k] : 0.f;
  // Padded interleaved input: row r is input row r - PT; columns [c0, c1) hold input columns.
  const int64_t c0 = std::min(pw, g.PL), c1 = std::max(c0, std::min(pw, g.W + g.PL));
  std::memset(p, 0, size_t(ph * pw * 8) * sizeof(float));
  for (int64_t r = 0; r < ph; ++r) {
    const int64_t ih = r - g.PT;
    if (ih < 0 || ih >= g.H) continue;
    float* pr = p + r * pw * 8;
    for (int64_t c = 0; c < nc; ++c) {
      const float* s = x + c * g.H * g.W + ih * g.W + (c0 - g.PL);
      for (int64_t i = 0; i < c1 - c0; ++i) pr[(c0 + i) * 8 + c] = s[i];
    }
  }
  float b[8];
  for (int64_t c = 0; c < 8; ++c) b[c] = bias && c < nc ? bias[c] : 0.f;
  const V8 vb = load8(b);
  // Relu and Clip clamp in registers; other activations run over the block afterwards.
  const bool clamp = act.kind == Activation::Relu || act.kind == Activation::Clip;
  const float32x4_t lo = vdupq_n_f32(act.kind == Activation::Clip ? act.alpha : 0.f);
  const float32x4_t hi = vdupq_n_f32(act.kind == Activation::Clip ? act.beta : std::numeric_limits<float>::infinity());
  compute(g, p, pw, wt, vb, clamp, lo, hi, o);
  const int64_t n = g.OH * g.OW;
  if (!clamp && !act.none()) activation_f32(act, o, o, n * 8);
  for (int64_t c = 0; c < nc; ++c) {
    float* d = y + c * n;
    for (int64_t i = 0; i < n; ++i) d[i] = o[i * 8 + c];
  }
}

}  // namespace li
#endif  // __aarch64__
