// sgemm on every tier the host runs (AVX2 here, and the portable path forced) vs sgemm_ref:
// sizes around the tiles (1, tile-1, tile, tile+1, primes, several cache blocks), transposes,
// strides, alpha/beta (beta = 0 over a NaN-filled C proves C is not read), bias per row or
// column, every activation, pre-packed A and/or B, 1 and 2 threads.
// Tolerance: rtol 1e-4, atol 1e-5*sqrt(K): float accumulation in another order than the ref's
// double, plus the SIMD activations' own error.
// Then the Gemm and MatMul ops through the registry (C broadcasting, 1-D MatMul, batch
// broadcasting, constant weights pre-packed at build, fused activations).
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/gemm.h"
#include "kernels/gemm_blocked.h"
#include "op_runner.h"
#include "testing.h"

namespace {

using li::Activation;
using li::CpuTier;

struct GemmCase {
  int64_t M, N, K;
  bool ta = false, tb = false;
  int64_t pad_a = 0, pad_b = 0, pad_c = 0;  // leading dimensions beyond the minimum
  float alpha = 1.f, beta = 0.f;
  int bias = 0;     // 0 none, 1 per column, 2 per row
  Activation act;
  int packed = 0;   // bit 0: A pre-packed, bit 1: B pre-packed
  CpuTier pack_tier_b = CpuTier::Generic;  // used only when mixed_tiers
  bool mixed_tiers = false;                // B packed for the other tier than A
};

std::string describe(const GemmCase& c, CpuTier tier, int threads) {
  return li::cat("M=", c.M, " N=", c.N, " K=", c.K, " ta=", c.ta, " tb=", c.tb, " pads=", c.pad_a, "/",
                 c.pad_b, "/", c.pad_c, " alpha=", c.alpha, " beta=", c.beta, " bias=", c.bias,
                 " act=", int(c.act.kind), " packed=", c.packed, " tier=", li::cpu_tier_name(tier),
                 " threads=", threads);
}

// Runs one case on `tier` and compares with sgemm_ref; returns false on a mismatch.
bool check_gemm(const GemmCase& c, CpuTier tier, li::ThreadPool* pool, uint32_t seed) {
  const int64_t lda = (c.ta ? c.M : c.K) + c.pad_a, ldb = (c.tb ? c.K : c.N) + c.pad_b;
  const int64_t ldc = c.N + c.pad_c;
  auto A = testing::random_floats(size_t(std::max<int64_t>(1, (c.ta ? c.K : c.M) * lda)), seed);
  auto B = testing::random_floats(size_t(std::max<int64_t>(1, (c.tb ? c.N : c.K) * ldb)), seed + 1);
  auto bias = testing::random_floats(size_t(std::max(c.M, c.N)), seed + 2);
  auto C0 = testing::random_floats(size_t(std::max<int64_t>(1, c.M * ldc)), seed + 3);
  std::vector<float> want = C0, got = C0;
  if (c.beta == 0.f)  // never read: NaN would poison any read
    std::fill(got.begin(), got.end(), std::numeric_limits<float>::quiet_NaN());
  const std::vector<float> got0 = got;
  li::GemmArgs g;
  g.M = c.M; g.N = c.N; g.K = c.K;
  g.A = A.data(); g.lda = lda; g.trans_a = c.ta;
  g.B = B.data(); g.ldb = ldb; g.trans_b = c.tb;
  g.alpha = c.alpha; g.beta = c.beta; g.act = c.act;
  if (c.bias) { g.bias = bias.data(); g.bias_per_row = c.bias == 2; }
  g.C = want.data(); g.ldc = ldc;
  li::sgemm_ref(g);
  li::PackedMatrixPtr pa, pb;
  if (c.packed & 1) { pa = li::gemm::pack_a_with_tier(A.data(), lda, c.ta, c.M, c.K, tier); g.packed_a = pa.get(); }
  if (c.packed & 2) {
    CpuTier bt = c.mixed_tiers ? c.pack_tier_b : tier;
    pb = li::gemm::pack_b_with_tier(B.data(), ldb, c.tb, c.K, c.N, bt);
    g.packed_b = pb.get();
  }
  if (g.packed_a) g.A = nullptr;  // a pre-packed operand must be used as is
  if (g.packed_b) g.B = nullptr;
  g.C = got.data();
  li::gemm::sgemm_with_tier(g, pool, tier);
  const double atol = 1e-5 * std::sqrt(double(std::max<int64_t>(1, c.K)));
  for (int64_t i = 0; i < c.M; ++i) {
    double v = testing::max_violation(got.data() + i * ldc, want.data() + i * ldc, size_t(c.N), 1e-4, atol);
    if (!(v <= 1.0)) {
      testing::record_failure(__FILE__, __LINE__, describe(c, tier, pool ? pool->size() : 0) + " row " +
                                                      std::to_string(i) + " violation " + std::to_string(v));
      return false;
    }
    // The padding between rows of C is not touched.
    for (int64_t j = c.N; j < ldc; ++j)
      if (std::memcmp(&got[size_t(i * ldc + j)], &got0[size_t(i * ldc + j)], 4) != 0) {
        testing::record_failure(__FILE__, __LINE__, describe(c, tier, 0) + " wrote C padding");
        return false;
      }
  }
  return true;
}

std::vector<CpuTier> host_tiers() {
  std::vector<CpuTier> t = {CpuTier::Generic};
  if (testing::host_has("avx2")) t.push_back(CpuTier::Avx2);
  if (testing::host_has("avx512")) t.push_back(CpuTier::Avx512);
  return t;
}

Activation make_act(int kind) {
  Activation a;
  a.kind = Activation::Kind(kind);
  if (a.kind == Activation::Clip) { a.alpha = -0.4f; a.beta = 0.6f; }
  if (a.kind == Activation::LeakyRelu) a.alpha = 0.1f;
  if (a.kind == Activation::HardSigmoid) { a.alpha = 0.2f; a.beta = 0.5f; }
  return a;
}

constexpr int kActivationKinds = 10;  // None .. Gelu

}  // namespace

