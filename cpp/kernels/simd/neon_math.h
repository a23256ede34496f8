// Vectorized float math for aarch64 NEON: 4 lanes of exp, log, tanh, sigmoid, erf, and the
// fused activations. The same names, formulas and constants as simd/avx2_math.h (Cephes-based,
// see there for the accuracy and why each step is there), so both tiers give the same answers
// to within rounding; the NaN rules differ by ISA and are spelled out where they matter:
// NEON fmax/fmin propagate NaN from either operand, fmaxnm/fminnm return the number.
// Include ONLY from files in "liteinfer_neon_sources" (kernels/arm/).
#pragma once
#if defined(__aarch64__)
#include <arm_neon.h>

#include <cstdint>

#include "kernels/activation.h"

namespace li {
namespace neon {

static inline float32x4_t set1(float v) { return vdupq_n_f32(v); }
static inline uint32x4_t isnan_mask(float32x4_t x) { return vmvnq_u32(vceqq_f32(x, x)); }
static inline float32x4_t abs_ps(float32x4_t x) { return vabsq_f32(x); }
// (m ? b : a), the operand order of _mm256_blendv_ps(a, b, m).
static inline float32x4_t blend(float32x4_t a, float32x4_t b, uint32x4_t m) { return vbslq_f32(m, b, a); }
static inline float32x4_t sign_of(float32x4_t x) {
  return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(x), vdupq_n_u32(0x80000000u)));
}
static inline float32x4_t or_ps(float32x4_t a, float32x4_t b) {
  return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(a), vreinterpretq_u32_f32(b)));
}
// 2^n for integer lanes n in [-126, 127].
static inline float32x4_t pow2i(int32x4_t n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n, vdupq_n_s32(127)), 23));
}

// exp(x): Cody-Waite reduction and the Cephes expf polynomial; 2^n applied in two halves.
static inline float32x4_t exp_ps(float32x4_t x) {
  const uint32x4_t nan = isnan_mask(x);
  const float32x4_t xc = vminq_f32(vmaxq_f32(x, set1(-104.f)), set1(89.f));
  const float32x4_t n = vrndnq_f32(vmulq_f32(xc, set1(1.44269504088896341f)));
  float32x4_t r = vfmsq_f32(xc, n, set1(0.693145751953125f));
  r = vfmsq_f32(r, n, set1(1.428606765330187045e-6f));
  float32x4_t p = set1(1.9875691500e-4f);
  p = vfmaq_f32(set1(1.3981999507e-3f), p, r);
  p = vfmaq_f32(set1(8.3334519073e-3f), p, r);
  p = vfmaq_f32(set1(4.1665795894e-2f), p, r);
  p = vfmaq_f32(set1(1.6666665459e-1f), p, r);
  p = vfmaq_f32(set1(5.0000001201e-1f), p, r);
  const float32x4_t r2 = vmulq_f32(r, r);
  p = vfmaq_f32(vaddq_f32(r, set1(1.f)), p, r2);
  const int32x4_t ni = vcvtq_s32_f32(n);  // n is integral: exact
  const int32x4_t n1 = vshrq_n_s32(ni, 1);
  const int32x4_t n2 = vsubq_s32(ni, n1);
  const float32x4_t y = vmulq_f32(vmulq_f32(p, pow2i(n1)), pow2i(n2));
  return blend(y, x, nan);
}

