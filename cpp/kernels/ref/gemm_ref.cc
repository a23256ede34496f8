// sgemm_ref: the GEMM's executable spec, a plain triple loop with double accumulation.
//   C = act(alpha * op(A) op(B) + beta * C + bias)   (beta == 0: C is not read)
#include "kernels/gemm.h"

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
      float v = g.alpha * float(acc);
      if (g.beta != 0.f) v += g.beta * c;
      if (g.bias) v += g.bias_per_row ? g.bias[i] : g.bias[j];
      c = g.act.apply(v);
    }
  }
}

}  // namespace li
