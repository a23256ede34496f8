// AVX2+FMA depthwise 2-D convolution of 8 channels at once, through an interleaved layout: the
// 8 input planes are transposed into a zero-padded [row][column][8 channels] buffer, so every
// tap of an output pixel is one whole vector; the 8 output planes come back by the inverse
// transpose. Small planes (7x7, 14x14) and strided convolutions are where this wins: the
// per-plane kernel (depthwise_avx2.cc) fills vectors along a row, which wastes lanes when rows
// are short and needs deinterleaving loads for stride 2; here the lanes are channels, so every
// lane is always busy and a stride is just a larger step between pixels.
#if defined(__x86_64__)
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/conv_kernels.h"
#include "kernels/simd/avx2_transpose.h"

namespace li {

namespace {

inline __m256i first_lanes(int64_t n) {  // lanes [0, n) set
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int32_t(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Row `len` floats of nc sources (src[c] + i) into dst[i*8 + c], zero in lanes c >= nc. The
// last partial group loads through a mask (nothing past `len` is read).
void interleave(const float* const src[8], int64_t nc, int64_t len, float* dst) {
  for (int64_t i = 0; i < len; i += 8) {
    const int64_t n = std::min<int64_t>(8, len - i);
    __m256 r[8];
    const __m256i m = first_lanes(n);
    for (int64_t c = 0; c < 8; ++c)
      r[c] = c >= nc ? _mm256_setzero_ps() : n == 8 ? _mm256_loadu_ps(src[c] + i) : _mm256_maskload_ps(src[c] + i, m);
    avx2::transpose8x8_ps(r);
    float* d = dst + i * 8;
    for (int64_t j = 0; j < n; ++j) _mm256_storeu_ps(d + j * 8, r[j]);
  }
}

// The inverse: src[i*8 + c] for i < len into dst[c] + i, for the first nc channels.
void deinterleave(const float* src, int64_t len, int64_t nc, float* const dst[8]) {
  for (int64_t i = 0; i < len; i += 8) {
    const int64_t n = std::min<int64_t>(8, len - i);
    __m256 r[8];
    for (int64_t j = 0; j < 8; ++j) r[j] = j < n ? _mm256_loadu_ps(src + (i + j) * 8) : _mm256_setzero_ps();
    avx2::transpose8x8_ps(r);
    if (n == 8) {
      for (int64_t c = 0; c < nc; ++c) _mm256_storeu_ps(dst[c] + i, r[c]);
    } else {
      const __m256i m = first_lanes(n);
      for (int64_t c = 0; c < nc; ++c) _mm256_maskstore_ps(dst[c] + i, m, r[c]);
    }
  }
}

// Output rows of the interleaved result `o` from the padded interleaved input `p` (pw pixels per
// row): four pixels per step, four independent FMA chains sharing each tap's weight vector; a
// row's last pixels are a step that overlaps the one before (recomputing a few pixels) rather
// than single pixels, whose one chain would wait on FMA latency. With `clamp`, results are
// clamped to [lo, hi] (Relu/Clip fused). K > 0 fixes a KxK kernel at compile time so its
// weights stay in registers (3x3: 9 vectors).
template <int K>
void compute(const DwGeom& g, const float* p, int64_t pw, const float* wt, __m256 vb, bool clamp,
             __m256 lo, __m256 hi, float* o) {
  const int64_t KH = K ? K : g.KH, KW = K ? K : g.KW;
  auto store = [&](float* d, __m256 a) { _mm256_storeu_ps(d, clamp ? _mm256_min_ps(_mm256_max_ps(a, lo), hi) : a); };
  const int64_t sx = g.SW * 8, dx = g.DW * 8, dy = g.DH * pw * 8;
  auto four = [&](const float* base, float* d) {
    __m256 a0 = vb, a1 = vb, a2 = vb, a3 = vb;
    for (int64_t kh = 0; kh < KH; ++kh) {
      const float* r = base + kh * dy;
      for (int64_t kw = 0; kw < KW; ++kw) {
        const __m256 wv = _mm256_load_ps(wt + (kh * KW + kw) * 8);
        const float* t = r + kw * dx;
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(t), wv, a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(t + sx), wv, a1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(t + 2 * sx), wv, a2);
        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(t + 3 * sx), wv, a3);
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
    if (ow < g.OW && g.OW >= 4) {
      four(prow + (g.OW - 4) * sx, orow + (g.OW - 4) * 8);
      continue;
    }
    for (; ow < g.OW; ++ow) {
      __m256 a = vb;
      const float* base = prow + ow * sx;
      for (int64_t kh = 0; kh < KH; ++kh)
        for (int64_t kw = 0; kw < KW; ++kw)
          a = _mm256_fmadd_ps(_mm256_loadu_ps(base + kh * dy + kw * dx), _mm256_load_ps(wt + (kh * KW + kw) * 8), a);
      store(orow + ow * 8, a);
    }
  }
}

// KxK (3, 5 or 7), dilation 1, stride S (1 or 2): the four pixels of a step read 3S + K distinct
// vectors per kernel row, each loaded once (3x3 stride 1: 18 loads for 36 FMAs instead of 36);
// 3x3 keeps its nine weights in registers, larger kernels read each tap's weights from L1.
template <int K, int S>
void compute_k(const DwGeom& g, const float* p, int64_t pw, const float* wt, __m256 vb, bool clamp,
               __m256 lo, __m256 hi, float* o) {
  constexpr int T = 3 * S + K;
  __m256 w3[9];
  if (K == 3)
    for (int i = 0; i < 9; ++i) w3[i] = _mm256_load_ps(wt + i * 8);
  auto weight = [&](int i) { return K == 3 ? w3[i] : _mm256_load_ps(wt + i * 8); };
  auto store = [&](float* d, __m256 a) { _mm256_storeu_ps(d, clamp ? _mm256_min_ps(_mm256_max_ps(a, lo), hi) : a); };
  auto four = [&](const float* base, float* d) {
    __m256 a0 = vb, a1 = vb, a2 = vb, a3 = vb;
    for (int kh = 0; kh < K; ++kh) {
      const float* r = base + kh * pw * 8;
      __m256 t[T];
      for (int i = 0; i < T; ++i) t[i] = _mm256_loadu_ps(r + i * 8);
      for (int kw = 0; kw < K; ++kw) {
        const __m256 w = weight(kh * K + kw);
        a0 = _mm256_fmadd_ps(t[kw], w, a0);
        a1 = _mm256_fmadd_ps(t[S + kw], w, a1);
        a2 = _mm256_fmadd_ps(t[2 * S + kw], w, a2);
        a3 = _mm256_fmadd_ps(t[3 * S + kw], w, a3);
      }
    }
    store(d, a0);
    store(d + 8, a1);
    store(d + 16, a2);
    store(d + 24, a3);
  };
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    const float* prow = p + oh * S * pw * 8;
    float* orow = o + oh * g.OW * 8;
    int64_t ow = 0;
    for (; ow + 4 <= g.OW; ow += 4) four(prow + ow * S * 8, orow + ow * 8);
    if (ow == g.OW) continue;
    if (g.OW >= 4) {
      four(prow + (g.OW - 4) * S * 8, orow + (g.OW - 4) * 8);
      continue;
    }
    for (; ow < g.OW; ++ow) {
      __m256 a = vb;
      const float* base = prow + ow * S * 8;
      for (int kh = 0; kh < K; ++kh)
        for (int kw = 0; kw < K; ++kw) a = _mm256_fmadd_ps(_mm256_loadu_ps(base + (kh * pw + kw) * 8), weight(kh * K + kw), a);
      store(orow + ow * 8, a);
    }
  }
}

}  // namespace

size_t dwconv2d_c8_scratch_floats(const DwGeom& g) {
  const int64_t ph = (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
  const int64_t pw = (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1;
  return size_t(ph * pw * 8 + g.OH * g.OW * 8 + g.KH * g.KW * 8 + 16);
}

void f32_dwconv2d_c8__avx2(const DwGeom& g, int64_t nc, const float* x, const float* w,
                           const float* bias, float* y, const Activation& act, float* scratch) {
  // The padded input holds exactly the pixels the outputs read: row r is input row r - PT.
  const int64_t ph = (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
  const int64_t pw = (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1;
  const int64_t ksz = g.KH * g.KW;
  float* wt = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(scratch) + 31) & ~uintptr_t(31));
  float* p = wt + ksz * 8;
  float* o = p + ph * pw * 8;
  // Weights per tap as 8-channel vectors (zero for missing channels).
  for (int64_t k = 0; k < ksz; ++k)
    for (int64_t c = 0; c < 8; ++c) wt[k * 8 + c] = c < nc ? w[c * ksz + k] : 0.f;
  // Padded interleaved input: columns [c0, c1) of row r come from input row r - PT.
  const int64_t c0 = std::min(pw, g.PL), c1 = std::max(c0, std::min(pw, g.W + g.PL));
  const float* src[8];
  for (int64_t r = 0; r < ph; ++r) {
    float* pr = p + r * pw * 8;
    const int64_t ih = r - g.PT;
    if (ih < 0 || ih >= g.H) {
      std::memset(pr, 0, size_t(pw * 8) * sizeof(float));
      continue;
    }
    std::memset(pr, 0, size_t(c0 * 8) * sizeof(float));
    for (int64_t c = 0; c < 8; ++c) src[c] = c < nc ? x + c * g.H * g.W + ih * g.W + (c0 - g.PL) : nullptr;
    interleave(src, nc, c1 - c0, pr + c0 * 8);
    std::memset(pr + c1 * 8, 0, size_t((pw - c1) * 8) * sizeof(float));
  }
  alignas(32) float b[8];
  for (int64_t c = 0; c < 8; ++c) b[c] = bias && c < nc ? bias[c] : 0.f;
  const __m256 vb = _mm256_load_ps(b);
  // Relu and Clip clamp in registers; other activations run over the block afterwards.
  const bool clamp = act.kind == Activation::Relu || act.kind == Activation::Clip;
  const __m256 lo = _mm256_set1_ps(act.kind == Activation::Clip ? act.alpha : 0.f);
  const __m256 hi = _mm256_set1_ps(act.kind == Activation::Clip ? act.beta : std::numeric_limits<float>::infinity());
  const bool square = g.KH == g.KW && g.DH == 1 && g.DW == 1 && g.SH == g.SW && (g.SW == 1 || g.SW == 2);
  const bool s1 = g.SW == 1;
  if (square && g.KH == 3) (s1 ? compute_k<3, 1> : compute_k<3, 2>)(g, p, pw, wt, vb, clamp, lo, hi, o);
  else if (square && g.KH == 5) (s1 ? compute_k<5, 1> : compute_k<5, 2>)(g, p, pw, wt, vb, clamp, lo, hi, o);
  else if (square && g.KH == 7) (s1 ? compute_k<7, 1> : compute_k<7, 2>)(g, p, pw, wt, vb, clamp, lo, hi, o);
  else if (g.KH == 3 && g.KW == 3) compute<3>(g, p, pw, wt, vb, clamp, lo, hi, o);
  else compute<0>(g, p, pw, wt, vb, clamp, lo, hi, o);
  const int64_t n = g.OH * g.OW;
  if (!clamp && !act.none()) activation_f32(act, o, o, n * 8);
  float* dst[8];
  for (int64_t c = 0; c < 8; ++c) dst[c] = y + std::min(c, nc - 1) * n;
  deinterleave(o, n, nc, dst);
}

}  // namespace li

#endif  // __x86_64__
