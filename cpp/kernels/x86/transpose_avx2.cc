// AVX2 2-D transposes: 8x8 (4-byte) and 4x4 (8-byte) register tiles inside 32x32 cache
// blocks; the ragged edges go through the reference loop. Shuffles only, so any bit pattern
// (NaN payloads, integers) moves unchanged.
#if defined(__x86_64__)
#include <immintrin.h>

#include "kernels/simd/avx2_transpose.h"
#include "kernels/transpose.h"

namespace li {

namespace {

inline void tile_8x8_ps(const float* s, int64_t sld, float* d, int64_t dld) {
  __m256 r[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(s + i * sld);
  avx2::transpose8x8_ps(r);
  for (int i = 0; i < 8; ++i) _mm256_storeu_ps(d + i * dld, r[i]);
}

inline void tile_4x4_pd(const double* s, int64_t sld, double* d, int64_t dld) {
  __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + sld);
  __m256d r2 = _mm256_loadu_pd(s + 2 * sld), r3 = _mm256_loadu_pd(s + 3 * sld);
  __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
  __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
  _mm256_storeu_pd(d, _mm256_permute2f128_pd(t0, t2, 0x20));
  _mm256_storeu_pd(d + dld, _mm256_permute2f128_pd(t1, t3, 0x20));
  _mm256_storeu_pd(d + 2 * dld, _mm256_permute2f128_pd(t0, t2, 0x31));
  _mm256_storeu_pd(d + 3 * dld, _mm256_permute2f128_pd(t1, t3, 0x31));
}

// Full TxT tiles through `tile`, cache-blocked; the remaining rows/cols through the reference.
template <int T, class E, class Tile>
void transpose_tiled(const E* src, int64_t sld, E* dst, int64_t dld, int64_t rows, int64_t cols,
                     Tile tile) {
  constexpr int64_t kBlock = 32;
  const int64_t rows_t = rows / T * T, cols_t = cols / T * T;
  for (int64_t c0 = 0; c0 < cols_t; c0 += kBlock) {
    int64_t c1 = std::min(cols_t, c0 + kBlock);
    for (int64_t r0 = 0; r0 < rows_t; r0 += kBlock) {
      int64_t r1 = std::min(rows_t, r0 + kBlock);
      for (int64_t c = c0; c < c1; c += T)
        for (int64_t r = r0; r < r1; r += T) tile(src + r * sld + c, sld, dst + c * dld + r, dld);
    }
  }
  if (cols_t < cols) transpose_2d_ref(src + cols_t, sld, dst + cols_t * dld, dld, rows_t, cols - cols_t);
  if (rows_t < rows) transpose_2d_ref(src + rows_t * sld, sld, dst + rows_t, dld, rows - rows_t, cols);
}

}  // namespace

void x32_transpose_2d__avx2(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols) {
  transpose_tiled<8>(static_cast<const float*>(src), src_ld, static_cast<float*>(dst), dst_ld,
                     rows, cols, tile_8x8_ps);
}

void x64_transpose_2d__avx2(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols) {
  transpose_tiled<4>(static_cast<const double*>(src), src_ld, static_cast<double*>(dst), dst_ld,
                     rows, cols, tile_4x4_pd);
}

}  // namespace li
#endif  // __x86_64__
