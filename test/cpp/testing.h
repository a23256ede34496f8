// A tiny test harness for the engine's C++ tests (no Node, so they also run under qemu and
// sanitizers). TEST(name) registers a case; CHECK* record failures and keep going.
// Run: build-cpp/liteinfer_tests [filter-substring]
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "cpu/features.h"

namespace testing {

struct Case {
  const char* name;
  std::function<void()> fn;
};
std::vector<Case>& cases();
struct Register {
  Register(const char* name, std::function<void()> fn) { cases().push_back({name, std::move(fn)}); }
};
void record_failure(const char* file, int line, const std::string& what);
// Deterministic pseudo-random floats in [lo, hi) for kernel tests.
std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.f, float hi = 1.f);
// Largest |a-b| / (atol + rtol*|b|) over the arrays; <= 1 means within tolerance.
double max_violation(const float* a, const float* b, size_t n, double rtol, double atol);
// True when the host can run the given tier ("avx2", "avx512", "neon"); tests of other tiers skip.
bool host_has(const char* tier);
// The host's SIMD tier whose kernels are built (Avx2 on x86-64 with AVX2+FMA, Neon on aarch64),
// or Generic: the tier tests compare with the reference, whatever the architecture.
li::CpuTier simd_tier();

}  // namespace testing

#define TEST_CAT2(a, b) a##b
#define TEST_CAT(a, b) TEST_CAT2(a, b)
#define TEST(name)                                                                  \
  static void TEST_CAT(test_fn_, name)();                                          \
  static testing::Register TEST_CAT(test_reg_, name)(#name, TEST_CAT(test_fn_, name)); \
  static void TEST_CAT(test_fn_, name)()

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) testing::record_failure(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)
#define CHECK_EQ(a, b)                                                               \
  do {                                                                               \
    auto va_ = (a);                                                                  \
    auto vb_ = (b);                                                                  \
    if (!(va_ == vb_)) {                                                             \
      std::ostringstream os_;                                                        \
      os_ << "CHECK_EQ(" #a ", " #b "): " << va_ << " vs " << vb_;                   \
      testing::record_failure(__FILE__, __LINE__, os_.str());                        \
    }                                                                                \
  } while (0)
#define CHECK_NEAR_ARRAYS(a, b, n, rtol, atol)                                           \
  do {                                                                                   \
    double v_ = testing::max_violation((a), (b), (n), (rtol), (atol));                   \
    if (!(v_ <= 1.0)) {                                                                  \
      std::ostringstream os_;                                                            \
      os_ << "arrays differ beyond tolerance (violation " << v_ << ") for " #a " vs " #b; \
      testing::record_failure(__FILE__, __LINE__, os_.str());                            \
    }                                                                                    \
  } while (0)
// Expects the statement to throw li::Error whose message contains `fragment`.
#define CHECK_THROWS(stmt, fragment)                                                  \
  do {                                                                                \
    bool thrown_ = false;                                                             \
    try { stmt; } catch (const std::exception& e_) {                                  \
      thrown_ = true;                                                                 \
      if (std::string(e_.what()).find(fragment) == std::string::npos)                 \
        testing::record_failure(__FILE__, __LINE__,                                   \
                                std::string("message lacks '") + fragment + "': " + e_.what()); \
    }                                                                                 \
    if (!thrown_) testing::record_failure(__FILE__, __LINE__, "expected a throw: " #stmt); \
  } while (0)
