// f32_gemm_14x32__avx512: a 14x32 register tile (28 zmm accumulators, 2 for B, 2 spare), per k
// two loads of B and one broadcast of A per row (folded into the FMA as a {1to16} memory
// operand): 28 FMAs per 16 loads. FMA latency 4 cycles x 2 ports needs >= 8 independent chains;
// 28 leave room for the loads. Zen 5 runs 512-bit FMAs at full width: its measured peak is 2x
// the AVX2 kernel's (245 vs 122 GFLOP/s per core). Tiles with fewer rows run the same loop
// instantiated for 1..13 rows; the N edge uses masked loads/stores of C (a masked-out lane is
// never read or written, so C may end right there).
#if defined(__x86_64__)
// GCC 12's AVX-512 intrinsics self-initialize their _mm512_undefined_ps() operand, which
// -Wmaybe-uninitialized / -Wuninitialized report at every _mm512_max_ps, min_ps and 256-to-512 cast
// (fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include "kernels/gemm_blocked.h"
#include "kernels/simd/avx2_math.h"

namespace li::gemm {

namespace {

constexpr int64_t MR = 14;
constexpr int64_t NR = 32;

// The first n (0..16) lanes.
inline __mmask16 lanes(int64_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1); }

// The transcendental activations run on the AVX2 formulas, one 8-lane half at a time: they
// only touch the epilogue (once per tile row and kc block), so a 16-lane copy would buy little.
template <__m256 (*F)(__m256)>
inline __m512 by_halves(__m512 v) {
  const __m256 lo = F(_mm512_castps512_ps256(v));
  const __m256 hi = F(_mm512_extractf32x8_ps(v, 1));
  return _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1);
}

inline __m256 silu8(__m256 v) { return _mm256_mul_ps(v, avx2::sigmoid_ps(v)); }
inline __m256 gelu8(__m256 v) {  // x/2 * (1 + erf(x/sqrt 2))
  const __m256 e = avx2::erf_ps(_mm256_mul_ps(v, _mm256_set1_ps(0.70710678118654752f)));
  return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.f), e));
}

inline __m512 activate(__m512 v, Activation::Kind kind, __m512 p0, __m512 p1) {
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.f);
  switch (kind) {
    case Activation::None: return v;
    case Activation::Relu: return _mm512_max_ps(v, zero);
    case Activation::Clip: return _mm512_min_ps(_mm512_max_ps(v, p0), p1);
    case Activation::LeakyRelu:  // x >= 0 ? x : alpha*x
      return _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), v, p0);
    case Activation::HardSigmoid:  // clamp(alpha*x + beta, 0, 1)
      return _mm512_min_ps(one, _mm512_max_ps(zero, _mm512_fmadd_ps(p0, v, p1)));
    case Activation::HardSwish: {  // x * clamp(x/6 + 1/2, 0, 1)
      __m512 t = _mm512_add_ps(_mm512_div_ps(v, _mm512_set1_ps(6.f)), _mm512_set1_ps(0.5f));
      return _mm512_mul_ps(v, _mm512_min_ps(one, _mm512_max_ps(zero, t)));
    }
    case Activation::Sigmoid: return by_halves<avx2::sigmoid_ps>(v);
    case Activation::Tanh: return by_halves<avx2::tanh_ps>(v);
    case Activation::SiLU: return by_halves<silu8>(v);
    case Activation::Gelu: return by_halves<gelu8>(v);
  }
  return v;
}

// Named accumulators (not an array), as in the AVX2 kernel: GCC keeps arrays of vectors on
// the stack. H: the right half of the tile is live (cols > 16); without it the kernel does half
// the FMAs, for N edges of 1..16 columns.
#define LI_ROW(r)                                                  \
  if constexpr (R > r) {                                           \
    const __m512 ar = _mm512_set1_ps(a[r]);                        \
    c##r##0 = _mm512_fmadd_ps(ar, b0, c##r##0);                    \
    if constexpr (H) c##r##1 = _mm512_fmadd_ps(ar, b1, c##r##1);   \
  }
