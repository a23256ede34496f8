// AVX-512 depthwise 2-D convolution of 16 channels at once: depthwise_c8_avx2.cc's interleaved
// layout at twice the width. The 16 input planes are transposed (two 8x8 register transposes per
// 8 pixels, one per half of the channels) into a zero-padded [row][column][16 channels] buffer,
// every tap of an output pixel is one 16-lane FMA, and the output planes come back by the
// inverse transposes. Against the 8-channel kernel the FMAs and loads per output halve; the
// transposes cost the same per channel.
#if defined(__x86_64__)
// GCC 12's AVX-512 intrinsics self-initialize their _mm512_undefined_ps() operand, which
// -Wmaybe-uninitialized / -Wuninitialized report (fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/conv_kernels.h"
#include "kernels/simd/avx2_transpose.h"

namespace li {

namespace {

inline __mmask8 first8(int64_t n) { return __mmask8((1u << n) - 1); }  // n in 1..8

// Row `len` floats of nc (<= 16) sources (src[c] + i) into dst[i*16 + c], zero in lanes c >= nc;
// the last partial group loads through a mask (nothing past `len` is read).
void interleave(const float* const src[16], int64_t nc, int64_t len, float* dst) {
  for (int64_t i = 0; i < len; i += 8) {
    const int64_t n = std::min<int64_t>(8, len - i);
    const __mmask8 m = first8(n);
    for (int half = 0; half < 2; ++half) {
      __m256 r[8];
      for (int64_t c = 0; c < 8; ++c) {
        const int64_t ch = half * 8 + c;
        r[c] = ch >= nc ? _mm256_setzero_ps() : _mm256_maskz_loadu_ps(m, src[ch] + i);
      }
      avx2::transpose8x8_ps(r);
      float* d = dst + i * 16 + half * 8;
      for (int64_t j = 0; j < n; ++j) _mm256_storeu_ps(d + j * 16, r[j]);
    }
  }
}

// The inverse: src[i*16 + c] for i < len into dst[c] + i, for the first nc channels.
void deinterleave(const float* src, int64_t len, int64_t nc, float* const dst[16]) {
  for (int64_t i = 0; i < len; i += 8) {
    const int64_t n = std::min<int64_t>(8, len - i);
    const __mmask8 m = first8(n);
    for (int half = 0; half < 2 && half * 8 < nc; ++half) {
      __m256 r[8];
      for (int64_t j = 0; j < 8; ++j) r[j] = j < n ? _mm256_loadu_ps(src + (i + j) * 16 + half * 8) : _mm256_setzero_ps();
      avx2::transpose8x8_ps(r);
      for (int64_t c = 0; c < 8 && half * 8 + c < nc; ++c) _mm256_mask_storeu_ps(dst[half * 8 + c] + i, m, r[c]);
    }
  }
}

// Output rows from the padded interleaved input `p` (pw pixels per row), four pixels per step
// with four independent FMA chains sharing each tap's weights; a row's last pixels are a step
// that overlaps the one before. K > 0 fixes a KxK kernel at compile time. With `clamp`, results
// are clamped to [lo, hi] (Relu/Clip fused).
template <int K>
void compute(const DwGeom& g, const float* p, int64_t pw, const float* wt, __m512 vb, bool clamp,
             __m512 lo, __m512 hi, float* o) {
  const int64_t KH = K ? K : g.KH, KW = K ? K : g.KW;
  auto store = [&](float* d, __m512 a) { _mm512_storeu_ps(d, clamp ? _mm512_min_ps(_mm512_max_ps(a, lo), hi) : a); };
  const int64_t sx = g.SW * 16, dx = g.DW * 16, dy = g.DH * pw * 16;
  auto four = [&](const float* base, float* d) {
    __m512 a0 = vb, a1 = vb, a2 = vb, a3 = vb;
    for (int64_t kh = 0; kh < KH; ++kh) {
      const float* r = base + kh * dy;
      for (int64_t kw = 0; kw < KW; ++kw) {
        const __m512 wv = _mm512_load_ps(wt + (kh * KW + kw) * 16);
        const float* t = r + kw * dx;
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(t), wv, a0);
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(t + sx), wv, a1);
        a2 = _mm512_fmadd_ps(_mm512_loadu_ps(t + 2 * sx), wv, a2);
        a3 = _mm512_fmadd_ps(_mm512_loadu_ps(t + 3 * sx), wv, a3);
      }
    }
    store(d, a0);
    store(d + 16, a1);
    store(d + 32, a2);
    store(d + 48, a3);
  };
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const float* prow = p + oh * g.SH * pw * 16;
    float* orow = o + oh * g.OW * 16;
    int64_t ow = 0;
    for (; ow + 4 <= g.OW; ow += 4) four(prow + ow * sx, orow + ow * 16);
    if (ow < g.OW && g.OW >= 4) {
      four(prow + (g.OW - 4) * sx, orow + (g.OW - 4) * 16);
      continue;
    }
    for (; ow < g.OW; ++ow) {
      __m512 a = vb;
      const float* base = prow + ow * sx;
      for (int64_t kh = 0; kh < KH; ++kh)
        for (int64_t kw = 0; kw < KW; ++kw)
          a = _mm512_fmadd_ps(_mm512_loadu_ps(base + kh * dy + kw * dx), _mm512_load_ps(wt + (kh * KW + kw) * 16), a);
      store(orow + ow * 16, a);
    }
  }
}

