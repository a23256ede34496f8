// aarch64 NEON binary, softmax and reduction kernels of the elementwise family. Max/Min are
// written as the reference's fmax_nan (a is NaN or a > b ? a : b), not with fmax, so signed
// zeros and NaN come out exactly as in the reference.
#if defined(__aarch64__)
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/elementwise.h"
#include "kernels/simd/neon_math.h"

namespace li {

namespace {

using namespace neon;

struct AddV { float32x4_t operator()(float32x4_t a, float32x4_t b) const { return vaddq_f32(a, b); } };
struct SubV { float32x4_t operator()(float32x4_t a, float32x4_t b) const { return vsubq_f32(a, b); } };
struct MulV { float32x4_t operator()(float32x4_t a, float32x4_t b) const { return vmulq_f32(a, b); } };
struct DivV { float32x4_t operator()(float32x4_t a, float32x4_t b) const { return vdivq_f32(a, b); } };
struct MaxV {
  float32x4_t operator()(float32x4_t a, float32x4_t b) const {
    return vbslq_f32(vorrq_u32(vcgtq_f32(a, b), isnan_mask(a)), a, b);
  }
};
struct MinV {
  float32x4_t operator()(float32x4_t a, float32x4_t b) const {
    return vbslq_f32(vorrq_u32(vcltq_f32(a, b), isnan_mask(a)), a, b);
  }
};

// Loads the n (< 4) floats at p into the low lanes of a zeroed register.
inline float32x4_t load_tail(const float* p, int64_t n) {
  float t[4] = {0.f, 0.f, 0.f, 0.f};
  std::memcpy(t, p, size_t(n) * sizeof(float));
  return vld1q_f32(t);
}
inline void store_tail(float* p, float32x4_t v, int64_t n) {
  float t[4];
  vst1q_f32(t, v);
  std::memcpy(p, t, size_t(n) * sizeof(float));
}

// y = f(a, b) with a and b each either a pointer stream or a broadcast register.
template <class F, bool AV, bool BV>
inline void bin_loop(const float* a, const float* b, float32x4_t as, float32x4_t bs, float* y, int64_t n) {
  F f;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t a0 = AV ? vld1q_f32(a + i) : as, a1 = AV ? vld1q_f32(a + i + 4) : as;
    const float32x4_t b0 = BV ? vld1q_f32(b + i) : bs, b1 = BV ? vld1q_f32(b + i + 4) : bs;
    vst1q_f32(y + i, f(a0, b0));
    vst1q_f32(y + i + 4, f(a1, b1));
  }
  if (i + 4 <= n) {
    vst1q_f32(y + i, f(AV ? vld1q_f32(a + i) : as, BV ? vld1q_f32(b + i) : bs));
    i += 4;
  }
  if (i < n)
    store_tail(y + i, f(AV ? load_tail(a + i, n - i) : as, BV ? load_tail(b + i, n - i) : bs), n - i);
}

template <class F>
void bin_vv__neon(const float* a, const float* b, float* y, int64_t n) {
  bin_loop<F, true, true>(a, b, vdupq_n_f32(0.f), vdupq_n_f32(0.f), y, n);
}
template <class F>
void bin_vs__neon(const float* a, float s, float* y, int64_t n) {
  bin_loop<F, true, false>(a, nullptr, vdupq_n_f32(0.f), vdupq_n_f32(s), y, n);
}
template <class F>
void bin_sv__neon(const float* b, float s, float* y, int64_t n) {
  bin_loop<F, false, true>(nullptr, b, vdupq_n_f32(s), vdupq_n_f32(0.f), y, n);
}

template <class F>
void set_binary(ElementwiseKernels* k, BinOp op) {
  k->binary[int(op)] = bin_vv__neon<F>;
  k->binary_vs[int(op)] = bin_vs__neon<F>;
  k->binary_sv[int(op)] = bin_sv__neon<F>;
}

// Row max / min: fmax/fmin propagate a NaN from either operand, so a NaN anywhere gives NaN.
template <bool Max>
float reduce_extreme(const float* x, int64_t n) {
  const float init = Max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  float32x4_t m0 = vdupq_n_f32(init), m1 = m0;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t a = vld1q_f32(x + i), b = vld1q_f32(x + i + 4);
    m0 = Max ? vmaxq_f32(m0, a) : vminq_f32(m0, a);
    m1 = Max ? vmaxq_f32(m1, b) : vminq_f32(m1, b);
  }
  float m = Max ? hmax(vmaxq_f32(m0, m1)) : hmin(vminq_f32(m0, m1));
  for (; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    if (Max ? x[i] > m : x[i] < m) m = x[i];
  }
  return m;
}
float f32_reduce_max__neon(const float* x, int64_t n) { return reduce_extreme<true>(x, n); }
float f32_reduce_min__neon(const float* x, int64_t n) { return reduce_extreme<false>(x, n); }

