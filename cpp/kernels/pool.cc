// Max pooling dispatch: the AVX2 build of the 2-D kernel where the tier has AVX2 and the case
// fits it, else the reference (any rank, indices).
#include "cpu/features.h"
#include "kernels/conv_kernels.h"

namespace li {

void f32_maxpool_for(CpuTier tier, const Geom3& g, const float* x, float* y, int64_t* indices) {
#if defined(LITEINFER_HAVE_AVX2)
  const bool avx2 = (tier == CpuTier::Avx2 || tier == CpuTier::Avx512) && cpu_features().avx2;
  if (avx2 && !indices && f32_maxpool2d__avx2(g, x, y)) return;
#endif
  (void)tier;
  f32_maxpool__ref(g, x, y, indices);
}

void f32_maxpool(const Geom3& g, const float* x, float* y, int64_t* indices) {
  f32_maxpool_for(cpu_tier(), g, x, y, indices);
}

}  // namespace li