// KxK (3, 5 or 7), dilation 1, stride S (1 or 2): the four pixels of a step read 3S + K distinct
// vectors per kernel row, each loaded once; 3x3 keeps its nine weights in registers.
template <int K, int S>
void compute_k(const DwGeom& g, const float* p, int64_t pw, const float* wt, __m512 vb, bool clamp,
               __m512 lo, __m512 hi, float* o) {
  constexpr int T = 3 * S + K;
  __m512 w3[9];
  if (K == 3)
    for (int i = 0; i < 9; ++i) w3[i] = _mm512_load_ps(wt + i * 16);
  auto weight = [&](int i) { return K == 3 ? w3[i] : _mm512_load_ps(wt + i * 16); };
  auto store = [&](float* d, __m512 a) { _mm512_storeu_ps(d, clamp ? _mm512_min_ps(_mm512_max_ps(a, lo), hi) : a); };
  auto four = [&](const float* base, float* d) {
    __m512 a0 = vb, a1 = vb, a2 = vb, a3 = vb;
    for (int kh = 0; kh < K; ++kh) {
      const float* r = base + kh * pw * 16;
      __m512 t[T];
      for (int i = 0; i < T; ++i) t[i] = _mm512_loadu_ps(r + i * 16);
      for (int kw = 0; kw < K; ++kw) {
        const __m512 w = weight(kh * K + kw);
        a0 = _mm512_fmadd_ps(t[kw], w, a0);
        a1 = _mm512_fmadd_ps(t[S + kw], w, a1);
        a2 = _mm512_fmadd_ps(t[2 * S + kw], w, a2);
        a3 = _mm512_fmadd_ps(t[3 * S + kw], w, a3);
      }
    }
    store(d, a0);
    store(d + 16, a1);
    store(d + 32, a2);
    store(d + 48, a3);
  };
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const float* prow = p + oh * S * pw * 16;
    float* orow = o + oh * g.OW * 16;
    int64_t ow = 0;
    for (; ow + 4 <= g.OW; ow += 4) four(prow + ow * S * 16, orow + ow * 16);
    if (ow == g.OW) continue;
    if (g.OW >= 4) {
      four(prow + (g.OW - 4) * S * 16, orow + (g.OW - 4) * 16);
      continue;
    }
    for (; ow < g.OW; ++ow) {
      __m512 a = vb;
      const float* base = prow + ow * S * 16;
      for (int kh = 0; kh < K; ++kh)
        for (int kw = 0; kw < K; ++kw) a = _mm512_fmadd_ps(_mm512_loadu_ps(base + (kh * pw + kw) * 16), weight(kh * K + kw), a);
      store(orow + ow * 16, a);
    }
  }
}

}  // namespace