#define LI_OUT(r)                                                  \
  if constexpr (R > r) {                                           \
    _mm512_store_ps(out[r], c##r##0);                              \
    if constexpr (H) _mm512_store_ps(out[r] + 16, c##r##1);        \
  }

template <int R, bool H>
void tile(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
          int64_t cols, const TileEpilogue& ep) {
  // C's rows arrive while the k loop runs.
  for (int r = 0; r < R; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + cols - 1), _MM_HINT_T0);
  }
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m512 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00;
  __m512 c70 = c00, c71 = c00, c80 = c00, c81 = c00, c90 = c00, c91 = c00;
  __m512 c100 = c00, c101 = c00, c110 = c00, c111 = c00, c120 = c00, c121 = c00, c130 = c00, c131 = c00;
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = H ? _mm512_loadu_ps(b + 16) : b0;
    LI_ROW(0) LI_ROW(1) LI_ROW(2) LI_ROW(3) LI_ROW(4) LI_ROW(5) LI_ROW(6)
    LI_ROW(7) LI_ROW(8) LI_ROW(9) LI_ROW(10) LI_ROW(11) LI_ROW(12) LI_ROW(13)
    a += MR;
    b += ldb;
  }
  alignas(64) float out[R][NR];
  LI_OUT(0) LI_OUT(1) LI_OUT(2) LI_OUT(3) LI_OUT(4) LI_OUT(5) LI_OUT(6)
  LI_OUT(7) LI_OUT(8) LI_OUT(9) LI_OUT(10) LI_OUT(11) LI_OUT(12) LI_OUT(13)

  const __mmask16 m0 = lanes(cols), m1 = lanes(cols > 16 ? cols - 16 : 0);
  const __m512 alpha = _mm512_set1_ps(ep.alpha);
  const bool read_c = !ep.first || ep.beta != 0.f;
  const __m512 add_c = _mm512_set1_ps(ep.first ? ep.beta : 1.f);
  const Activation::Kind kind = ep.last ? ep.act.kind : Activation::None;
  const __m512 p0 = _mm512_set1_ps(ep.act.alpha), p1 = _mm512_set1_ps(ep.act.beta);
  __m512 bc0 = _mm512_setzero_ps(), bc1 = _mm512_setzero_ps();
  if (ep.last && ep.bias_col) {
    bc0 = _mm512_maskz_loadu_ps(m0, ep.bias_col);
    bc1 = _mm512_maskz_loadu_ps(m1, ep.bias_col + 16);
  }
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
    __m512 v0 = _mm512_mul_ps(_mm512_load_ps(out[r]), alpha);
    __m512 v1 = H ? _mm512_mul_ps(_mm512_load_ps(out[r] + 16), alpha) : _mm512_setzero_ps();
    if (read_c) {
      v0 = _mm512_fmadd_ps(add_c, _mm512_maskz_loadu_ps(m0, cr), v0);
      if (H) v1 = _mm512_fmadd_ps(add_c, _mm512_maskz_loadu_ps(m1, cr + 16), v1);
    }
    if (ep.last) {
      const __m512 br = ep.bias_row ? _mm512_set1_ps(ep.bias_row[r]) : _mm512_setzero_ps();
      v0 = activate(_mm512_add_ps(v0, _mm512_add_ps(bc0, br)), kind, p0, p1);
      if (H) v1 = activate(_mm512_add_ps(v1, _mm512_add_ps(bc1, br)), kind, p0, p1);
    }
    _mm512_mask_storeu_ps(cr, m0, v0);
    if (H) _mm512_mask_storeu_ps(cr + 16, m1, v1);
  }
}

#undef LI_ROW
#undef LI_OUT

template <bool H>
void tile_rows(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
               int64_t rows, int64_t cols, const TileEpilogue& ep) {
  switch (rows) {
    case 1: return tile<1, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 2: return tile<2, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 3: return tile<3, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 4: return tile<4, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 5: return tile<5, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 6: return tile<6, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 7: return tile<7, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 8: return tile<8, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 9: return tile<9, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 10: return tile<10, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 11: return tile<11, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 12: return tile<12, H>(kc, a, b, ldb, c, ldc, cols, ep);
    case 13: return tile<13, H>(kc, a, b, ldb, c, ldc, cols, ep);
    default: return tile<14, H>(kc, a, b, ldb, c, ldc, cols, ep);
  }
}

}  // namespace

void f32_gemm_14x32__avx512(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                            int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& ep) {
  if (cols > 16) tile_rows<true>(kc, a, b, ldb, c, ldc, rows, cols, ep);
  else tile_rows<false>(kc, a, b, ldb, c, ldc, rows, cols, ep);
}

// The single-core FMA peak probe (for the bench): 12 independent chains of 16-lane FMAs, so
// neither latency nor loads limit it; 384 FLOP per iteration.
float f32_fma_chains__avx512(int64_t iters) {
  const __m512 m = _mm512_set1_ps(0.999f), d = _mm512_set1_ps(0.001f);
  __m512 c0 = _mm512_set1_ps(0.f), c1 = _mm512_set1_ps(1.f), c2 = _mm512_set1_ps(2.f);
  __m512 c3 = _mm512_set1_ps(3.f), c4 = _mm512_set1_ps(4.f), c5 = _mm512_set1_ps(5.f);
  __m512 c6 = _mm512_set1_ps(6.f), c7 = _mm512_set1_ps(7.f), c8 = _mm512_set1_ps(8.f);
  __m512 c9 = _mm512_set1_ps(9.f), c10 = _mm512_set1_ps(10.f), c11 = _mm512_set1_ps(11.f);
  for (int64_t i = 0; i < iters; ++i) {
    c0 = _mm512_fmadd_ps(c0, m, d); c1 = _mm512_fmadd_ps(c1, m, d); c2 = _mm512_fmadd_ps(c2, m, d);
    c3 = _mm512_fmadd_ps(c3, m, d); c4 = _mm512_fmadd_ps(c4, m, d); c5 = _mm512_fmadd_ps(c5, m, d);
    c6 = _mm512_fmadd_ps(c6, m, d); c7 = _mm512_fmadd_ps(c7, m, d); c8 = _mm512_fmadd_ps(c8, m, d);
    c9 = _mm512_fmadd_ps(c9, m, d); c10 = _mm512_fmadd_ps(c10, m, d); c11 = _mm512_fmadd_ps(c11, m, d);
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
                           _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
  return _mm512_reduce_add_ps(s);
}

}  // namespace li::gemm
#endif  // __x86_64__
