// AVX2+FMA activation and unary math kernels: 16 floats per iteration, the tail through a
// masked load/store so every element takes the same vector path (results do not depend on n).
#if defined(__x86_64__)
#include <cstring>

#include "kernels/elementwise.h"
#include "kernels/simd/avx2_math.h"

namespace li {

namespace {

using namespace avx2;

template <class F>
inline void map_ps(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = _mm256_loadu_ps(x + i);
    __m256 b = _mm256_loadu_ps(x + i + 8);
    _mm256_storeu_ps(y + i, f(a));
    _mm256_storeu_ps(y + i + 8, f(b));
  }
  if (i + 8 <= n) {
    _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(x + i)));
    i += 8;
  }
  if (i < n) {
    __m256i m = tail_mask(n - i);
    _mm256_maskstore_ps(y + i, m, f(_mm256_maskload_ps(x + i, m)));
  }
}

void f32_exp__avx2(const float* x, float* y, int64_t n) { map_ps(x, y, n, exp_ps); }
void f32_log__avx2(const float* x, float* y, int64_t n) { map_ps(x, y, n, log_ps); }
void f32_tanh__avx2(const float* x, float* y, int64_t n) { map_ps(x, y, n, tanh_ps); }
void f32_sigmoid__avx2(const float* x, float* y, int64_t n) { map_ps(x, y, n, sigmoid_ps); }
void f32_erf__avx2(const float* x, float* y, int64_t n) { map_ps(x, y, n, erf_ps); }
void f32_sqrt__avx2(const float* x, float* y, int64_t n) {
  map_ps(x, y, n, [](__m256 v) { return _mm256_sqrt_ps(v); });
}
void f32_abs__avx2(const float* x, float* y, int64_t n) { map_ps(x, y, n, abs_ps); }
void f32_neg__avx2(const float* x, float* y, int64_t n) {
  __m256 sign = _mm256_set1_ps(-0.f);
  map_ps(x, y, n, [sign](__m256 v) { return _mm256_xor_ps(v, sign); });
}

}  // namespace

// Each case mirrors Activation::apply() exactly, including NaN handling (Relu maps NaN to 0,
// Clip and the others pass NaN through).
void f32_activation__avx2(const Activation& a, const float* x, float* y, int64_t n) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.f);
  const __m256 alpha = _mm256_set1_ps(a.alpha), beta = _mm256_set1_ps(a.beta);
  switch (a.kind) {
    case Activation::None:
      if (x != y) std::memmove(y, x, size_t(n) * sizeof(float));
      return;
    case Activation::Relu:
      return map_ps(x, y, n, [=](__m256 v) { return _mm256_max_ps(v, zero); });
    case Activation::Clip:
      return map_ps(x, y, n, [=](__m256 v) {
        __m256 r = _mm256_blendv_ps(v, beta, _mm256_cmp_ps(v, beta, _CMP_GT_OQ));
        return _mm256_blendv_ps(r, alpha, _mm256_cmp_ps(v, alpha, _CMP_LT_OQ));
      });
    case Activation::LeakyRelu:
      return map_ps(x, y, n, [=](__m256 v) {
        return _mm256_blendv_ps(_mm256_mul_ps(v, alpha), v, _mm256_cmp_ps(v, zero, _CMP_GE_OQ));
      });
    case Activation::Sigmoid:
      return map_ps(x, y, n, sigmoid_ps);
    case Activation::HardSigmoid:
      return map_ps(x, y, n, [=](__m256 v) {
        __m256 t = _mm256_fmadd_ps(alpha, v, beta);
        return _mm256_min_ps(one, _mm256_max_ps(zero, t));  // NaN stays NaN (second operand)
      });
    case Activation::HardSwish: {
      const __m256 six = _mm256_set1_ps(6.f), half = _mm256_set1_ps(0.5f);
      return map_ps(x, y, n, [=](__m256 v) {
        __m256 t = _mm256_add_ps(_mm256_div_ps(v, six), half);
        return _mm256_mul_ps(v, _mm256_min_ps(one, _mm256_max_ps(zero, t)));
      });
    }
    case Activation::Tanh:
      return map_ps(x, y, n, tanh_ps);
    case Activation::SiLU:
      return map_ps(x, y, n, [](__m256 v) { return _mm256_mul_ps(v, sigmoid_ps(v)); });
    case Activation::Gelu: {
      const __m256 half = _mm256_set1_ps(0.5f), rsqrt2 = _mm256_set1_ps(0.70710678118654752f);
      return map_ps(x, y, n, [=](__m256 v) {
        __m256 e = erf_ps(_mm256_mul_ps(v, rsqrt2));
        return _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, e));
      });
    }
  }
  f32_activation__ref(a, x, y, n);  // unknown kind: the reference decides
}

void fill_activation_avx2(ElementwiseKernels* k) {
  k->tier = "avx2";
  k->activation = f32_activation__avx2;
  k->unary[int(UnOp::Exp)] = f32_exp__avx2;
  k->unary[int(UnOp::Log)] = f32_log__avx2;
  k->unary[int(UnOp::Tanh)] = f32_tanh__avx2;
  k->unary[int(UnOp::Sigmoid)] = f32_sigmoid__avx2;
  k->unary[int(UnOp::Erf)] = f32_erf__avx2;
  k->unary[int(UnOp::Sqrt)] = f32_sqrt__avx2;
  k->unary[int(UnOp::Abs)] = f32_abs__avx2;
  k->unary[int(UnOp::Neg)] = f32_neg__avx2;
}

}  // namespace li
#endif  // __x86_64__
