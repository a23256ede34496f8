// sgemm on every tier the host runs (and the portable path forced) vs sgemm_ref, over odd
// shapes, transposes, strides, alpha/beta, bias, activations, pre-packed operands, threads.
// Tolerance: rtol 1e-4, atol 1e-5 * sqrt(K) (float accumulation order differs from the ref).
#include <cmath>
#include <limits>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/gemm.h"
#include "kernels/gemm_tile.h"
#include "testing.h"

namespace {

struct Shape3 { int64_t M, N, K; };

void check_case(const Shape3& s, bool ta, bool tb, float alpha, float beta, int bias_mode,
                li::Activation act, int packed, li::ThreadPool* pool, li::CpuTier tier, uint32_t seed) {
  int64_t lda = (ta ? s.M : s.K) + (seed % 3), ldb = (tb ? s.K : s.N) + (seed % 2), ldc = s.N + (seed % 4);
  auto A = testing::random_floats(size_t((ta ? s.K : s.M) * lda), seed);
  auto B = testing::random_floats(size_t((tb ? s.N : s.K) * ldb), seed + 1);
  auto bias = testing::random_floats(size_t(std::max(s.M, s.N)), seed + 2);
  std::vector<float> C0 = testing::random_floats(size_t(s.M * ldc), seed + 3);
  std::vector<float> Cref = C0, Cgot = C0;
  if (beta == 0.f) std::fill(Cgot.begin(), Cgot.end(), std::numeric_limits<float>::quiet_NaN());
  li::GemmArgs g;
  g.M = s.M; g.N = s.N; g.K = s.K;
  g.A = A.data(); g.lda = lda; g.trans_a = ta;
  g.B = B.data(); g.ldb = ldb; g.trans_b = tb;
  g.alpha = alpha; g.beta = beta; g.act = act;
  if (bias_mode) { g.bias = bias.data(); g.bias_per_row = bias_mode == 2; }
  g.C = Cref.data(); g.ldc = ldc;
  li::sgemm_ref(g);
  li::PackedMatrixPtr pa, pb;
  if (packed & 1) { pa = li::pack_a(A.data(), lda, ta, s.M, s.K); g.packed_a = pa.get(); }
  if (packed & 2) { pb = li::pack_b(B.data(), ldb, tb, s.K, s.N); g.packed_b = pb.get(); }
  g.C = Cgot.data();
  li::gemm::sgemm_for_tier(g, pool, tier);
  for (int64_t i = 0; i < s.M; ++i) {
    double v = testing::max_violation(Cgot.data() + i * ldc, Cref.data() + i * ldc, size_t(s.N), 1e-4,
                                      1e-5 * std::sqrt(double(s.K) + 1));
    if (!(v <= 1.0)) {
      testing::record_failure(__FILE__, __LINE__,
          "sgemm M=" + std::to_string(s.M) + " N=" + std::to_string(s.N) + " K=" + std::to_string(s.K) +
          " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) + " packed=" + std::to_string(packed) +
          " beta=" + std::to_string(beta) + " violation " + std::to_string(v));
      return;
    }
  }
}

}  // namespace

TEST(gemm_matches_reference_on_every_tier) {
  const int64_t sizes[] = {1, 2, 5, 6, 7, 15, 16, 17, 31, 33, 64, 97, 128, 255, 300};
  std::vector<li::CpuTier> tiers = {li::CpuTier::Generic};
  if (testing::host_has("avx2")) tiers.push_back(li::CpuTier::Avx2);
  li::ThreadPool pool1(1), pool2(2);
  const li::Activation::Kind acts[] = {li::Activation::None, li::Activation::Relu, li::Activation::Clip,
                                       li::Activation::LeakyRelu, li::Activation::Sigmoid, li::Activation::Tanh};
  uint32_t seed = 1;
  for (li::CpuTier tier : tiers) {
    for (int rep = 0; rep < 150; ++rep, ++seed) {
      Shape3 s{sizes[(seed * 7) % 15], sizes[(seed * 11 + 3) % 15], sizes[(seed * 13 + 5) % 15]};
      li::Activation act;
      act.kind = acts[seed % 6];
      act.alpha = act.kind == li::Activation::Clip ? -0.5f : 0.1f;
      act.beta = 0.5f;
      float beta = seed % 3 == 0 ? 0.f : (seed % 3 == 1 ? 1.f : 0.5f);
      check_case(s, seed & 1, seed & 2, seed % 5 == 0 ? 0.75f : 1.f, beta, int(seed % 3), act,
                 int((seed / 3) % 4), seed % 2 ? &pool2 : &pool1, tier, seed);
    }
    // K spanning several KC blocks, and large tiles split across threads.
    check_case({37, 70, 700}, false, false, 1.f, 0.f, 1, {}, 0, &pool2, tier, 99);
    check_case({130, 300, 520}, false, true, 1.f, 1.f, 2, {}, 2, &pool2, tier, 98);
    check_case({1, 1000, 1280}, false, false, 1.f, 0.f, 1, {}, 2, &pool2, tier, 97);
  }
}

TEST(gemm_k_zero_is_bias_and_activation) {
  std::vector<float> C = {5, 5, 5, 5};
  float bias[2] = {1, -2};
  li::GemmArgs g;
  g.M = 2; g.N = 2; g.K = 0; g.C = C.data(); g.ldc = 2; g.bias = bias;
  g.act.kind = li::Activation::Relu;
  li::sgemm(g, nullptr);
  CHECK_EQ(C[0], 1.f);
  CHECK_EQ(C[1], 0.f);
}
