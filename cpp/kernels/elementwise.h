// The elementwise kernel family (activations, unary math, binary arithmetic, softmax rows,
// row reductions) as one table per CPU tier. dispatch fills the table with the reference
// kernels, then overlays the tier's SIMD variants once; ops call elementwise_kernels().
// Tests compare elementwise_kernels_for(CpuTier::Generic) with the host's best tier.
// No kernel allocates, threads or throws; x == y (in place) is allowed wherever an output
// has the length of an input.
#pragma once
#include <cstdint>

#include "cpu/features.h"
#include "kernels/activation.h"

namespace li {

// Binary float ops with a SIMD path. Order matters: it indexes the tables below.
enum class BinOp : int { Add, Sub, Mul, Div, Max, Min, Count };
constexpr int kNumBinOps = int(BinOp::Count);

// Unary float math with a SIMD path.
enum class UnOp : int { Exp, Log, Tanh, Sigmoid, Erf, Sqrt, Abs, Neg, Count };
constexpr int kNumUnOps = int(UnOp::Count);

using ActivationFn = void (*)(const Activation& a, const float* x, float* y, int64_t n);
using UnaryFn = void (*)(const float* x, float* y, int64_t n);
// y[i] = a[i] op b[i]
using BinaryFn = void (*)(const float* a, const float* b, float* y, int64_t n);
// y[i] = a[i] op s (vs) or s op b[i] (sv)
using BinaryScalarFn = void (*)(const float* a, float s, float* y, int64_t n);
// Softmax / LogSoftmax of one contiguous row of n > 0 values.
using RowFn = void (*)(const float* x, float* y, int64_t n);
// Sum, max, ... of one contiguous row (n may be 0: identity of the reduction).
using ReduceRowFn = float (*)(const float* x, int64_t n);
// acc[i] = acc[i] op x[i] over a row, for reductions along a non-innermost axis.
using AccumulateFn = void (*)(float* acc, const float* x, int64_t n);

struct ElementwiseKernels {
  const char* tier;
  ActivationFn activation;
  UnaryFn unary[kNumUnOps];
  BinaryFn binary[kNumBinOps];
  BinaryScalarFn binary_vs[kNumBinOps];
  BinaryScalarFn binary_sv[kNumBinOps];
  RowFn softmax_row;
  RowFn log_softmax_row;
  ReduceRowFn reduce_sum, reduce_max, reduce_min, reduce_sum_squares;
  AccumulateFn acc_add, acc_max, acc_min, acc_add_squares;
};

// The table for cpu_tier().
const ElementwiseKernels& elementwise_kernels();
// The table for a given tier (a tier the host lacks, or that is not built, gives the generic
// table): for tests and benches that compare tiers.
const ElementwiseKernels& elementwise_kernels_for(CpuTier tier);

// The reference kernels (kernels/ref/elementwise_ref.cc), the executable spec.
void f32_activation__ref(const Activation& a, const float* x, float* y, int64_t n);
void fill_elementwise_ref(ElementwiseKernels* k);
#if defined(LITEINFER_HAVE_AVX2)
// AVX2+FMA variants (kernels/x86/*_avx2.cc): only call when cpu_tier() is Avx2 or Avx512.
void f32_activation__avx2(const Activation& a, const float* x, float* y, int64_t n);
void fill_activation_avx2(ElementwiseKernels* k);   // activation + unary (activation_avx2.cc)
void fill_elementwise_avx2(ElementwiseKernels* k);  // all of the above + the rest
#endif
#if defined(LITEINFER_HAVE_NEON)
// aarch64 NEON variants (kernels/arm/*_neon.cc): only call when cpu_tier() is Neon.
void f32_activation__neon(const Activation& a, const float* x, float* y, int64_t n);
void fill_activation_neon(ElementwiseKernels* k);   // activation + unary (activation_neon.cc)
void fill_elementwise_neon(ElementwiseKernels* k);  // all of the above + the rest
#endif

}  // namespace li
