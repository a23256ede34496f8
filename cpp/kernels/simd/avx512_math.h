// Vectorized float math for AVX-512F: 16 lanes of exp and sigmoid, for the AVX-512 GEMM's
// epilogue. Include ONLY from files in "liteinfer_avx512_sources". The formulas follow
// avx2_math.h (same reduction and polynomial), with AVX-512's own tools where they are exact
// and cheaper: scalef applies 2^n (over- and underflow to inf / denormals / 0 included), and
// the reciprocal is rcp14 refined by one Newton step (relative error ~2^-28 before rounding)
// instead of a division (vdivps: 5+ cycles per vector on Zen 4/5, the sigmoid's bottleneck).
#pragma once
#if defined(__x86_64__)
#include <immintrin.h>

namespace li {
namespace avx512 {

static inline __m512 set1(float v) { return _mm512_set1_ps(v); }

// exp(x), x <= 0 or moderate: Cody-Waite reduction x = n*ln2 + r, the Cephes expf polynomial
// (1 ulp on the reduced range), then scalef by n. NaN stays NaN.
static inline __m512 exp_ps(__m512 x) {
  const __m512 xc = _mm512_max_ps(x, set1(-104.f));  // below: 0 after scalef anyway
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(xc, set1(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, set1(0.693145751953125f), xc);
  r = _mm512_fnmadd_ps(n, set1(1.428606765330187045e-6f), r);
  __m512 p = set1(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, set1(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, set1(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, set1(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, set1(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, set1(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, set1(1.f)));
  return _mm512_scalef_ps(p, n);
}

// 1/d for d in [1, 2]: rcp14 and one Newton step.
static inline __m512 recip_1_2(__m512 d) {
  const __m512 r = _mm512_rcp14_ps(d);
  return _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, set1(2.f)));
}

// sigmoid(x) = 1/(1+exp(-x)), as e/(1+e) with e = exp(-|x|) for x < 0 (relative accuracy for
// very negative x); 1+e is in [1, 2], where the Newton-refined rcp14 is exact to ~1e-8.
static inline __m512 sigmoid_ps(__m512 x) {
  const __m512 ax = _mm512_abs_ps(x);
  const __m512 e = exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), ax));
  const __m512 r = recip_1_2(_mm512_add_ps(set1(1.f), e));
  const __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
  const __m512 y = _mm512_mask_mul_ps(r, neg, e, r);
  return _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), x);  // NaN -> NaN
}

}  // namespace avx512
}  // namespace li
#endif  // __x86_64__
