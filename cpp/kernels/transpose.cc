// Dispatch for the transpose kernels: the reference table, overlaid once with the tier's SIMD
// variants (tract generic() then plug()).
#include "kernels/transpose.h"

namespace li {

namespace {

TransposeKernels make_generic() {
  TransposeKernels k{};
  k.tier = "generic";
  k.t2d[0] = x8_transpose_2d__ref;
  k.t2d[1] = x16_transpose_2d__ref;
  k.t2d[2] = x32_transpose_2d__ref;
  k.t2d[3] = x64_transpose_2d__ref;
  return k;
}

#if defined(LITEINFER_HAVE_AVX2)
TransposeKernels make_avx2() {
  TransposeKernels k = make_generic();
  k.tier = "avx2";
  k.t2d[2] = x32_transpose_2d__avx2;
  k.t2d[3] = x64_transpose_2d__avx2;
  return k;
}
#endif

#if defined(LITEINFER_HAVE_NEON)
TransposeKernels make_neon() {
  TransposeKernels k = make_generic();
  k.tier = "neon";
  k.t2d[2] = x32_transpose_2d__neon;
  k.t2d[3] = x64_transpose_2d__neon;
  return k;
}
#endif

}  // namespace

const TransposeKernels& transpose_kernels_for(CpuTier tier) {
  static const TransposeKernels generic = make_generic();
#if defined(LITEINFER_HAVE_AVX2)
  if ((tier == CpuTier::Avx2 || tier == CpuTier::Avx512) && cpu_features().avx2) {
    static const TransposeKernels avx2 = make_avx2();
    return avx2;
  }
#endif
#if defined(LITEINFER_HAVE_NEON)
  if (tier == CpuTier::Neon && cpu_features().neon) {
    static const TransposeKernels neon = make_neon();
    return neon;
  }
#endif
  return generic;
}

const TransposeKernels& transpose_kernels() {
  static const TransposeKernels& k = transpose_kernels_for(cpu_tier());
  return k;
}

}  // namespace li
