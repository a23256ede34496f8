// f32_gemm_6x16__avx2_fma: a 6x16 register tile (12 ymm accumulators), per k one broadcast of
// A per row and two loads of B: 12 FMAs per 8 loads, enough to keep both FMA ports busy (FMA
// latency 4-5 cycles x 2 ports needs >= 10 independent chains). Tiles with fewer rows run the
// same loop instantiated for 1..5 rows (no wasted FMAs on the M edge); the N edge uses masked
// loads/stores of C, so no tile ever goes through a bounce buffer.
#if defined(__x86_64__)
#include <immintrin.h>

#include "kernels/gemm_internal.h"

namespace li::gemm {

namespace {

constexpr int64_t MR = 6;
constexpr int64_t NR = 16;

// Mask of the first n (0..8) lanes.
inline __m256i lane_mask(int64_t n) {
  alignas(64) static const int32_t kOnes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kOnes + 8 - n));
}

bool simd_activation(Activation::Kind k) {
  return k == Activation::None || k == Activation::Relu || k == Activation::Clip ||
         k == Activation::LeakyRelu;
}

inline __m256 activate(__m256 v, Activation::Kind kind, __m256 p0, __m256 p1) {
  switch (kind) {
    case Activation::Relu: return _mm256_max_ps(v, _mm256_setzero_ps());
    case Activation::Clip: return _mm256_min_ps(_mm256_max_ps(v, p0), p1);
    case Activation::LeakyRelu:  // x >= 0 ? x : alpha*x
      return _mm256_blendv_ps(v, _mm256_mul_ps(v, p0), _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
    default: return v;
  }
}

// Named accumulators (not an array): GCC keeps arrays of __m256 on the stack here.
#define LI_ROW(r)                                                  \
  if constexpr (R > r) {                                           \
    const __m256 ar = _mm256_broadcast_ss(a + r);                  \
    c##r##0 = _mm256_fmadd_ps(ar, b0, c##r##0);                    \
    c##r##1 = _mm256_fmadd_ps(ar, b1, c##r##1);                    \
  }
#define LI_OUT(r)                                                  \
  if constexpr (R > r) {                                           \
    _mm256_store_ps(out[r], c##r##0);                              \
    _mm256_store_ps(out[r] + 8, c##r##1);                          \
  }

template <int R>
void tile(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t cols,
          const TileEpilogue& ep) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    LI_ROW(0) LI_ROW(1) LI_ROW(2) LI_ROW(3) LI_ROW(4) LI_ROW(5)
    a += MR;
    b += NR;
  }
  alignas(32) float out[R][NR];
  LI_OUT(0) LI_OUT(1) LI_OUT(2) LI_OUT(3) LI_OUT(4) LI_OUT(5)

  const bool full = cols == NR;
  const __m256i m0 = lane_mask(cols < 8 ? cols : 8);
  const __m256i m1 = lane_mask(cols > 8 ? cols - 8 : 0);
  auto load2 = [&](const float* p, __m256* x0, __m256* x1) {
    if (full) {
      *x0 = _mm256_loadu_ps(p);
      *x1 = _mm256_loadu_ps(p + 8);
    } else {  // masked-out lanes are not read: C may end right there
      *x0 = _mm256_maskload_ps(p, m0);
      *x1 = _mm256_maskload_ps(p + 8, m1);
    }
  };
  const __m256 alpha = _mm256_set1_ps(ep.alpha);
  const __m256 beta = _mm256_set1_ps(ep.beta);
  const bool read_c = !ep.first || ep.beta != 0.f;
  const __m256 add_c = ep.first ? beta : _mm256_set1_ps(1.f);
  const Activation::Kind kind = ep.last ? ep.act.kind : Activation::None;
  const bool simd_act = simd_activation(kind);
  const __m256 p0 = _mm256_set1_ps(ep.act.alpha), p1 = _mm256_set1_ps(ep.act.beta);
  __m256 bc0 = _mm256_setzero_ps(), bc1 = _mm256_setzero_ps();
  if (ep.last && ep.bias_col) load2(ep.bias_col, &bc0, &bc1);
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
    __m256 v0 = _mm256_mul_ps(_mm256_load_ps(out[r]), alpha);
    __m256 v1 = _mm256_mul_ps(_mm256_load_ps(out[r] + 8), alpha);
    if (read_c) {
      __m256 x0, x1;
      load2(cr, &x0, &x1);
      v0 = _mm256_fmadd_ps(add_c, x0, v0);
      v1 = _mm256_fmadd_ps(add_c, x1, v1);
    }
    if (ep.last) {
      __m256 br = ep.bias_row ? _mm256_set1_ps(ep.bias_row[r]) : _mm256_setzero_ps();
      v0 = _mm256_add_ps(v0, _mm256_add_ps(bc0, br));
      v1 = _mm256_add_ps(v1, _mm256_add_ps(bc1, br));
      if (simd_act) {
        v0 = activate(v0, kind, p0, p1);
        v1 = activate(v1, kind, p0, p1);
      }
    }
    if (full) {
      _mm256_storeu_ps(cr, v0);
      _mm256_storeu_ps(cr + 8, v1);
    } else {
      _mm256_maskstore_ps(cr, m0, v0);
      _mm256_maskstore_ps(cr + 8, m1, v1);
    }
    if (!simd_act) activation_f32(ep.act, cr, cr, cols);
  }
}

#undef LI_ROW
#undef LI_OUT

}  // namespace

void f32_gemm_6x16__avx2_fma(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                             int64_t rows, int64_t cols, const TileEpilogue& ep) {
  switch (rows) {
    case 1: return tile<1>(kc, a, b, c, ldc, cols, ep);
    case 2: return tile<2>(kc, a, b, c, ldc, cols, ep);
    case 3: return tile<3>(kc, a, b, c, ldc, cols, ep);
    case 4: return tile<4>(kc, a, b, c, ldc, cols, ep);
    case 5: return tile<5>(kc, a, b, c, ldc, cols, ep);
    default: return tile<6>(kc, a, b, c, ldc, cols, ep);
  }
}

}  // namespace li::gemm
#endif  // __x86_64__