TEST(gemm_pinned_2x2) {
  // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]; alpha 2, bias per column [1, -100], Relu.
  float A[] = {1, 2, 3, 4}, B[] = {5, 6, 7, 8}, bias[] = {1, -100}, C[4];
  for (CpuTier tier : host_tiers()) {
    li::GemmArgs g;
    g.M = 2; g.N = 2; g.K = 2; g.A = A; g.lda = 2; g.B = B; g.ldb = 2; g.C = C; g.ldc = 2;
    g.alpha = 2.f; g.bias = bias; g.act.kind = Activation::Relu;
    li::gemm::sgemm_with_tier(g, nullptr, tier);
    CHECK_EQ(C[0], 39.f);
    CHECK_EQ(C[1], 0.f);
    CHECK_EQ(C[2], 87.f);
    CHECK_EQ(C[3], 0.f);
  }
}

TEST(gemm_randomized_shapes_vs_reference) {
  // Around every tier's tiles: 4x8 (portable), 6x16 (AVX2), 14x32 (AVX-512).
  const int64_t sizes[] = {1, 2, 5, 6, 7, 13, 14, 15, 16, 17, 29, 31, 32, 33, 64, 97, 128, 255};
  constexpr int kSizes = 18;
  li::ThreadPool pool1(1), pool2(2);
  int cases = 0;
  for (CpuTier tier : host_tiers()) {
    uint32_t seed = 7;
    for (int rep = 0; rep < 240; ++rep, ++seed) {
      uint32_t h = seed * 2654435761u;
      GemmCase c;
      c.M = sizes[(h >> 3) % kSizes];
      c.N = sizes[(h >> 9) % kSizes];
      c.K = sizes[(h >> 15) % kSizes];
      if (c.M * c.N * c.K > 2000000) c.K = sizes[(h >> 15) % 8];  // keep the reference quick
      c.ta = (h >> 20) & 1;
      c.tb = (h >> 21) & 1;
      if ((h >> 22) & 1) { c.pad_a = 3; c.pad_b = 5; c.pad_c = 2; }
      c.alpha = ((h >> 23) & 3) == 0 ? 0.5f : 1.f;
      int bm = (h >> 25) % 3;
      c.beta = bm == 0 ? 0.f : (bm == 1 ? 1.f : -0.75f);
      c.bias = int((h >> 27) % 3);
      c.act = make_act(int(rep % kActivationKinds));
      c.packed = int((h >> 29) % 4);
      li::ThreadPool* pool = rep % 2 ? &pool2 : &pool1;
      ++cases;
      if (!check_gemm(c, tier, pool, seed)) break;
    }
  }
  CHECK(cases >= 240);
}

TEST(gemm_every_size_each_side) {
  // Each dimension through every size with the others at tile-crossing values.
  const int64_t sizes[] = {1, 2, 5, 6, 7, 13, 14, 15, 16, 17, 29, 31, 32, 33, 64, 97, 128, 255};
  li::ThreadPool pool2(2);
  for (CpuTier tier : host_tiers()) {
    uint32_t seed = 1000;
    for (int64_t s : sizes) {
      bool ok = check_gemm({s, 17, 33}, tier, &pool2, seed++) &&
                check_gemm({7, s, 31}, tier, nullptr, seed++) &&
                check_gemm({13, 19, s}, tier, &pool2, seed++);
      GemmCase t{s, 33, 16};
      t.ta = t.tb = true;
      t.beta = 0.5f;
      t.packed = 3;
      ok = ok && check_gemm(t, tier, &pool2, seed++);
      if (!ok) break;
    }
  }
}

