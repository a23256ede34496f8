// Vectorized float math for AVX2+FMA: 8 lanes of exp, log, tanh, sigmoid, erf.
// Include ONLY from files in "liteinfer_avx2_sources" (compiled with -mavx2 -mfma).
// Accuracy (measured against double libm in test_elementwise.cc): exp/log/sigmoid ~2 ulp,
// tanh/erf within 1e-6 relative. Every function maps NaN to NaN and saturates correctly for
// large |x| (exp -> inf/0 with denormals, tanh/erf/sigmoid -> +-1/0).
#pragma once
#if defined(__x86_64__)
#include <immintrin.h>

#include <cstdint>

namespace li {
namespace avx2 {

static inline __m256 set1(float v) { return _mm256_set1_ps(v); }
static inline __m256 isnan_mask(__m256 x) { return _mm256_cmp_ps(x, x, _CMP_UNORD_Q); }
static inline __m256 abs_ps(__m256 x) {
  return _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
}
// 2^n for integer lanes n in [-126, 127].
static inline __m256 pow2i(__m256i n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

// exp(x). Cody-Waite reduction x = n*ln2 + r, |r| <= ln2/2, then the Cephes expf polynomial
// (1 ulp on the reduced range). 2^n is applied in two halves so results in the denormal range
// and up to the overflow threshold are formed without an intermediate overflow.
static inline __m256 exp_ps(__m256 x) {
  __m256 nan = isnan_mask(x);
  __m256 xc = _mm256_min_ps(_mm256_max_ps(x, set1(-104.f)), set1(89.f));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(xc, set1(1.44269504088896341f)),
                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, set1(0.693145751953125f), xc);
  r = _mm256_fnmadd_ps(n, set1(1.428606765330187045e-6f), r);
  __m256 p = set1(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, set1(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, set1(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, set1(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, set1(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, set1(5.0000001201e-1f));
  __m256 r2 = _mm256_mul_ps(r, r);
  p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, set1(1.f)));
  __m256i ni = _mm256_cvtps_epi32(n);              // in [-150, 129]
  __m256i n1 = _mm256_srai_epi32(ni, 1);           // two halves, each in [-75, 65]
  __m256i n2 = _mm256_sub_epi32(ni, n1);
  __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, pow2i(n1)), pow2i(n2));
  return _mm256_blendv_ps(y, x, nan);
}

// log(x): Cephes logf (mantissa in [sqrt(1/2), sqrt(2)), degree-9 polynomial). Denormal inputs
// are scaled by 2^23 first. log(0) = -inf, log(x<0) = NaN, log(inf) = inf, NaN -> NaN.
static inline __m256 log_ps(__m256 x) {
  __m256 zero = _mm256_setzero_ps();
  __m256 is_denorm = _mm256_cmp_ps(x, set1(1.17549435e-38f), _CMP_LT_OQ);
  __m256 xs = _mm256_blendv_ps(x, _mm256_mul_ps(x, set1(8388608.f)), is_denorm);
  __m256 ebias = _mm256_blendv_ps(zero, set1(23.f), is_denorm);
  __m256i xi = _mm256_castps_si256(xs);
  __m256i ei = _mm256_sub_epi32(_mm256_srli_epi32(xi, 23), _mm256_set1_epi32(126));
  // mantissa in [0.5, 1)
  __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(xi, _mm256_set1_epi32(0x007fffff)),
                                                 _mm256_set1_epi32(0x3f000000)));
  __m256 e = _mm256_sub_ps(_mm256_cvtepi32_ps(ei), ebias);
  __m256 small = _mm256_cmp_ps(m, set1(0.707106781186547524f), _CMP_LT_OQ);
  e = _mm256_sub_ps(e, _mm256_and_ps(small, set1(1.f)));
  __m256 f = _mm256_sub_ps(_mm256_add_ps(m, _mm256_and_ps(small, m)), set1(1.f));
  __m256 z = _mm256_mul_ps(f, f);
  __m256 p = set1(7.0376836292e-2f);
  p = _mm256_fmadd_ps(p, f, set1(-1.1514610310e-1f));
  p = _mm256_fmadd_ps(p, f, set1(1.1676998740e-1f));
  p = _mm256_fmadd_ps(p, f, set1(-1.2420140846e-1f));
  p = _mm256_fmadd_ps(p, f, set1(1.4249322787e-1f));
  p = _mm256_fmadd_ps(p, f, set1(-1.6668057665e-1f));
  p = _mm256_fmadd_ps(p, f, set1(2.0000714765e-1f));
  p = _mm256_fmadd_ps(p, f, set1(-2.4999993993e-1f));
  p = _mm256_fmadd_ps(p, f, set1(3.3333331174e-1f));
  __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, f), z);
  y = _mm256_fmadd_ps(e, set1(-2.12194440e-4f), y);
  y = _mm256_fnmadd_ps(z, set1(0.5f), y);
  y = _mm256_add_ps(f, y);
  y = _mm256_fmadd_ps(e, set1(0.693359375f), y);
  // Special cases: x == 0 -> -inf, x < 0 or NaN -> NaN, x == inf -> inf.
  y = _mm256_blendv_ps(y, set1(-__builtin_inff()), _mm256_cmp_ps(x, zero, _CMP_EQ_OQ));
  y = _mm256_blendv_ps(y, set1(__builtin_nanf("")), _mm256_cmp_ps(x, zero, _CMP_NGE_UQ));
  y = _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, set1(__builtin_inff()), _CMP_EQ_OQ));
  return y;
}