// log(x): Cephes logf; denormals scaled by 2^23 first. log(0) = -inf, log(x<0) = NaN.
static inline float32x4_t log_ps(float32x4_t x) {
  const float32x4_t zero = vdupq_n_f32(0.f);
  const uint32x4_t is_denorm = vcltq_f32(x, set1(1.17549435e-38f));
  const float32x4_t xs = blend(x, vmulq_f32(x, set1(8388608.f)), is_denorm);
  const float32x4_t ebias = blend(zero, set1(23.f), is_denorm);
  const uint32x4_t xi = vreinterpretq_u32_f32(xs);
  const int32x4_t ei = vsubq_s32(vreinterpretq_s32_u32(vshrq_n_u32(xi, 23)), vdupq_n_s32(126));
  const float32x4_t m = vreinterpretq_f32_u32(
      vorrq_u32(vandq_u32(xi, vdupq_n_u32(0x007fffffu)), vdupq_n_u32(0x3f000000u)));
  float32x4_t e = vsubq_f32(vcvtq_f32_s32(ei), ebias);
  const uint32x4_t small = vcltq_f32(m, set1(0.707106781186547524f));
  e = vsubq_f32(e, vreinterpretq_f32_u32(vandq_u32(small, vreinterpretq_u32_f32(set1(1.f)))));
  const float32x4_t f = vsubq_f32(vaddq_f32(m, blend(zero, m, small)), set1(1.f));
  const float32x4_t z = vmulq_f32(f, f);
  float32x4_t p = set1(7.0376836292e-2f);
  p = vfmaq_f32(set1(-1.1514610310e-1f), p, f);
  p = vfmaq_f32(set1(1.1676998740e-1f), p, f);
  p = vfmaq_f32(set1(-1.2420140846e-1f), p, f);
  p = vfmaq_f32(set1(1.4249322787e-1f), p, f);
  p = vfmaq_f32(set1(-1.6668057665e-1f), p, f);
  p = vfmaq_f32(set1(2.0000714765e-1f), p, f);
  p = vfmaq_f32(set1(-2.4999993993e-1f), p, f);
  p = vfmaq_f32(set1(3.3333331174e-1f), p, f);
  float32x4_t y = vmulq_f32(vmulq_f32(p, f), z);
  y = vfmaq_f32(y, e, set1(-2.12194440e-4f));
  y = vfmsq_f32(y, z, set1(0.5f));
  y = vaddq_f32(f, y);
  y = vfmaq_f32(y, e, set1(0.693359375f));
  y = blend(y, set1(-__builtin_inff()), vceqq_f32(x, zero));
  y = blend(y, set1(__builtin_nanf("")), vmvnq_u32(vcgeq_f32(x, zero)));  // x < 0 or NaN
  y = blend(y, x, vceqq_f32(x, set1(__builtin_inff())));
  return y;
}

// tanh(x): Cephes tanhf (odd polynomial below 0.625, else 1 - 2/(exp(2|x|)+1)).
static inline float32x4_t tanh_ps(float32x4_t x) {
  const float32x4_t ax = abs_ps(x), sign = sign_of(x);
  const float32x4_t z = vmulq_f32(x, x);
  float32x4_t p = set1(-5.70498872745e-3f);
  p = vfmaq_f32(set1(2.06390887954e-2f), p, z);
  p = vfmaq_f32(set1(-5.37397155531e-2f), p, z);
  p = vfmaq_f32(set1(1.33314422036e-1f), p, z);
  p = vfmaq_f32(set1(-3.33332819422e-1f), p, z);
  const float32x4_t small = vfmaq_f32(x, vmulq_f32(p, z), x);
  const float32x4_t e = exp_ps(vmulq_f32(vminq_f32(ax, set1(10.f)), set1(2.f)));
  const float32x4_t big = vsubq_f32(set1(1.f), vdivq_f32(set1(2.f), vaddq_f32(e, set1(1.f))));
  float32x4_t y = blend(big, small, vcltq_f32(ax, set1(0.625f)));
  y = or_ps(abs_ps(y), sign);  // keeps tanh(-0) = -0
  return blend(y, x, isnan_mask(x));
}

// sigmoid(x) as e/(1+e) with e = exp(-|x|) for x < 0 (no overflow for very negative x).
static inline float32x4_t sigmoid_ps(float32x4_t x) {
  const float32x4_t e = exp_ps(vnegq_f32(abs_ps(x)));
  const float32x4_t r = vdivq_f32(set1(1.f), vaddq_f32(set1(1.f), e));
  const float32x4_t y = blend(r, vmulq_f32(e, r), vcltq_f32(x, vdupq_n_f32(0.f)));
  return blend(y, x, isnan_mask(x));
}

