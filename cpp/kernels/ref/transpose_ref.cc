// Reference 2-D transposes by element size: the executable spec for the SIMD variants and the
// fallback on every CPU.
#include "kernels/transpose.h"

namespace li {

void x8_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                          int64_t rows, int64_t cols) {
  transpose_2d_ref(static_cast<const uint8_t*>(src), src_ld, static_cast<uint8_t*>(dst), dst_ld,
                   rows, cols);
}
void x16_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                           int64_t rows, int64_t cols) {
  transpose_2d_ref(static_cast<const uint16_t*>(src), src_ld, static_cast<uint16_t*>(dst), dst_ld,
                   rows, cols);
}
void x32_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                           int64_t rows, int64_t cols) {
  transpose_2d_ref(static_cast<const uint32_t*>(src), src_ld, static_cast<uint32_t*>(dst), dst_ld,
                   rows, cols);
}
void x64_transpose_2d__ref(const void* src, int64_t src_ld, void* dst, int64_t dst_ld,
                           int64_t rows, int64_t cols) {
  transpose_2d_ref(static_cast<const uint64_t*>(src), src_ld, static_cast<uint64_t*>(dst), dst_ld,
                   rows, cols);
}

}  // namespace li
