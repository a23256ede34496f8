// CPU feature queries. They compile on every architecture and answer false off-arch, so callers
// need no #ifdef. AVX-family answers already include the OS check (XGETBV): a CPU that has AVX2
// but an OS that does not save YMM state reports false.
#pragma once
#include <string>

namespace li {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512dq = false;
  bool avx512vl = false;
  bool avx512vnni = false;
  bool avx512bf16 = false;
  bool neon = false;
  bool neon_fp16 = false;  // ARMv8.2 FP16 arithmetic
};

// What the hardware supports (detected once).
const CpuFeatures& cpu_features();

// The kernel tier in use: the best the hardware has, lowered by LITEINFER_CPU
// ("generic" | "avx2" | "avx512" | "neon"). A tier the host lacks is never chosen.
enum class CpuTier { Generic, Avx2, Avx512, Neon };
CpuTier cpu_tier();
const char* cpu_tier_name(CpuTier t);
// A short description for `inspect`/`bench`: "x86-64 AVX2+FMA (tier avx2)".
std::string cpu_description();

}  // namespace li