TEST(gemm_every_activation_and_bias) {
  li::ThreadPool pool2(2);
  for (CpuTier tier : host_tiers())
    for (int kind = 0; kind < kActivationKinds; ++kind)
      for (int bias = 0; bias < 3; ++bias) {
        GemmCase c{23, 37, 45};
        c.act = make_act(kind);
        c.bias = bias;
        c.beta = bias == 1 ? 0.f : 1.f;
        c.pad_c = 1;
        if (!check_gemm(c, tier, &pool2, uint32_t(kind * 3 + bias))) return;
      }
}

TEST(gemm_cache_blocks_and_threads) {
  // K over several kc blocks (the epilogue only on the last), M over several mc blocks, N over
  // nc, big enough for the 2-thread split; pre-packed and not.
  li::ThreadPool pool1(1), pool2(2);
  for (CpuTier tier : host_tiers()) {
    const li::gemm::KernelConfig& cfg = li::gemm::kernel_config(tier);
    const int64_t nc = cfg.nc, mc = cfg.mc, kc = cfg.kc;
    std::vector<GemmCase> cs = {
        {37, 70, 3 * kc + 5},       {mc + 7, 40, 2 * kc + 1},   {130, 300, 520},
        {3, nc + 37, kc + 3},       {2 * mc + 1, 2 * 16 + 3, 9}, {1, 1000, 1280},
        {300, 1, 700},              {64, 196, 576},
    };
    uint32_t seed = 500;
    for (GemmCase c : cs)
      for (int packed = 0; packed < 4; ++packed)
        for (li::ThreadPool* pool : {&pool1, &pool2}) {
          c.packed = packed;
          c.beta = packed == 1 ? 0.25f : 0.f;
          c.bias = 1 + packed % 2;
          c.act = make_act(packed == 2 ? Activation::Tanh : Activation::Relu);
          c.tb = packed == 3;
          if (!check_gemm(c, tier, pool, seed++)) return;
        }
  }
}

TEST(gemm_mixed_tier_packing) {
  // Every ordered pair of the host's tiers (none on a host with one tier).
  li::ThreadPool pool2(2);
  for (CpuTier a_tier : host_tiers())
    for (CpuTier b_tier : host_tiers()) {
      if (a_tier == b_tier) continue;
      GemmCase c{45, 77, 600};
      c.packed = 3;
      c.mixed_tiers = true;
      c.pack_tier_b = b_tier;
      c.bias = 1;
      if (!check_gemm(c, a_tier, &pool2, 77)) return;
    }
}

TEST(gemm_k_zero_and_empty) {
  for (CpuTier tier : host_tiers()) {
    // K == 0: C = act(beta*C + bias).
    std::vector<float> C = {5, 5, 5, 5};
    float bias[2] = {1, -20};
    li::GemmArgs g;
    g.M = 2; g.N = 2; g.K = 0; g.C = C.data(); g.ldc = 2; g.bias = bias; g.beta = 2.f;
    g.act.kind = Activation::Relu;
    li::gemm::sgemm_with_tier(g, nullptr, tier);
    CHECK_EQ(C[0], 11.f);
    CHECK_EQ(C[1], 0.f);
    // beta == 0 with K == 0: C not read.
    C.assign(4, std::numeric_limits<float>::quiet_NaN());
    g.beta = 0.f;
    g.act.kind = Activation::None;
    li::gemm::sgemm_with_tier(g, nullptr, tier);
    CHECK_EQ(C[2], 1.f);
    CHECK_EQ(C[3], -20.f);
    // M == 0 or N == 0: nothing is touched.
    g.M = 0; g.K = 3;
    li::gemm::sgemm_with_tier(g, nullptr, tier);
    // K == 1, pre-packed both.
    GemmCase k1{9, 21, 1};
    k1.packed = 3;
    check_gemm(k1, tier, nullptr, 3);
  }
  // The public entry points (the host's tier).
  std::vector<float> A = testing::random_floats(6 * 5, 1), B = testing::random_floats(5 * 7, 2);
  std::vector<float> want(6 * 7), got(6 * 7);
  li::GemmArgs g;
  g.M = 6; g.N = 7; g.K = 5; g.A = A.data(); g.lda = 5; g.B = B.data(); g.ldb = 7; g.ldc = 7;
  g.C = want.data();
  li::sgemm_ref(g);
  li::PackedMatrixPtr pb = li::pack_b(B.data(), 7, false, 5, 7);
  g.B = nullptr; g.packed_b = pb.get(); g.C = got.data();
  li::sgemm(g, nullptr);
  CHECK_NEAR_ARRAYS(got.data(), want.data(), got.size(), 1e-4, 1e-5 * std::sqrt(5.0));
}
