// Dispatch for the elementwise family: activation_f32 (used by GEMM/Conv epilogues and the
// activation ops) and the per-tier kernel table. Each table starts as the reference kernels and
// the tier's SIMD variants are overlaid once (tract generic() then plug()).
#include "kernels/activation.h"

#include "kernels/elementwise.h"

namespace li {

namespace {

bool tier_has_avx2(CpuTier t) { return t == CpuTier::Avx2 || t == CpuTier::Avx512; }

ElementwiseKernels make_generic() {
  ElementwiseKernels k{};
  fill_elementwise_ref(&k);
  return k;
}

#if defined(LITEINFER_HAVE_AVX2)
ElementwiseKernels make_avx2() {
  ElementwiseKernels k = make_generic();
  fill_elementwise_avx2(&k);
  return k;
}
#endif

#if defined(LITEINFER_HAVE_NEON)
ElementwiseKernels make_neon() {
  ElementwiseKernels k = make_generic();
  fill_elementwise_neon(&k);
  return k;
}
#endif

}  // namespace

const ElementwiseKernels& elementwise_kernels_for(CpuTier tier) {
  static const ElementwiseKernels generic = make_generic();
#if defined(LITEINFER_HAVE_AVX2)
  // The host check matters: a caller may ask for a tier the CPU lacks.
  const CpuFeatures& f = cpu_features();
  if (tier_has_avx2(tier) && f.avx2 && f.fma) {
    static const ElementwiseKernels avx2 = make_avx2();
    return avx2;
  }
#endif
#if defined(LITEINFER_HAVE_NEON)
  if (tier == CpuTier::Neon && cpu_features().neon) {
    static const ElementwiseKernels neon = make_neon();
    return neon;
  }
#endif
  (void)tier_has_avx2;
  return generic;
}

const ElementwiseKernels& elementwise_kernels() {
  static const ElementwiseKernels& k = elementwise_kernels_for(cpu_tier());
  return k;
}

void activation_f32(const Activation& a, const float* x, float* y, int64_t n) {
  if (n <= 0) return;
  elementwise_kernels().activation(a, x, y, n);
}

}  // namespace li