// tanh(x): Cephes tanhf. |x| < 0.625: odd polynomial; otherwise 1 - 2/(exp(2|x|)+1) with the
// sign restored; |x| is clamped at 10 (tanh rounds to +-1 in float beyond ~9.01).
static inline __m256 tanh_ps(__m256 x) {
  __m256 ax = abs_ps(x);
  __m256 sign = _mm256_andnot_ps(_mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)), x);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 p = set1(-5.70498872745e-3f);
  p = _mm256_fmadd_ps(p, z, set1(2.06390887954e-2f));
  p = _mm256_fmadd_ps(p, z, set1(-5.37397155531e-2f));
  p = _mm256_fmadd_ps(p, z, set1(1.33314422036e-1f));
  p = _mm256_fmadd_ps(p, z, set1(-3.33332819422e-1f));
  __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
  __m256 e = exp_ps(_mm256_mul_ps(_mm256_min_ps(ax, set1(10.f)), set1(2.f)));
  __m256 big = _mm256_sub_ps(set1(1.f), _mm256_div_ps(set1(2.f), _mm256_add_ps(e, set1(1.f))));
  __m256 y = _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, set1(0.625f), _CMP_LT_OQ));
  y = _mm256_or_ps(abs_ps(y), sign);  // odd function: keeps tanh(-0) = -0
  return _mm256_blendv_ps(y, x, isnan_mask(x));
}

// sigmoid(x) = 1/(1+exp(-x)), evaluated as e/(1+e) with e = exp(-|x|) for x < 0 so that very
// negative inputs keep their relative accuracy instead of flushing through exp overflow.
static inline __m256 sigmoid_ps(__m256 x) {
  __m256 e = exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), abs_ps(x)));
  __m256 r = _mm256_div_ps(set1(1.f), _mm256_add_ps(set1(1.f), e));
  __m256 neg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
  __m256 y = _mm256_blendv_ps(r, _mm256_mul_ps(e, r), neg);
  return _mm256_blendv_ps(y, x, isnan_mask(x));
}

// erf(x). |x| < 0.875: x*P(x^2) (degree 5, fitted minimax-like, 8e-8 relative). Otherwise
// 1 - exp(-x^2) * R(t), t = 1/(1+x/2) (degree 7, 3e-8 relative on [0.875, 3.92]); x^2 is
// carried as hi+lo so exp(-x^2) keeps full accuracy. erf rounds to +-1 beyond 3.92.
static inline __m256 erf_ps(__m256 x) {
  __m256 ax = _mm256_min_ps(abs_ps(x), set1(3.92f));
  __m256 sign = _mm256_andnot_ps(_mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)), x);
  __m256 z = _mm256_mul_ps(ax, ax);
  __m256 p = set1(-6.234371432e-04f);
  p = _mm256_fmadd_ps(p, z, set1(5.038572465e-03f));
  p = _mm256_fmadd_ps(p, z, set1(-2.679617818e-02f));
  p = _mm256_fmadd_ps(p, z, set1(1.128260397e-01f));
  p = _mm256_fmadd_ps(p, z, set1(-3.761256858e-01f));
  p = _mm256_fmadd_ps(p, z, set1(1.128379163e+00f));
  __m256 small = _mm256_mul_ps(p, ax);
  __m256 t = _mm256_div_ps(set1(1.f), _mm256_fmadd_ps(ax, set1(0.5f), set1(1.f)));
  __m256 q = set1(1.201360131e-01f);
  q = _mm256_fmadd_ps(q, t, set1(-4.740213982e-01f));
  q = _mm256_fmadd_ps(q, t, set1(5.675544805e-01f));
  q = _mm256_fmadd_ps(q, t, set1(-1.071865955e-01f));
  q = _mm256_fmadd_ps(q, t, set1(3.495705193e-01f));
  q = _mm256_fmadd_ps(q, t, set1(2.591696581e-01f));
  q = _mm256_fmadd_ps(q, t, set1(2.849958084e-01f));
  q = _mm256_fmadd_ps(q, t, set1(-1.598509449e-04f));
  __m256 zlo = _mm256_fmsub_ps(ax, ax, z);  // x^2 = z + zlo exactly
  __m256 ez = exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), z));
  ez = _mm256_fnmadd_ps(ez, zlo, ez);       // exp(-z-zlo) ~ exp(-z)*(1-zlo)
  __m256 big = _mm256_fnmadd_ps(ez, q, set1(1.f));
  __m256 y = _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, set1(0.875f), _CMP_LT_OQ));
  y = _mm256_or_ps(y, sign);
  return _mm256_blendv_ps(y, x, isnan_mask(x));
}

// Horizontal reductions of one register.
static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static inline float hmin(__m256 v) {
  __m128 s = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_min_ps(s, _mm_movehl_ps(s, s));
  s = _mm_min_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Mask for the first n (0..8) lanes, for loads/stores of a loop's tail.
static inline __m256i tail_mask(int64_t n) {
  static const int32_t kMask[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask + 8 - n));
}

}  // namespace avx2
}  // namespace li
#endif  // __x86_64__
