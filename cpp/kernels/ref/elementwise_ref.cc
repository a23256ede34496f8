// Reference kernels of the elementwise family: plain loops, the executable spec that every
// SIMD variant is tested against, and the fallback on every CPU.
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/elementwise.h"

namespace li {

void f32_activation__ref(const Activation& a, const float* x, float* y, int64_t n) {
  if (a.kind == Activation::None) {
    if (x != y) std::memmove(y, x, size_t(n) * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < n; ++i) y[i] = a.apply(x[i]);
}

namespace {

template <class F>
void map1(const float* x, float* y, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

void f32_exp__ref(const float* x, float* y, int64_t n) { map1(x, y, n, [](float v) { return std::exp(v); }); }
void f32_log__ref(const float* x, float* y, int64_t n) { map1(x, y, n, [](float v) { return std::log(v); }); }
void f32_tanh__ref(const float* x, float* y, int64_t n) { map1(x, y, n, [](float v) { return std::tanh(v); }); }
void f32_sigmoid__ref(const float* x, float* y, int64_t n) {
  // exp(-|x|) never overflows, so very negative inputs keep their relative accuracy.
  map1(x, y, n, [](float v) {
    float e = std::exp(-std::fabs(v));
    return v >= 0.f ? 1.f / (1.f + e) : e / (1.f + e);
  });
}
void f32_erf__ref(const float* x, float* y, int64_t n) { map1(x, y, n, [](float v) { return std::erf(v); }); }
void f32_sqrt__ref(const float* x, float* y, int64_t n) { map1(x, y, n, [](float v) { return std::sqrt(v); }); }
void f32_abs__ref(const float* x, float* y, int64_t n) { map1(x, y, n, [](float v) { return std::fabs(v); }); }
void f32_neg__ref(const float* x, float* y, int64_t n) { map1(x, y, n, [](float v) { return -v; }); }

// Max/Min propagate NaN (numpy maximum/minimum; ONNX leaves it open, onnxruntime agrees).
inline float fmax_nan(float a, float b) { return (a != a || a > b) ? a : b; }
inline float fmin_nan(float a, float b) { return (a != a || a < b) ? a : b; }

struct AddF { float operator()(float a, float b) const { return a + b; } };
struct SubF { float operator()(float a, float b) const { return a - b; } };
struct MulF { float operator()(float a, float b) const { return a * b; } };
struct DivF { float operator()(float a, float b) const { return a / b; } };
struct MaxF { float operator()(float a, float b) const { return fmax_nan(a, b); } };
struct MinF { float operator()(float a, float b) const { return fmin_nan(a, b); } };

template <class F>
void bin_vv(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = F()(a[i], b[i]);
}
template <class F>
void bin_vs(const float* a, float s, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = F()(a[i], s);
}
template <class F>
void bin_sv(const float* b, float s, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = F()(s, b[i]);
}

// Softmax rows subtract the max first so exp never overflows (a row of -inf gives NaN, as
// onnxruntime does; a row holding +inf gives NaN too).
void f32_softmax_row__ref(const float* x, float* y, int64_t n) {
  float m = x[0];
  for (int64_t i = 1; i < n; ++i) m = fmax_nan(m, x[i]);
  double s = 0;
  for (int64_t i = 0; i < n; ++i) { y[i] = std::exp(x[i] - m); s += y[i]; }
  float inv = float(1.0 / s);
  for (int64_t i = 0; i < n; ++i) y[i] *= inv;
}
void f32_log_softmax_row__ref(const float* x, float* y, int64_t n) {
  float m = x[0];
  for (int64_t i = 1; i < n; ++i) m = fmax_nan(m, x[i]);
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += std::exp(double(x[i] - m));
  float ls = float(std::log(s));
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] - m - ls;
}

float f32_reduce_sum__ref(const float* x, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += x[i];
  return float(s);
}
float f32_reduce_sum_squares__ref(const float* x, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += double(x[i]) * x[i];
  return float(s);
}
float f32_reduce_max__ref(const float* x, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) m = fmax_nan(m, x[i]);
  return m;
}
float f32_reduce_min__ref(const float* x, int64_t n) {
  float m = std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) m = fmin_nan(m, x[i]);
  return m;
}

void f32_acc_add__ref(float* acc, const float* x, int64_t n) { for (int64_t i = 0; i < n; ++i) acc[i] += x[i]; }
void f32_acc_add_squares__ref(float* acc, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] += x[i] * x[i];
}
void f32_acc_max__ref(float* acc, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] = fmax_nan(acc[i], x[i]);
}
void f32_acc_min__ref(float* acc, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] = fmin_nan(acc[i], x[i]);
}

template <class F>
void set_binary(ElementwiseKernels* k, BinOp op) {
  k->binary[int(op)] = bin_vv<F>;
  k->binary_vs[int(op)] = bin_vs<F>;
  k->binary_sv[int(op)] = bin_sv<F>;
}

}  // namespace

void fill_elementwise_ref(ElementwiseKernels* k) {
  k->tier = "generic";
  k->activation = f32_activation__ref;
  k->unary[int(UnOp::Exp)] = f32_exp__ref;
  k->unary[int(UnOp::Log)] = f32_log__ref;
  k->unary[int(UnOp::Tanh)] = f32_tanh__ref;
  k->unary[int(UnOp::Sigmoid)] = f32_sigmoid__ref;
  k->unary[int(UnOp::Erf)] = f32_erf__ref;
  k->unary[int(UnOp::Sqrt)] = f32_sqrt__ref;
  k->unary[int(UnOp::Abs)] = f32_abs__ref;
  k->unary[int(UnOp::Neg)] = f32_neg__ref;
  set_binary<AddF>(k, BinOp::Add);
  set_binary<SubF>(k, BinOp::Sub);
  set_binary<MulF>(k, BinOp::Mul);
  set_binary<DivF>(k, BinOp::Div);
  set_binary<MaxF>(k, BinOp::Max);
  set_binary<MinF>(k, BinOp::Min);
  k->softmax_row = f32_softmax_row__ref;
  k->log_softmax_row = f32_log_softmax_row__ref;
  k->reduce_sum = f32_reduce_sum__ref;
  k->reduce_max = f32_reduce_max__ref;
  k->reduce_min = f32_reduce_min__ref;
  k->reduce_sum_squares = f32_reduce_sum_squares__ref;
  k->acc_add = f32_acc_add__ref;
  k->acc_max = f32_acc_max__ref;
  k->acc_min = f32_acc_min__ref;
  k->acc_add_squares = f32_acc_add_squares__ref;
}

}  // namespace li
