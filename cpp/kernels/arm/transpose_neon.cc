// aarch64 NEON 2-D transposes: 4x4 (4-byte) and 2x2 (8-byte) register tiles (trn1/trn2 on
// 32- then 64-bit lanes) inside 32x32 cache blocks; the ragged edges go through the reference
// loop. Integer moves only, so any bit pattern (NaN payloads, integers) moves unchanged.
#if defined(__aarch64__)
#include <arm_neon.h>

#include <algorithm>

#include "kernels/transpose.h"

namespace li {

namespace {

inline void tile_4x4_u32(const uint32_t* s, int64_t sld, uint32_t* d, int64_t dld) {
  const uint32x4_t r0 = vld1q_u32(s), r1 = vld1q_u32(s + sld);
  const uint32x4_t r2 = vld1q_u32(s + 2 * sld), r3 = vld1q_u32(s + 3 * sld);
  const uint64x2_t t0 = vreinterpretq_u64_u32(vtrn1q_u32(r0, r1));  // a0 b0 a2 b2
  const uint64x2_t t1 = vreinterpretq_u64_u32(vtrn2q_u32(r0, r1));  // a1 b1 a3 b3
  const uint64x2_t t2 = vreinterpretq_u64_u32(vtrn1q_u32(r2, r3));  // c0 d0 c2 d2
  const uint64x2_t t3 = vreinterpretq_u64_u32(vtrn2q_u32(r2, r3));  // c1 d1 c3 d3
  vst1q_u32(d, vreinterpretq_u32_u64(vtrn1q_u64(t0, t2)));
  vst1q_u32(d + dld, vreinterpretq_u32_u64(vtrn1q_u64(t1, t3)));
  vst1q_u32(d + 2 * dld, vreinterpretq_u32_u64(vtrn2q_u64(t0, t2)));
  vst1q_u32(d + 3 * dld, vreinterpretq_u32_u64(vtrn2q_u64(t1, t3)));
}

inline void tile_2x2_u64(const uint64_t* s, int64_t sld, uint64_t* d, int64_t dld) {
  const uint64x2_t r0 = vld1q_u64(s), r1 = vld1q_u64(s + sld);
  vst1q_u64(d, vtrn1q_u64(r0, r1));
  vst1q_u64(d + dld, vtrn2q_u64(r0, r1));
}

// Full TxT tiles through `tile`, cache-blocked; the remaining rows/cols through the reference.
template <int T, class E, class Tile>
void transpose_tiled(const E* src, int64_t sld, E* dst, int64_t dld, int64_t rows, int64_t cols,
                     Tile tile) {
  constexpr int64_t kBlock = 32;
  const int64_t rows_t = rows / T * T, cols_t = cols / T * T;
  for (int64_t c0 = 0; c0 < cols_t; c0 += kBlock) {
    const int64_t c1 = std::min(cols_t, c0 + kBlock);
    for (int64_t r0 = 0; r0 < rows_t; r0 += kBlock) {
      const int64_t r1 = std::min(rows_t, r0 + kBlock);
      for (int64_t c = c0; c < c1; c += T)
        for (int64_t r = r0; r < r1; r += T) tile(src + r * sld + c, sld, dst + c * dld + r, dld);
    }
  }
  if (cols_t < cols) transpose_2d_ref(src + cols_t, sld, dst + cols_t * dld, dld, rows_t, cols - cols_t);
  if (rows_t < rows) transpose_2d_ref(src + rows_t * sld, sld, dst + rows_t, dld, rows - rows_t, cols);
}

}  // namespace

void x32_transpose_2d__neon(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols) {
  transpose_tiled<4>(static_cast<const uint32_t*>(src), src_ld, static_cast<uint32_t*>(dst), dst_ld,
                     rows, cols, tile_4x4_u32);
}

void x64_transpose_2d__neon(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols) {
  transpose_tiled<2>(static_cast<const uint64_t*>(src), src_ld, static_cast<uint64_t*>(dst), dst_ld,
                     rows, cols, tile_2x2_u64);
}

}  // namespace li
#endif  // __aarch64__
