#include "testing.h"

#include <cstdio>
#include <cstring>
#include <exception>

#include "cpu/features.h"

namespace testing {

std::vector<Case>& cases() {
  static std::vector<Case> c;
  return c;
}

static int g_failures_in_case = 0;

void record_failure(const char* file, int line, const std::string& what) {
  if (g_failures_in_case < 10) std::fprintf(stderr, "  %s:%d: %s\n", file, line, what.c_str());
  ++g_failures_in_case;
}

std::vector<float> random_floats(size_t n, uint32_t seed, float lo, float hi) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s ^= s << 13; s ^= s >> 17; s ^= s << 5;  // xorshift32
    x = lo + (hi - lo) * float(s >> 8) / float(1 << 24);
  }
  return v;
}

double max_violation(const float* a, const float* b, size_t n, double rtol, double atol) {
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    double d = std::fabs(double(a[i]) - double(b[i])) / (atol + rtol * std::fabs(double(b[i])));
    if (!(d <= worst)) worst = d;  // NaN propagates as a violation
  }
  return worst;
}

bool host_has(const char* tier) {
  const li::CpuFeatures& f = li::cpu_features();
  if (!std::strcmp(tier, "avx2")) return f.avx2 && f.fma;
  if (!std::strcmp(tier, "avx512")) return f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl;
#if defined(LITEINFER_HAVE_NEON)
  if (!std::strcmp(tier, "neon")) return f.neon;
#else
  if (!std::strcmp(tier, "neon")) return false;  // no NEON kernels in this build (armv7, x86)
#endif
  return true;
}

li::CpuTier simd_tier() {
  if (host_has("avx2")) return li::CpuTier::Avx2;
  if (host_has("neon")) return li::CpuTier::Neon;
  return li::CpuTier::Generic;
}

}  // namespace testing

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int passed = 0, failed = 0;
  std::printf("liteinfer_tests on %s\n", li::cpu_description().c_str());
  for (auto& c : testing::cases()) {
    if (filter && !std::strstr(c.name, filter)) continue;
    testing::g_failures_in_case = 0;
    try {
      c.fn();
    } catch (const std::exception& e) {
      testing::record_failure(__FILE__, __LINE__, std::string("uncaught exception: ") + e.what());
    }
    if (testing::g_failures_in_case) {
      std::printf("FAIL %s\n", c.name);
      ++failed;
    } else {
      ++passed;
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
