// f32_gemm_6x16__neon: a 6x16 register tile for aarch64 (24 q-register accumulators, 4 q loads
// of B and one q + one d load of A per k, leaving 2 of the 32 q registers free): 24 FMAs per
// 6 loads, each FMA with its A value taken by lane (fmla v.4s, v.4s, v.s[i]), so A is never
// broadcast. The tile is the AVX2 kernel's (6x16), so it reuses the driver's panel widths.
// Rows < 6 and column groups < 4 run the same loop instantiated for fewer rows / q-columns (no
// wasted FMAs on the edges); C's partial row edge goes through a 16-float bounce row, so no
// value past `cols` is read or written.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "kernels/gemm_blocked.h"
#include "kernels/simd/neon_math.h"

namespace li::gemm {

namespace {

constexpr int64_t MR = 6;
constexpr int64_t NR = 16;

// Activations done in registers before the store; the others go through activation_f32 (the
// NEON elementwise table) on the stored row.
bool simd_activation(Activation::Kind k) {
  switch (k) {
    case Activation::None: case Activation::Relu: case Activation::Clip: case Activation::LeakyRelu:
    case Activation::Sigmoid: case Activation::HardSigmoid: case Activation::HardSwish:
    case Activation::Tanh: case Activation::SiLU: case Activation::Gelu:
      return true;
  }
  return false;
}

// Named accumulators c<row><qcol>; Q is the number of live q columns (1..4).
#define LI_FMA(r, q, av, lane)                                                   \
  if constexpr (R > r && Q > q) c##r##q = vfmaq_laneq_f32(c##r##q, b##q, av, lane);
#define LI_FMA2(r, q, av, lane)                                                  \
  if constexpr (R > r && Q > q) c##r##q = vfmaq_lane_f32(c##r##q, b##q, av, lane);
#define LI_ROWQ(r, av, lane) LI_FMA(r, 0, av, lane) LI_FMA(r, 1, av, lane) LI_FMA(r, 2, av, lane) LI_FMA(r, 3, av, lane)
#define LI_ROWD(r, av, lane) LI_FMA2(r, 0, av, lane) LI_FMA2(r, 1, av, lane) LI_FMA2(r, 2, av, lane) LI_FMA2(r, 3, av, lane)
#define LI_OUT(r)                                                   \
  if constexpr (R > r) {                                            \
    vst1q_f32(out[r], c##r##0);                                     \
    if constexpr (Q > 1) vst1q_f32(out[r] + 4, c##r##1);            \
    if constexpr (Q > 2) vst1q_f32(out[r] + 8, c##r##2);            \
    if constexpr (Q > 3) vst1q_f32(out[r] + 12, c##r##3);           \
  }

template <int R, int Q>
void tile(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
          int64_t cols, const TileEpilogue& ep) {
  const float32x4_t z = vdupq_n_f32(0.f);
  float32x4_t c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
  float32x4_t c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
  float32x4_t c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    const float32x4_t b0 = vld1q_f32(b);
    const float32x4_t b1 = Q > 1 ? vld1q_f32(b + 4) : z;
    const float32x4_t b2 = Q > 2 ? vld1q_f32(b + 8) : z;
    const float32x4_t b3 = Q > 3 ? vld1q_f32(b + 12) : z;
    const float32x4_t a0 = vld1q_f32(a);  // rows 0-3 (the panel is MR = 6 wide: always readable)
    LI_ROWQ(0, a0, 0) LI_ROWQ(1, a0, 1) LI_ROWQ(2, a0, 2) LI_ROWQ(3, a0, 3)
    if constexpr (R > 4) {
      const float32x2_t a1 = vld1_f32(a + 4);  // rows 4-5
      LI_ROWD(4, a1, 0) LI_ROWD(5, a1, 1)
    }
    a += MR;
    b += ldb;
  }
  float out[R][NR];
  LI_OUT(0) LI_OUT(1) LI_OUT(2) LI_OUT(3) LI_OUT(4) LI_OUT(5)
  (void)c00; (void)c01; (void)c02; (void)c03; (void)c10; (void)c11; (void)c12; (void)c13;
  (void)c20; (void)c21; (void)c22; (void)c23; (void)c30; (void)c31; (void)c32; (void)c33;
  (void)c40; (void)c41; (void)c42; (void)c43; (void)c50; (void)c51; (void)c52; (void)c53;

  const bool full = cols == Q * 4;
  const float32x4_t alpha = vdupq_n_f32(ep.alpha);
  const bool read_c = !ep.first || ep.beta != 0.f;
  const float32x4_t add_c = vdupq_n_f32(ep.first ? ep.beta : 1.f);
  const Activation::Kind kind = ep.last ? ep.act.kind : Activation::None;
  const bool simd_act = simd_activation(kind);
  float bias_col[NR] = {};
  if (ep.last && ep.bias_col)
    for (int64_t j = 0; j < cols; ++j) bias_col[j] = ep.bias_col[j];
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
    float edge[NR] = {};
    float* io = cr;
    if (!full) {  // bounce the row's valid part: nothing past `cols` is touched in C
      if (read_c)
        for (int64_t j = 0; j < cols; ++j) edge[j] = cr[j];
      io = edge;
    }
    const float32x4_t br = vdupq_n_f32(ep.last && ep.bias_row ? ep.bias_row[r] : 0.f);
    for (int q = 0; q < Q; ++q) {
      float32x4_t v = vmulq_f32(vld1q_f32(out[r] + 4 * q), alpha);
      if (read_c) v = vfmaq_f32(v, add_c, vld1q_f32(io + 4 * q));
      if (ep.last) {
        v = vaddq_f32(v, vaddq_f32(vld1q_f32(bias_col + 4 * q), br));
        if (simd_act) v = neon::activate(v, kind, ep.act.alpha, ep.act.beta);
      }
      vst1q_f32(io + 4 * q, v);
    }
    if (!full)
      for (int64_t j = 0; j < cols; ++j) cr[j] = edge[j];
    if (ep.last && !simd_act) activation_f32(ep.act, cr, cr, cols);
  }
}

#undef LI_FMA
#undef LI_FMA2
#undef LI_ROWQ
#undef LI_ROWD
#undef LI_OUT

template <int Q>
void tile_rows(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
               int64_t rows, int64_t cols, const TileEpilogue& ep) {
  switch (rows) {
    case 1: return tile<1, Q>(kc, a, b, ldb, c, ldc, cols, ep);
    case 2: return tile<2, Q>(kc, a, b, ldb, c, ldc, cols, ep);
    case 3: return tile<3, Q>(kc, a, b, ldb, c, ldc, cols, ep);
    case 4: return tile<4, Q>(kc, a, b, ldb, c, ldc, cols, ep);
    case 5: return tile<5, Q>(kc, a, b, ldb, c, ldc, cols, ep);
    default: return tile<6, Q>(kc, a, b, ldb, c, ldc, cols, ep);
  }
}

}  // namespace

void f32_gemm_6x16__neon(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                         int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& ep) {
  switch ((cols + 3) / 4) {
    case 1: return tile_rows<1>(kc, a, b, ldb, c, ldc, rows, cols, ep);
    case 2: return tile_rows<2>(kc, a, b, ldb, c, ldc, rows, cols, ep);
    case 3: return tile_rows<3>(kc, a, b, ldb, c, ldc, rows, cols, ep);
    default: return tile_rows<4>(kc, a, b, ldb, c, ldc, rows, cols, ep);
  }
}

}  // namespace li::gemm
#endif  // __aarch64__
