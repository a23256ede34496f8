// Data-movement kernels of the tensor ops: blocked 2-D transposes (Transpose, DepthToSpace,
// NCHW<->NHWC) and strided gathers (Slice, Expand, Tile, the generic Transpose).
// Kernels only move elements: no allocation, no threads (the op splits the work), no errors.
#pragma once
#include <algorithm>
#include <cstdint>

#include "cpu/features.h"

namespace li {

// dst[c * dst_ld + r] = src[r * src_ld + c] for r < rows, c < cols; one element size per
// variant. src and dst must not overlap.
using Transpose2dFn = void (*)(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                               int64_t rows, int64_t cols);

struct TransposeKernels {
  const char* tier;
  Transpose2dFn t2d[4];  // by element size: [0] 1 byte, [1] 2, [2] 4, [3] 8
};

// The table for cpu_tier().
const TransposeKernels& transpose_kernels();
// The table for a given tier (the generic one when the host or the build lacks it).
const TransposeKernels& transpose_kernels_for(CpuTier tier);

// Reference kernels (kernels/ref/transpose_ref.cc).
void x8_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                          int64_t rows, int64_t cols);
void x16_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                           int64_t rows, int64_t cols);
void x32_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                           int64_t rows, int64_t cols);
void x64_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                           int64_t rows, int64_t cols);
#if defined(LITEINFER_HAVE_AVX2)
// AVX2 variants (kernels/x86/transpose_avx2.cc): 8x8 / 4x4 register tiles. Only call when
// cpu_tier() is Avx2 or Avx512.
void x32_transpose_2d__avx2(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols);
void x64_transpose_2d__avx2(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols);
#endif
#if defined(LITEINFER_HAVE_NEON)
// aarch64 NEON variants (kernels/arm/transpose_neon.cc): 4x4 / 2x2 register tiles. Only call
// when cpu_tier() is Neon.
void x32_transpose_2d__neon(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols);
void x64_transpose_2d__neon(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                            int64_t rows, int64_t cols);
#endif

// The reference 2-D transpose for any element type (also std::string): cache blocks of
// kBlock x kBlock so both the strided reads and the contiguous writes stay in L1.
template <class T>
void transpose_2d_ref(const T* src, int64_t src_ld, T* dst, int64_t dst_ld, int64_t rows,
                      int64_t cols) {
  constexpr int64_t kBlock = 32;
  for (int64_t c0 = 0; c0 < cols; c0 += kBlock) {
    int64_t c1 = std::min(cols, c0 + kBlock);
    for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
      int64_t r1 = std::min(rows, r0 + kBlock);
      for (int64_t c = c0; c < c1; ++c) {
        T* d = dst + c * dst_ld;
        for (int64_t r = r0; r < r1; ++r) d[r] = src[r * src_ld + c];
      }
    }
  }
}

// Strided gather into a contiguous buffer: writes output elements [begin, end) of a view of
// `rank` dims, dst[k] = src[sum_d idx_d(k) * strides[d]] (strides may be negative, or 0 to
// broadcast). The innermost dim is copied as a run (memcpy-like when its stride is 1, a fill
// when 0). Callers coalesce dims first so the runs are long.
template <class T>
void strided_copy_ref(const T* src, const int64_t* shape, const int64_t* strides, int rank,
                      T* dst, int64_t begin, int64_t end) {
  if (begin >= end) return;
  if (rank == 0) { dst[0] = src[0]; return; }
  int64_t idx[16];
  int64_t rem = begin, off = 0;
  for (int d = rank - 1; d >= 0; --d) {
    idx[d] = rem % shape[d];
    rem /= shape[d];
    off += idx[d] * strides[d];
  }
  const int64_t n_in = shape[rank - 1], s_in = strides[rank - 1];
  for (int64_t k = begin; k < end;) {
    int64_t run = std::min(n_in - idx[rank - 1], end - k);
    const T* s = src + off;
    T* d = dst + k;
    if (s_in == 1) std::copy(s, s + run, d);
    else if (s_in == 0) std::fill(d, d + run, *s);
    else for (int64_t j = 0; j < run; ++j) d[j] = s[j * s_in];
    k += run;
    off += run * s_in;
    idx[rank - 1] += run;
    if (idx[rank - 1] < n_in) continue;
    off -= n_in * s_in;
    idx[rank - 1] = 0;
    for (int dd = rank - 2; dd >= 0; --dd) {
      off += strides[dd];
      if (++idx[dd] < shape[dd]) break;
      off -= shape[dd] * strides[dd];
      idx[dd] = 0;
    }
  }
}
constexpr int kStridedCopyMaxRank = 16;

}  // namespace li
