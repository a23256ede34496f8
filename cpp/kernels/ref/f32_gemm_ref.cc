// The GEMM's executable spec (sgemm_ref) and the portable micro-kernel every CPU can run.
#include <vector>

#include "kernels/gemm.h"
#include "kernels/gemm_tile.h"

namespace li {

void sgemm_ref(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i) {
    for (int64_t j = 0; j < g.N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < g.K; ++k) {
        float a = g.trans_a ? g.A[k * g.lda + i] : g.A[i * g.lda + k];
        float b = g.trans_b ? g.B[j * g.ldb + k] : g.B[k * g.ldb + j];
        acc += double(a) * double(b);
      }
      float& c = g.C[i * g.ldc + j];
      float v = g.alpha * float(acc) + (g.beta == 0.f ? 0.f : g.beta * c);
      if (g.bias) v += g.bias_per_row ? g.bias[i] : g.bias[j];
      c = g.act.apply(v);
    }
  }
}

namespace gemm {

// Plain loops over a 6x16 tile; at baseline x86-64 the compiler turns the j loops into SSE.
void f32_gemm_6x16__portable(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                             const TileOp& op) {
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const float* bk = b + k * NR;
    for (int64_t i = 0; i < MR; ++i) {
      float ai = a[k * MR + i];
      for (int64_t j = 0; j < NR; ++j) acc[i][j] += ai * bk[j];
    }
  }
  for (int64_t i = 0; i < MR; ++i) {
    float* ci = c + i * ldc;
    for (int64_t j = 0; j < NR; ++j) {
      float v = op.alpha * acc[i][j];
      if (op.accumulate) v += ci[j];
      else if (op.beta != 0.f) v += op.beta * ci[j];
      if (op.last) {
        if (op.bias_row) v += op.bias_row[i];
        if (op.bias_col) v += op.bias_col[j];
      }
      ci[j] = v;
    }
    if (op.last && !op.act.none()) activation_f32(op.act, ci, ci, NR);
  }
}

}  // namespace gemm
}  // namespace li
