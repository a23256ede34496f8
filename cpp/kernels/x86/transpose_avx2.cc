// AVX2 2-D transposes: 8x8 (4-byte) and 4x4 (8-byte) register tiles inside 32x32 cache
// blocks; the ragged edges go through the reference loop. Shuffles only, so any bit pattern
// (NaN payloads, integers) moves unchanged.
#if defined(__x86_64__)
#include <immintrin.h>

#include "kernels/transpose.h"

namespace li {

namespace {

inline void tile_8x8_ps(const float* s, int64_t sld, float* d, int64_t dld) {
  __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + sld);
  __m256 r2 = _mm256_loadu_ps(s + 2 * sld), r3 = _mm256_loadu_ps(s + 3 * sld);
  __m256 r4 = _mm256_loadu_ps(s + 4 * sld), r5 = _mm256_loadu_ps(s + 5 * sld);
  __m256 r6 = _mm256_loadu_ps(s + 6 * sld), r7 = _mm256_loadu_ps(s + 7 * sld);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(d + dld, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(d + 2 * dld, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(d + 3 * dld, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(d + 4 * dld, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(d + 5 * dld, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(d + 6 * dld, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(d + 7 * dld, _mm256_permute2f128_ps(u3, u7, 0x31));
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
