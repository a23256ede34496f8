// 2-D max pooling (kernels/pool_impl.h) built with AVX2: the row loops vectorize 8 wide.
#if defined(__x86_64__)
#include "kernels/pool_impl.h"

namespace li {

bool f32_maxpool2d__avx2(const Geom3& g, const float* x, float* y) {
  if (!maxpool2d_rows_fit(g)) return false;
  maxpool2d(g, x, y);
  return true;
}

}  // namespace li
#endif  // __x86_64__
