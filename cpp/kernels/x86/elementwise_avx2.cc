// AVX2+FMA binary, softmax and reduction kernels of the elementwise family. Max/Min propagate
// NaN exactly like the reference (fmax_nan): _mm256_max_ps returns its second operand on NaN,
// so lanes where the first operand is NaN are patched back.
#if defined(__x86_64__)
#include <cmath>
#include <limits>

#include "kernels/elementwise.h"
#include "kernels/simd/avx2_math.h"

namespace li {

namespace {

using namespace avx2;

struct AddV { __m256 operator()(__m256 a, __m256 b) const { return _mm256_add_ps(a, b); } };
struct SubV { __m256 operator()(__m256 a, __m256 b) const { return _mm256_sub_ps(a, b); } };
struct MulV { __m256 operator()(__m256 a, __m256 b) const { return _mm256_mul_ps(a, b); } };
struct DivV { __m256 operator()(__m256 a, __m256 b) const { return _mm256_div_ps(a, b); } };
struct MaxV {
  __m256 operator()(__m256 a, __m256 b) const {
    return _mm256_blendv_ps(_mm256_max_ps(a, b), a, isnan_mask(a));
  }
};
struct MinV {
  __m256 operator()(__m256 a, __m256 b) const {
    return _mm256_blendv_ps(_mm256_min_ps(a, b), a, isnan_mask(a));
  }
};

// y = f(a, b) with a and b each either a pointer stream or a broadcast register.
template <class F, bool AV, bool BV>
inline void bin_loop(const float* a, const float* b, __m256 as, __m256 bs, float* y, int64_t n) {
  F f;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a0 = AV ? _mm256_loadu_ps(a + i) : as, a1 = AV ? _mm256_loadu_ps(a + i + 8) : as;
    __m256 b0 = BV ? _mm256_loadu_ps(b + i) : bs, b1 = BV ? _mm256_loadu_ps(b + i + 8) : bs;
    _mm256_storeu_ps(y + i, f(a0, b0));
    _mm256_storeu_ps(y + i + 8, f(a1, b1));
  }
  if (i + 8 <= n) {
    __m256 a0 = AV ? _mm256_loadu_ps(a + i) : as;
    __m256 b0 = BV ? _mm256_loadu_ps(b + i) : bs;
    _mm256_storeu_ps(y + i, f(a0, b0));
    i += 8;
  }
  if (i < n) {
    __m256i m = tail_mask(n - i);
    __m256 a0 = AV ? _mm256_maskload_ps(a + i, m) : as;
    __m256 b0 = BV ? _mm256_maskload_ps(b + i, m) : bs;
    _mm256_maskstore_ps(y + i, m, f(a0, b0));
  }
}

template <class F>
void bin_vv__avx2(const float* a, const float* b, float* y, int64_t n) {
  bin_loop<F, true, true>(a, b, _mm256_setzero_ps(), _mm256_setzero_ps(), y, n);
}
template <class F>
void bin_vs__avx2(const float* a, float s, float* y, int64_t n) {
  bin_loop<F, true, false>(a, nullptr, _mm256_setzero_ps(), _mm256_set1_ps(s), y, n);
}
template <class F>
void bin_sv__avx2(const float* b, float s, float* y, int64_t n) {
  bin_loop<F, false, true>(nullptr, b, _mm256_set1_ps(s), _mm256_setzero_ps(), y, n);
}

template <class F>
void set_binary(ElementwiseKernels* k, BinOp op) {
  k->binary[int(op)] = bin_vv__avx2<F>;
  k->binary_vs[int(op)] = bin_vs__avx2<F>;
  k->binary_sv[int(op)] = bin_sv__avx2<F>;
}

// Row max with NaN propagation (a NaN anywhere gives NaN, like the reference).
float f32_reduce_max__avx2(const float* x, int64_t n) {
  __m256 m0 = _mm256_set1_ps(-std::numeric_limits<float>::infinity()), m1 = m0;
  __m256 nan = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    m0 = _mm256_max_ps(m0, a);
    m1 = _mm256_max_ps(m1, b);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
  }
  for (; i + 8 <= n; i += 8) {
    __m256 a = _mm256_loadu_ps(x + i);
    m0 = _mm256_max_ps(m0, a);
    nan = _mm256_or_ps(nan, isnan_mask(a));
  }
  float m = hmax(_mm256_max_ps(m0, m1));
  if (_mm256_movemask_ps(nan)) return std::numeric_limits<float>::quiet_NaN();
  for (; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    if (x[i] > m) m = x[i];
  }
  return m;
}
float f32_reduce_min__avx2(const float* x, int64_t n) {
  __m256 m0 = _mm256_set1_ps(std::numeric_limits<float>::infinity()), m1 = m0;
  __m256 nan = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    m0 = _mm256_min_ps(m0, a);
    m1 = _mm256_min_ps(m1, b);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
  }
  for (; i + 8 <= n; i += 8) {
    __m256 a = _mm256_loadu_ps(x + i);
    m0 = _mm256_min_ps(m0, a);
    nan = _mm256_or_ps(nan, isnan_mask(a));
  }
  float m = hmin(_mm256_min_ps(m0, m1));
  if (_mm256_movemask_ps(nan)) return std::numeric_limits<float>::quiet_NaN();
  for (; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    if (x[i] < m) m = x[i];
  }
  return m;
}

