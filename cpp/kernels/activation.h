// An activation that a producer (Conv, Gemm, MatMul, elementwise chains) applies to its output
// in the same pass, instead of a separate node. Graph fusion records it on the node; kernels
// apply it in their epilogue.
#pragma once
#include <cmath>
#include <cstdint>

namespace li {

struct Activation {
  enum Kind { None, Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid, HardSwish, Tanh, SiLU, Gelu };
  Kind kind = None;
  float alpha = 0.f;  // Clip: min; LeakyRelu: slope; HardSigmoid: alpha
  float beta = 0.f;   // Clip: max; HardSigmoid: beta

  bool none() const { return kind == None; }

  // Scalar reference used by the reference kernels and the SIMD tails.
  float apply(float x) const {
    switch (kind) {
      case None: return x;
      case Relu: return x > 0.f ? x : 0.f;
      case Clip: return x < alpha ? alpha : (x > beta ? beta : x);
      case LeakyRelu: return x >= 0.f ? x : alpha * x;
      case Sigmoid: return 1.f / (1.f + std::exp(-x));
      case HardSigmoid: { float y = alpha * x + beta; return y < 0.f ? 0.f : (y > 1.f ? 1.f : y); }
      case HardSwish: { float y = x / 6.f + 0.5f; return x * (y < 0.f ? 0.f : (y > 1.f ? 1.f : y)); }
      case Tanh: return std::tanh(x);
      case SiLU: return x / (1.f + std::exp(-x));
      case Gelu: return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f));
    }
    return x;
  }
};

}  // namespace li

namespace li {
// y[i] = a.apply(x[i]) for n floats, vectorized for the CPU tier (x == y allowed).
// Implemented in kernels/activation.cc (reference + AVX2); used by GEMM/Conv epilogues and the
// activation ops.
void activation_f32(const Activation& a, const float* x, float* y, int64_t n);
}  // namespace li