// Four independent accumulators (16 partial sums); the reference accumulates in double.
template <bool Square>
float reduce_sum_impl(const float* x, int64_t n) {
  float32x4_t s0 = vdupq_n_f32(0.f), s1 = s0, s2 = s0, s3 = s0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const float32x4_t a = vld1q_f32(x + i), b = vld1q_f32(x + i + 4);
    const float32x4_t c = vld1q_f32(x + i + 8), d = vld1q_f32(x + i + 12);
    if (Square) {
      s0 = vfmaq_f32(s0, a, a); s1 = vfmaq_f32(s1, b, b);
      s2 = vfmaq_f32(s2, c, c); s3 = vfmaq_f32(s3, d, d);
    } else {
      s0 = vaddq_f32(s0, a); s1 = vaddq_f32(s1, b);
      s2 = vaddq_f32(s2, c); s3 = vaddq_f32(s3, d);
    }
  }
  for (; i + 4 <= n; i += 4) {
    const float32x4_t a = vld1q_f32(x + i);
    s0 = Square ? vfmaq_f32(s0, a, a) : vaddq_f32(s0, a);
  }
  if (i < n) {
    const float32x4_t a = load_tail(x + i, n - i);
    s1 = Square ? vfmaq_f32(s1, a, a) : vaddq_f32(s1, a);
  }
  return hsum(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
}
float f32_reduce_sum__neon(const float* x, int64_t n) { return reduce_sum_impl<false>(x, n); }
float f32_reduce_sum_squares__neon(const float* x, int64_t n) { return reduce_sum_impl<true>(x, n); }

// y = exp(x - m) (when Store), returning the sum of exp(x - m).
template <bool Store>
float exp_sum(const float* x, float* y, int64_t n, float m) {
  const float32x4_t vm = vdupq_n_f32(m);
  float32x4_t s0 = vdupq_n_f32(0.f), s1 = s0;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t a = exp_ps(vsubq_f32(vld1q_f32(x + i), vm));
    const float32x4_t b = exp_ps(vsubq_f32(vld1q_f32(x + i + 4), vm));
    if (Store) {
      vst1q_f32(y + i, a);
      vst1q_f32(y + i + 4, b);
    }
    s0 = vaddq_f32(s0, a);
    s1 = vaddq_f32(s1, b);
  }
  for (; i < n; i += 4) {
    const int64_t k = n - i < 4 ? n - i : 4;
    float32x4_t a = exp_ps(vsubq_f32(load_tail(x + i, k), vm));
    float t[4];
    vst1q_f32(t, a);
    for (int64_t j = k; j < 4; ++j) t[j] = 0.f;  // lanes past the row add nothing
    a = vld1q_f32(t);
    if (Store) store_tail(y + i, a, k);
    s0 = vaddq_f32(s0, a);
  }
  return hsum(vaddq_f32(s0, s1));
}

void f32_softmax_row__neon(const float* x, float* y, int64_t n) {
  const float m = f32_reduce_max__neon(x, n);
  const float s = exp_sum<true>(x, y, n, m);
  bin_vs__neon<MulV>(y, 1.f / s, y, n);
}
void f32_log_softmax_row__neon(const float* x, float* y, int64_t n) {
  const float m = f32_reduce_max__neon(x, n);
  const float ls = std::log(exp_sum<false>(x, nullptr, n, m));
  // (x - m) - ls, not x - (m + ls): m + ls would round at m's magnitude.
  const float32x4_t vm = vdupq_n_f32(m), vls = vdupq_n_f32(ls);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vsubq_f32(vsubq_f32(vld1q_f32(x + i), vm), vls));
  if (i < n) store_tail(y + i, vsubq_f32(vsubq_f32(load_tail(x + i, n - i), vm), vls), n - i);
}

void f32_acc_add__neon(float* acc, const float* x, int64_t n) { bin_vv__neon<AddV>(acc, x, acc, n); }
void f32_acc_max__neon(float* acc, const float* x, int64_t n) { bin_vv__neon<MaxV>(acc, x, acc, n); }
void f32_acc_min__neon(float* acc, const float* x, int64_t n) { bin_vv__neon<MinV>(acc, x, acc, n); }
void f32_acc_add_squares__neon(float* acc, const float* x, int64_t n) {
  struct Sq { float32x4_t operator()(float32x4_t a, float32x4_t b) const { return vfmaq_f32(a, b, b); } };
  bin_vv__neon<Sq>(acc, x, acc, n);
}

}  // namespace

void fill_elementwise_neon(ElementwiseKernels* k) {
  fill_activation_neon(k);
  set_binary<AddV>(k, BinOp::Add);
  set_binary<SubV>(k, BinOp::Sub);
  set_binary<MulV>(k, BinOp::Mul);
  set_binary<DivV>(k, BinOp::Div);
  set_binary<MaxV>(k, BinOp::Max);
  set_binary<MinV>(k, BinOp::Min);
  k->softmax_row = f32_softmax_row__neon;
  k->log_softmax_row = f32_log_softmax_row__neon;
  k->reduce_sum = f32_reduce_sum__neon;
  k->reduce_max = f32_reduce_max__neon;
  k->reduce_min = f32_reduce_min__neon;
  k->reduce_sum_squares = f32_reduce_sum_squares__neon;
  k->acc_add = f32_acc_add__neon;
  k->acc_max = f32_acc_max__neon;
  k->acc_min = f32_acc_min__neon;
  k->acc_add_squares = f32_acc_add_squares__neon;
}

}  // namespace li
#endif  // __aarch64__
