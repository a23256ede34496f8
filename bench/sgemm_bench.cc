// GEMM micro-benchmark: GFLOP/s of sgemm on shapes from CNNs and transformers, 1 and 2
// threads, and the machine's single-core fp32 FMA peak for scale.
//   cmake -B build-bench -DLITEINFER_BENCH=ON && cmake --build build-bench --target liteinfer_bench_gemm
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/features.h"
#include "kernels/gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2,fma"))) static double fma_peak_gflops() {
  // 10 independent FMA chains hide the 4-cycle latency on two ports.
  __m256 acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = _mm256_set1_ps(float(i));
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
  const int64_t iters = 50'000'000;
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 10; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  float sink = 0;
  for (int i = 0; i < 10; ++i) sink += _mm256_cvtss_f32(acc[i]);
  if (sink == 12345.f) std::puts("");
  return double(iters) * 10 * 16 / s / 1e9;
}
#endif

static double time_gemm(int64_t M, int64_t N, int64_t K, li::ThreadPool& pool, bool packed_b) {
  std::vector<float> A(size_t(M * K), 0.5f), B(size_t(K * N), 0.25f), C(size_t(M * N));
  li::GemmArgs g;
  g.M = M; g.N = N; g.K = K;
  g.A = A.data(); g.lda = K; g.B = B.data(); g.ldb = N; g.C = C.data(); g.ldc = N;
  li::PackedMatrixPtr pb;
  if (packed_b) { pb = li::pack_b(B.data(), N, false, K, N); g.packed_b = pb.get(); }
  li::sgemm(g, &pool);
  std::vector<double> times;
  for (int r = 0; r < 15; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    li::sgemm(g, &pool);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return 2.0 * double(M) * double(N) * double(K) / times[times.size() / 2] / 1e9;
}

int main() {
  std::printf("cpu: %s\n", li::cpu_description().c_str());
#if defined(__x86_64__)
  if (li::cpu_features().avx2 && li::cpu_features().fma)
    std::printf("fp32 FMA peak, 1 core: %.1f GFLOP/s\n", fma_peak_gflops());
#endif
  struct { int64_t M, N, K; const char* what; } shapes[] = {
      {512, 512, 512, "square"},
      {64, 3136, 576, "resnet conv2 3x3 (im2col)"},
      {128, 784, 1152, "resnet conv3 3x3"},
      {256, 196, 2304, "resnet conv4 3x3"},
      {512, 49, 4608, "resnet conv5 3x3"},
      {128, 768, 768, "transformer linear (seq 128)"},
      {1, 1000, 1280, "classifier (M=1)"},
  };
  li::ThreadPool p1(1), p2(2);
  std::printf("%-32s %6s %6s %6s %10s %10s\n", "shape", "M", "N", "K", "1 thread", "2 threads");
  for (auto& s : shapes) {
    double g1 = time_gemm(s.M, s.N, s.K, p1, true);
    double g2 = time_gemm(s.M, s.N, s.K, p2, true);
    std::printf("%-32s %6lld %6lld %6lld %7.1f GF %7.1f GF\n", s.what, (long long)s.M, (long long)s.N,
                (long long)s.K, g1, g2);
  }
}