// Sums keep four independent accumulators (32 partial sums), which also bounds rounding
// error growth compared with one serial float sum; the reference accumulates in double.
template <bool Square>
float reduce_sum_impl(const float* x, int64_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    __m256 c = _mm256_loadu_ps(x + i + 16), d = _mm256_loadu_ps(x + i + 24);
    if (Square) {
      s0 = _mm256_fmadd_ps(a, a, s0); s1 = _mm256_fmadd_ps(b, b, s1);
      s2 = _mm256_fmadd_ps(c, c, s2); s3 = _mm256_fmadd_ps(d, d, s3);
    } else {
      s0 = _mm256_add_ps(s0, a); s1 = _mm256_add_ps(s1, b);
      s2 = _mm256_add_ps(s2, c); s3 = _mm256_add_ps(s3, d);
    }
  }
  for (; i + 8 <= n; i += 8) {
    __m256 a = _mm256_loadu_ps(x + i);
    s0 = Square ? _mm256_fmadd_ps(a, a, s0) : _mm256_add_ps(s0, a);
  }
  if (i < n) {
    __m256 a = _mm256_maskload_ps(x + i, tail_mask(n - i));
    s1 = Square ? _mm256_fmadd_ps(a, a, s1) : _mm256_add_ps(s1, a);
  }
  return hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}
float f32_reduce_sum__avx2(const float* x, int64_t n) { return reduce_sum_impl<false>(x, n); }
float f32_reduce_sum_squares__avx2(const float* x, int64_t n) { return reduce_sum_impl<true>(x, n); }

// y = exp(x - m), returning the sum of y.
float exp_store_sum(const float* x, float* y, int64_t n, float m) {
  const __m256 vm = _mm256_set1_ps(m);
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
    __m256 b = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), vm));
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
    s0 = _mm256_add_ps(s0, a);
    s1 = _mm256_add_ps(s1, b);
  }
  for (; i < n; i += 8) {
    __m256i mask = tail_mask(n - i < 8 ? n - i : 8);
    __m256 a = exp_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i, mask), vm));
    a = _mm256_and_ps(a, _mm256_castsi256_ps(mask));
    _mm256_maskstore_ps(y + i, mask, a);
    s0 = _mm256_add_ps(s0, a);
  }
  return hsum(_mm256_add_ps(s0, s1));
}
float exp_sum(const float* x, int64_t n, float m) {
  const __m256 vm = _mm256_set1_ps(m);
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_add_ps(s0, exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm)));
    s1 = _mm256_add_ps(s1, exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), vm)));
  }
  for (; i < n; i += 8) {
    __m256i mask = tail_mask(n - i < 8 ? n - i : 8);
    __m256 a = exp_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i, mask), vm));
    s0 = _mm256_add_ps(s0, _mm256_and_ps(a, _mm256_castsi256_ps(mask)));
  }
  return hsum(_mm256_add_ps(s0, s1));
}

void f32_softmax_row__avx2(const float* x, float* y, int64_t n) {
  float m = f32_reduce_max__avx2(x, n);
  float s = exp_store_sum(x, y, n, m);
  bin_vs__avx2<MulV>(y, 1.f / s, y, n);
}
void f32_log_softmax_row__avx2(const float* x, float* y, int64_t n) {
  float m = f32_reduce_max__avx2(x, n);
  float ls = std::log(exp_sum(x, n, m));
  // (x - m) - ls, not x - (m + ls): m + ls would round at m's magnitude.
  const __m256 vm = _mm256_set1_ps(m), vls = _mm256_set1_ps(ls);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm), vls));
  if (i < n) {
    __m256i mask = tail_mask(n - i);
    __m256 a = _mm256_sub_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i, mask), vm), vls);
    _mm256_maskstore_ps(y + i, mask, a);
  }
}

void f32_acc_add__avx2(float* acc, const float* x, int64_t n) { bin_vv__avx2<AddV>(acc, x, acc, n); }
void f32_acc_max__avx2(float* acc, const float* x, int64_t n) { bin_vv__avx2<MaxV>(acc, x, acc, n); }
void f32_acc_min__avx2(float* acc, const float* x, int64_t n) { bin_vv__avx2<MinV>(acc, x, acc, n); }
void f32_acc_add_squares__avx2(float* acc, const float* x, int64_t n) {
  struct Sq { __m256 operator()(__m256 a, __m256 b) const { return _mm256_fmadd_ps(b, b, a); } };
  bin_vv__avx2<Sq>(acc, x, acc, n);
}

}  // namespace

void fill_elementwise_avx2(ElementwiseKernels* k) {
  fill_activation_avx2(k);
  set_binary<AddV>(k, BinOp::Add);
  set_binary<SubV>(k, BinOp::Sub);
  set_binary<MulV>(k, BinOp::Mul);
  set_binary<DivV>(k, BinOp::Div);
  set_binary<MaxV>(k, BinOp::Max);
  set_binary<MinV>(k, BinOp::Min);
  k->softmax_row = f32_softmax_row__avx2;
  k->log_softmax_row = f32_log_softmax_row__avx2;
  k->reduce_sum = f32_reduce_sum__avx2;
  k->reduce_max = f32_reduce_max__avx2;
  k->reduce_min = f32_reduce_min__avx2;
  k->reduce_sum_squares = f32_reduce_sum_squares__avx2;
  k->acc_add = f32_acc_add__avx2;
  k->acc_max = f32_acc_max__avx2;
  k->acc_min = f32_acc_min__avx2;
  k->acc_add_squares = f32_acc_add_squares__avx2;
}

}  // namespace li
#endif  // __x86_64__
