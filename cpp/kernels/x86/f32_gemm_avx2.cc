// f32_gemm_6x16__avx2_fma: a 6x16 register tile (12 ymm accumulators), one broadcast of A and
// two loads of B per k: 12 FMAs per 8 loads/broadcasts, enough to keep both FMA ports busy.
#if defined(__x86_64__)
#include <immintrin.h>

#include "kernels/gemm_tile.h"

namespace li::gemm {

namespace {
inline __m256 epilogue_act(__m256 v, const Activation& act) {
  switch (act.kind) {
    case Activation::Relu: return _mm256_max_ps(v, _mm256_setzero_ps());
    case Activation::Clip:
      return _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(act.alpha)), _mm256_set1_ps(act.beta));
    case Activation::LeakyRelu: {
      __m256 neg = _mm256_mul_ps(v, _mm256_set1_ps(act.alpha));
      return _mm256_blendv_ps(v, neg, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
    }
    default: return v;
  }
}
}  // namespace

void f32_gemm_6x16__avx2_fma(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                             const TileOp& op) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    __m256 b0 = _mm256_loadu_ps(b);
    __m256 b1 = _mm256_loadu_ps(b + 8);
    __m256 a0 = _mm256_broadcast_ss(a + 0);
    __m256 a1 = _mm256_broadcast_ss(a + 1);
    c00 = _mm256_fmadd_ps(a0, b0, c00); c01 = _mm256_fmadd_ps(a0, b1, c01);
    c10 = _mm256_fmadd_ps(a1, b0, c10); c11 = _mm256_fmadd_ps(a1, b1, c11);
    __m256 a2 = _mm256_broadcast_ss(a + 2);
    __m256 a3 = _mm256_broadcast_ss(a + 3);
    c20 = _mm256_fmadd_ps(a2, b0, c20); c21 = _mm256_fmadd_ps(a2, b1, c21);
    c30 = _mm256_fmadd_ps(a3, b0, c30); c31 = _mm256_fmadd_ps(a3, b1, c31);
    __m256 a4 = _mm256_broadcast_ss(a + 4);
    __m256 a5 = _mm256_broadcast_ss(a + 5);
    c40 = _mm256_fmadd_ps(a4, b0, c40); c41 = _mm256_fmadd_ps(a4, b1, c41);
    c50 = _mm256_fmadd_ps(a5, b0, c50); c51 = _mm256_fmadd_ps(a5, b1, c51);
    a += MR;
    b += NR;
  }
  __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  const __m256 alpha = _mm256_set1_ps(op.alpha);
  const __m256 beta = _mm256_set1_ps(op.beta);
  const bool simple_act = op.act.kind == Activation::None || op.act.kind == Activation::Relu ||
                          op.act.kind == Activation::Clip || op.act.kind == Activation::LeakyRelu;
  __m256 bc0 = _mm256_setzero_ps(), bc1 = _mm256_setzero_ps();
  if (op.last && op.bias_col) {
    bc0 = _mm256_loadu_ps(op.bias_col);
    bc1 = _mm256_loadu_ps(op.bias_col + 8);
  }
  for (int64_t i = 0; i < MR; ++i) {
    float* ci = c + i * ldc;
    __m256 v0 = _mm256_mul_ps(acc[i][0], alpha);
    __m256 v1 = _mm256_mul_ps(acc[i][1], alpha);
    if (op.accumulate) {
      v0 = _mm256_add_ps(v0, _mm256_loadu_ps(ci));
      v1 = _mm256_add_ps(v1, _mm256_loadu_ps(ci + 8));
    } else if (op.beta != 0.f) {
      v0 = _mm256_fmadd_ps(beta, _mm256_loadu_ps(ci), v0);
      v1 = _mm256_fmadd_ps(beta, _mm256_loadu_ps(ci + 8), v1);
    }
    if (op.last) {
      if (op.bias_row) {
        __m256 br = _mm256_set1_ps(op.bias_row[i]);
        v0 = _mm256_add_ps(v0, br);
        v1 = _mm256_add_ps(v1, br);
      }
      v0 = _mm256_add_ps(v0, bc0);
      v1 = _mm256_add_ps(v1, bc1);
      if (simple_act) {
        v0 = epilogue_act(v0, op.act);
        v1 = epilogue_act(v1, op.act);
      }
    }
    _mm256_storeu_ps(ci, v0);
    _mm256_storeu_ps(ci + 8, v1);
    if (op.last && !simple_act) activation_f32(op.act, ci, ci, NR);
  }
}

}  // namespace li::gemm
#endif  // __x86_64__