// erf(x): x*P(x^2) below 0.875, else 1 - exp(-x^2)*R(1/(1+x/2)); x^2 carried as hi+lo.
static inline float32x4_t erf_ps(float32x4_t x) {
  const float32x4_t ax = vminq_f32(abs_ps(x), set1(3.92f));
  const float32x4_t sign = sign_of(x);
  const float32x4_t z = vmulq_f32(ax, ax);
  float32x4_t p = set1(-6.234371432e-04f);
  p = vfmaq_f32(set1(5.038572465e-03f), p, z);
  p = vfmaq_f32(set1(-2.679617818e-02f), p, z);
  p = vfmaq_f32(set1(1.128260397e-01f), p, z);
  p = vfmaq_f32(set1(-3.761256858e-01f), p, z);
  p = vfmaq_f32(set1(1.128379163e+00f), p, z);
  const float32x4_t small = vmulq_f32(p, ax);
  const float32x4_t t = vdivq_f32(set1(1.f), vfmaq_f32(set1(1.f), ax, set1(0.5f)));
  float32x4_t q = set1(1.201360131e-01f);
  q = vfmaq_f32(set1(-4.740213982e-01f), q, t);
  q = vfmaq_f32(set1(5.675544805e-01f), q, t);
  q = vfmaq_f32(set1(-1.071865955e-01f), q, t);
  q = vfmaq_f32(set1(3.495705193e-01f), q, t);
  q = vfmaq_f32(set1(2.591696581e-01f), q, t);
  q = vfmaq_f32(set1(2.849958084e-01f), q, t);
  q = vfmaq_f32(set1(-1.598509449e-04f), q, t);
  const float32x4_t zlo = vfmaq_f32(vnegq_f32(z), ax, ax);  // x^2 = z + zlo exactly
  float32x4_t ez = exp_ps(vnegq_f32(z));
  ez = vfmsq_f32(ez, ez, zlo);
  const float32x4_t big = vfmsq_f32(set1(1.f), ez, q);
  float32x4_t y = blend(big, small, vcltq_f32(ax, set1(0.875f)));
  y = or_ps(y, sign);
  return blend(y, x, isnan_mask(x));
}

// One activation on 4 lanes, exactly as Activation::apply() treats NaN: Relu maps NaN to 0
// (fmaxnm), the others pass it through.
static inline float32x4_t activate(float32x4_t v, Activation::Kind kind, float alpha, float beta) {
  const float32x4_t zero = vdupq_n_f32(0.f), one = set1(1.f);
  switch (kind) {
    case Activation::None: return v;
    case Activation::Relu: return vmaxnmq_f32(v, zero);
    case Activation::Clip: {  // x < alpha ? alpha : (x > beta ? beta : x)
      const float32x4_t r = blend(v, set1(beta), vcgtq_f32(v, set1(beta)));
      return blend(r, set1(alpha), vcltq_f32(v, set1(alpha)));
    }
    case Activation::LeakyRelu:
      return blend(vmulq_f32(v, set1(alpha)), v, vcgeq_f32(v, zero));
    case Activation::Sigmoid: return sigmoid_ps(v);
    case Activation::HardSigmoid:  // fmax/fmin keep NaN
      return vminq_f32(one, vmaxq_f32(zero, vfmaq_f32(set1(beta), set1(alpha), v)));
    case Activation::HardSwish: {
      const float32x4_t t = vaddq_f32(vdivq_f32(v, set1(6.f)), set1(0.5f));
      return vmulq_f32(v, vminq_f32(one, vmaxq_f32(zero, t)));
    }
    case Activation::Tanh: return tanh_ps(v);
    case Activation::SiLU: return vmulq_f32(v, sigmoid_ps(v));
    case Activation::Gelu: {
      const float32x4_t e = erf_ps(vmulq_f32(v, set1(0.70710678118654752f)));
      return vmulq_f32(vmulq_f32(set1(0.5f), v), vaddq_f32(one, e));
    }
  }
  return v;
}

// Horizontal reductions of one register (fmaxv/fminv propagate NaN).
static inline float hsum(float32x4_t v) { return vaddvq_f32(v); }
static inline float hmax(float32x4_t v) { return vmaxvq_f32(v); }
static inline float hmin(float32x4_t v) { return vminvq_f32(v); }

}  // namespace neon
}  // namespace li
#endif  // __aarch64__
