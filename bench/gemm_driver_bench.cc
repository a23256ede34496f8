// GEMM micro-benchmark for gemm_driver.cc: GFLOP/s of sgemm (host tier and portable tier) on
// CNN and transformer shapes at 1 and 2 threads, with operands packed per call and with the
// weight operand pre-packed (conv: A = weights; linear: B = weights), against the single-core
// FMA peak.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/features.h"
#include "kernels/gemm.h"
#include "kernels/gemm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
// Independent FMA chains: 10 x 8 lanes hide the FMA latency on two ports (Zen3/Skylake: 4
// cycles). Only run when the host has AVX2+FMA.
__attribute__((target("avx2,fma"))) static double fma_peak_gflops() {
  __m256 acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = _mm256_set1_ps(float(i));
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
  const int64_t iters = 40'000'000;
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t it = 0; it < iters; ++it)
#pragma GCC unroll 10
    for (int i = 0; i < 10; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  float sink = 0;
  for (int i = 0; i < 10; ++i) sink += _mm256_cvtss_f32(acc[i]);
  if (sink == 12345.f) std::puts("");
  return double(iters) * 10 * 16 / s / 1e9;
}
#endif

namespace {

struct Shape {
  int64_t M, N, K;
  bool weights_a;  // conv (im2col): A holds the weights; linear: B does
  const char* what;
};

double gflops(const Shape& s, li::ThreadPool& pool, li::CpuTier tier, bool prepack) {
  std::vector<float> A(size_t(s.M * s.K), 0.5f), B(size_t(s.K * s.N), 0.25f), C(size_t(s.M * s.N));
  li::GemmArgs g;
  g.M = s.M; g.N = s.N; g.K = s.K;
  g.A = A.data(); g.lda = s.K; g.B = B.data(); g.ldb = s.N; g.C = C.data(); g.ldc = s.N;
  li::PackedMatrixPtr pw;
  if (prepack && s.weights_a) {
    pw = li::gemm::pack_a_for_tier(A.data(), s.K, false, s.M, s.K, tier);
    g.packed_a = pw.get();
  } else if (prepack) {
    pw = li::gemm::pack_b_for_tier(B.data(), s.N, false, s.K, s.N, tier);
    g.packed_b = pw.get();
  }
  const double flop = 2.0 * double(s.M) * double(s.N) * double(s.K);
  li::gemm::sgemm_for_tier(g, &pool, tier);  // warm-up: buffers, pool wake
  int reps = int(std::max(3.0, std::min(200.0, 2e9 / flop)));
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    li::gemm::sgemm_for_tier(g, &pool, tier);
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return flop / t[t.size() / 4] / 1e9;  // lower quartile: the machine is shared
}

}  // namespace

int main() {
  std::printf("cpu: %s\n", li::cpu_description().c_str());
  double peak = 0;
#if defined(__x86_64__)
  if (li::cpu_features().avx2 && li::cpu_features().fma) {
    peak = fma_peak_gflops();
    std::printf("fp32 FMA peak (independent chains), 1 core: %.1f GFLOP/s\n", peak);
  }
#endif
  const Shape shapes[] = {
      {64, 3136, 576, true, "conv 3x3 64ch 56x56"},
      {256, 196, 2304, true, "conv 3x3 256ch 14x14"},
      {512, 49, 4608, true, "conv 3x3 512ch 7x7"},
      {128, 768, 768, false, "linear seq128 768"},
      {1, 1000, 1280, false, "classifier M=1"},
      {512, 512, 512, false, "square 512"},
  };
  std::vector<li::CpuTier> tiers = {li::cpu_tier()};
  if (li::cpu_tier() != li::CpuTier::Generic) tiers.push_back(li::CpuTier::Generic);
  li::ThreadPool p1(1), p2(2);
  for (li::CpuTier tier : tiers) {
    std::printf("\ntier %s (%s), GFLOP/s; 'pack' = weights pre-packed\n", li::cpu_tier_name(tier),
                li::gemm::gemm_tier(tier).name);
    std::printf("%-22s %16s %8s %8s %8s %8s %7s\n", "shape", "MxNxK", "1T", "2T", "1T pack",
                "2T pack", "%peak");
    for (const Shape& s : shapes) {
      char dims[48];
      std::snprintf(dims, sizeof dims, "%lldx%lldx%lld", (long long)s.M, (long long)s.N, (long long)s.K);
      double a1 = gflops(s, p1, tier, false), a2 = gflops(s, p2, tier, false);
      double b1 = gflops(s, p1, tier, true), b2 = gflops(s, p2, tier, true);
      std::printf("%-22s %16s %8.1f %8.1f %8.1f %8.1f %6.0f%%\n", s.what, dims, a1, a2, b1, b2,
                  peak > 0 ? 100.0 * std::max(a1, b1) / peak : 0.0);
    }
  }
}
