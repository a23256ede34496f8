#include "cpu/features.h"

#include <cstdlib>
#include <cstring>
#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define LI_X86 1
#include <cpuid.h>
#endif
#if defined(__aarch64__) || defined(__arm__)
#define LI_ARM 1
#if defined(__linux__)
#include <sys/auxv.h>
#endif
#endif

namespace li {

namespace {

#ifdef LI_X86
uint64_t xgetbv0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (uint64_t(edx) << 32) | eax;
}
#endif

CpuFeatures detect() {
  CpuFeatures f;
#ifdef LI_X86
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  bool osxsave = c & (1u << 27);  // CPUID.1:ECX.OSXSAVE[bit 27]
  bool avx = c & (1u << 28);      // CPUID.1:ECX.AVX[bit 28]
  bool fma = c & (1u << 12);      // CPUID.1:ECX.FMA[bit 12]
  bool f16c = c & (1u << 29);     // CPUID.1:ECX.F16C[bit 29]
  if (!osxsave || !avx) return f;
  uint64_t xcr0 = xgetbv0();
  bool ymm_state = (xcr0 & 0x6) == 0x6;     // XCR0 bits 1 (SSE) and 2 (AVX)
  bool zmm_state = (xcr0 & 0xe6) == 0xe6;   // plus bits 5-7 (opmask, ZMM_Hi256, Hi16_ZMM)
  if (!ymm_state) return f;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = b & (1u << 5);   // CPUID.(7,0):EBX.AVX2[bit 5]
  f.fma = fma;
  f.f16c = f16c;
  if (zmm_state) {
    f.avx512f = b & (1u << 16);     // EBX bit 16
    f.avx512dq = b & (1u << 17);    // EBX bit 17
    f.avx512bw = b & (1u << 30);    // EBX bit 30
    f.avx512vl = b & (1u << 31);    // EBX bit 31
    f.avx512vnni = c & (1u << 11);  // ECX bit 11
    unsigned a1, b1, c1, d1;
    __cpuid_count(7, 1, a1, b1, c1, d1);
    f.avx512bf16 = a1 & (1u << 5);  // CPUID.(7,1):EAX.AVX512_BF16[bit 5]
  }
#endif
#ifdef LI_ARM
#if defined(__aarch64__)
  f.neon = true;  // Advanced SIMD is mandatory in ARMv8-A
#if defined(__linux__) && defined(HWCAP_ASIMDHP)
  f.neon_fp16 = getauxval(AT_HWCAP) & HWCAP_ASIMDHP;
#endif
#elif defined(__linux__)
  f.neon = getauxval(AT_HWCAP) & (1 << 12);  // HWCAP_NEON on 32-bit ARM
#endif
#endif
  return f;
}

CpuTier best_tier(const CpuFeatures& f) {
  if (f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl && f.fma) return CpuTier::Avx512;
  if (f.avx2 && f.fma) return CpuTier::Avx2;
#if defined(LITEINFER_HAVE_NEON)
  // Only builds that carry NEON kernels (aarch64) run the tier; armv7 builds stay portable.
  if (f.neon) return CpuTier::Neon;
#endif
  return CpuTier::Generic;
}

int tier_rank(CpuTier t) {
  switch (t) {
    case CpuTier::Generic: return 0;
    case CpuTier::Neon: return 1;
    case CpuTier::Avx2: return 1;
    case CpuTier::Avx512: return 2;
  }
  return 0;
}

CpuTier choose_tier() {
  CpuTier best = best_tier(cpu_features());
  const char* env = std::getenv("LITEINFER_CPU");
  if (!env || !*env) return best;
  CpuTier want = best;
  if (!std::strcmp(env, "generic")) want = CpuTier::Generic;
  else if (!std::strcmp(env, "avx2")) want = CpuTier::Avx2;
  else if (!std::strcmp(env, "avx512")) want = CpuTier::Avx512;
  else if (!std::strcmp(env, "neon")) want = CpuTier::Neon;
  // Only lower the tier, and only within the host's family.
  if (want == CpuTier::Generic) return want;
  bool same_family = (want == CpuTier::Neon) == (best == CpuTier::Neon);
  if (same_family && tier_rank(want) <= tier_rank(best)) return want;
  return best;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();
  return f;
}

CpuTier cpu_tier() {
  static const CpuTier t = choose_tier();
  return t;
}

const char* cpu_tier_name(CpuTier t) {
  switch (t) {
    case CpuTier::Generic: return "generic";
    case CpuTier::Avx2: return "avx2";
    case CpuTier::Avx512: return "avx512";
    case CpuTier::Neon: return "neon";
  }
  return "generic";
}

std::string cpu_description() {
  const CpuFeatures& f = cpu_features();
  std::string s;
#if defined(LI_X86)
  s = "x86-64";
  if (f.avx2) s += " AVX2";
  if (f.fma) s += "+FMA";
  if (f.avx512f) s += " AVX-512";
  if (f.avx512vnni) s += "+VNNI";
  if (f.avx512bf16) s += "+BF16";
#elif defined(__aarch64__)
  s = "arm64";
  if (f.neon) s += " NEON";
  if (f.neon_fp16) s += "+FP16";
#elif defined(__arm__)
  s = "arm";
  if (f.neon) s += " NEON";
#else
  s = "generic";
#endif
  return s + " (tier " + cpu_tier_name(cpu_tier()) + ")";
}

}  // namespace li
