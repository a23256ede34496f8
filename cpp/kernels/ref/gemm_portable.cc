// f32_gemm_4x8__portable: the generic tier's micro-kernel, plain C++ that the compiler turns into
// SSE2 at the x86-64 baseline (NEON on arm64). Measured at kc=256 from L1 (GCC 12, Zen3):
// 4x8 18.8 GFLOP/s, 6x8 16.4, 4x12 16.8, 3x16 16.5: GCC spills or shuffles more on the others.
#include "kernels/gemm_blocked.h"

namespace li::gemm {

namespace {

constexpr int64_t MR = 4;
constexpr int64_t NR = 8;

template <int R>
void tile(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
          int64_t cols, const TileEpilogue& ep) {
  float acc[R][NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    for (int r = 0; r < R; ++r)
      for (int j = 0; j < NR; ++j) acc[r][j] += a[r] * b[j];
    a += MR;
    b += ldb;
  }
  const bool read_c = !ep.first || ep.beta != 0.f;
  const float add_c = ep.first ? ep.beta : 1.f;
  const bool inline_act = ep.act.kind == Activation::None || ep.act.kind == Activation::Relu ||
                          ep.act.kind == Activation::Clip || ep.act.kind == Activation::LeakyRelu;
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
    for (int64_t j = 0; j < cols; ++j) {
      float v = ep.alpha * acc[r][j];
      if (read_c) v += add_c * cr[j];
      if (ep.last) {
        if (ep.bias_row) v += ep.bias_row[r];
        if (ep.bias_col) v += ep.bias_col[j];
        if (inline_act) v = ep.act.apply(v);
      }
      cr[j] = v;
    }
    if (ep.last && !inline_act) activation_f32(ep.act, cr, cr, cols);
  }
}

}  // namespace

void f32_gemm_4x8__portable(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                            int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& ep) {
  switch (rows) {
    case 1: return tile<1>(kc, a, b, ldb, c, ldc, cols, ep);
    case 2: return tile<2>(kc, a, b, ldb, c, ldc, cols, ep);
    case 3: return tile<3>(kc, a, b, ldb, c, ldc, cols, ep);
    default: return tile<4>(kc, a, b, ldb, c, ldc, cols, ep);
  }
}

}  // namespace li::gemm
