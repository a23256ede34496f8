// aarch64 NEON activation and unary math kernels: 8 floats per iteration, the tail through a
// 4-float bounce register so every element takes the same vector path (results do not depend
// on n), as the AVX2 kernels do with masked loads.
#if defined(__aarch64__)
#include <cstring>

#include "kernels/elementwise.h"
#include "kernels/simd/neon_math.h"

namespace li {

namespace {

using namespace neon;

template <class F>
inline void map_ps(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t a = vld1q_f32(x + i), b = vld1q_f32(x + i + 4);
    vst1q_f32(y + i, f(a));
    vst1q_f32(y + i + 4, f(b));
  }
  if (i + 4 <= n) {
    vst1q_f32(y + i, f(vld1q_f32(x + i)));
    i += 4;
  }
  if (i < n) {
    float t[4] = {0.f, 0.f, 0.f, 0.f};
    std::memcpy(t, x + i, size_t(n - i) * sizeof(float));
    vst1q_f32(t, f(vld1q_f32(t)));
    std::memcpy(y + i, t, size_t(n - i) * sizeof(float));
  }
}

void f32_exp__neon(const float* x, float* y, int64_t n) { map_ps(x, y, n, exp_ps); }
void f32_log__neon(const float* x, float* y, int64_t n) { map_ps(x, y, n, log_ps); }
void f32_tanh__neon(const float* x, float* y, int64_t n) { map_ps(x, y, n, tanh_ps); }
void f32_sigmoid__neon(const float* x, float* y, int64_t n) { map_ps(x, y, n, sigmoid_ps); }
void f32_erf__neon(const float* x, float* y, int64_t n) { map_ps(x, y, n, erf_ps); }
void f32_sqrt__neon(const float* x, float* y, int64_t n) {
  map_ps(x, y, n, [](float32x4_t v) { return vsqrtq_f32(v); });
}
void f32_abs__neon(const float* x, float* y, int64_t n) { map_ps(x, y, n, abs_ps); }
void f32_neg__neon(const float* x, float* y, int64_t n) {
  map_ps(x, y, n, [](float32x4_t v) { return vnegq_f32(v); });
}

}  // namespace

// Each case mirrors Activation::apply() exactly, NaN included (neon::activate).
void f32_activation__neon(const Activation& a, const float* x, float* y, int64_t n) {
  const float alpha = a.alpha, beta = a.beta;
  switch (a.kind) {
    case Activation::None:
      if (x != y) std::memmove(y, x, size_t(n) * sizeof(float));
      return;
#define LI_CASE(K) \
    case Activation::K: \
      return map_ps(x, y, n, [=](float32x4_t v) { return activate(v, Activation::K, alpha, beta); });
    LI_CASE(Relu) LI_CASE(Clip) LI_CASE(LeakyRelu) LI_CASE(Sigmoid) LI_CASE(HardSigmoid)
    LI_CASE(HardSwish) LI_CASE(Tanh) LI_CASE(SiLU) LI_CASE(Gelu)
#undef LI_CASE
  }
  f32_activation__ref(a, x, y, n);  // unknown kind: the reference decides
}

void fill_activation_neon(ElementwiseKernels* k) {
  k->tier = "neon";
  k->activation = f32_activation__neon;
  k->unary[int(UnOp::Exp)] = f32_exp__neon;
  k->unary[int(UnOp::Log)] = f32_log__neon;
  k->unary[int(UnOp::Tanh)] = f32_tanh__neon;
  k->unary[int(UnOp::Sigmoid)] = f32_sigmoid__neon;
  k->unary[int(UnOp::Erf)] = f32_erf__neon;
  k->unary[int(UnOp::Sqrt)] = f32_sqrt__neon;
  k->unary[int(UnOp::Abs)] = f32_abs__neon;
  k->unary[int(UnOp::Neg)] = f32_neg__neon;
}

}  // namespace li
#endif  // __aarch64__