size_t dwconv2d_c16_scratch_floats(const DwGeom& g) {
  const int64_t ph = (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
  const int64_t pw = (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1;
  return size_t(ph * pw * 16 + g.OH * g.OW * 16 + g.KH * g.KW * 16 + 16);
}

void f32_dwconv2d_c16__avx512(const DwGeom& g, int64_t nc, const float* x, const float* w,
                              const float* bias, float* y, const Activation& act, float* scratch) {
  // The padded input holds exactly the pixels the outputs read: row r is input row r - PT.
  const int64_t ph = (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
  const int64_t pw = (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1;
  const int64_t ksz = g.KH * g.KW;
  float* wt = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(scratch) + 63) & ~uintptr_t(63));
  float* p = wt + ksz * 16;
  float* o = p + ph * pw * 16;
  // Weights per tap as 16-channel vectors (zero for missing channels).
  for (int64_t k = 0; k < ksz; ++k)
    for (int64_t c = 0; c < 16; ++c) wt[k * 16 + c] = c < nc ? w[c * ksz + k] : 0.f;
  // Padded interleaved input: columns [c0, c1) of row r come from input row r - PT.
  const int64_t c0 = std::min(pw, g.PL), c1 = std::max(c0, std::min(pw, g.W + g.PL));
  const float* src[16];
  for (int64_t r = 0; r < ph; ++r) {
    float* pr = p + r * pw * 16;
    const int64_t ih = r - g.PT;
    if (ih < 0 || ih >= g.H) {
      std::memset(pr, 0, size_t(pw * 16) * sizeof(float));
      continue;
    }
    std::memset(pr, 0, size_t(c0 * 16) * sizeof(float));
    for (int64_t c = 0; c < 16; ++c) src[c] = c < nc ? x + c * g.H * g.W + ih * g.W + (c0 - g.PL) : nullptr;
    interleave(src, nc, c1 - c0, pr + c0 * 16);
    std::memset(pr + c1 * 16, 0, size_t((pw - c1) * 16) * sizeof(float));
  }
  alignas(64) float b[16];
  for (int64_t c = 0; c < 16; ++c) b[c] = bias && c < nc ? bias[c] : 0.f;
  const __m512 vb = _mm512_load_ps(b);
  // Relu and Clip clamp in registers; other activations run over the block afterwards.
  const bool clamp = act.kind == Activation::Relu || act.kind == Activation::Clip;
  const __m512 lo = _mm512_set1_ps(act.kind == Activation::Clip ? act.alpha : 0.f);
  const __m512 hi = _mm512_set1_ps(act.kind == Activation::Clip ? act.beta : std::numeric_limits<float>::infinity());
  const bool square = g.KH == g.KW && g.DH == 1 && g.DW == 1 && g.SH == g.SW && (g.SW == 1 || g.SW == 2);
  const bool s1 = g.SW == 1;
  if (square && g.KH == 3) (s1 ? compute_k<3, 1> : compute_k<3, 2>)(g, p, pw, wt, vb, clamp, lo, hi, o);
  else if (square && g.KH == 5) (s1 ? compute_k<5, 1> : compute_k<5, 2>)(g, p, pw, wt, vb, clamp, lo, hi, o);
  else if (square && g.KH == 7) (s1 ? compute_k<7, 1> : compute_k<7, 2>)(g, p, pw, wt, vb, clamp, lo, hi, o);
  else if (g.KH == 3 && g.KW == 3) compute<3>(g, p, pw, wt, vb, clamp, lo, hi, o);
  else compute<0>(g, p, pw, wt, vb, clamp, lo, hi, o);
  const int64_t n = g.OH * g.OW;
  if (!clamp && !act.none()) activation_f32(act, o, o, n * 16);
  float* dst[16];
  for (int64_t c = 0; c < 16; ++c) dst[c] = y + std::min(c, nc - 1) * n;
  deinterleave(o, n, nc, dst);
}

}  // namespace li

#endif  // __x86_64__
