// Private to the GEMM: the packed layout and the micro-kernel signature shared by the driver
// (sgemm.cc) and the per-ISA micro-kernels. Every tier uses the same MRxNR register tile, so a
// PackedMatrix is valid for any tier.
//
// Packed A: for each KC-deep block of K, MR-row panels, each stored k-major: a[k*MR + i].
// Packed B: for each KC-deep block of K, NR-column panels, each stored k-major: b[k*NR + j].
// Rows/columns past the matrix edge are zero, so kernels never branch on edges.
#pragma once
#include <cstdint>

#include "cpu/features.h"
#include "kernels/activation.h"

namespace li::gemm {

constexpr int64_t MR = 6;
constexpr int64_t NR = 16;
constexpr int64_t KC = 256;

// What the micro-kernel does with its MRxNR accumulator `acc` (= A panel x B panel over kc):
//   C = alpha*acc + (accumulate ? C : beta*C)      (beta == 0 and !accumulate: C not read)
//   then, when last: C += bias (row or column), C = act(C)
struct TileOp {
  float alpha = 1.f;
  float beta = 0.f;
  bool accumulate = false;
  bool last = true;
  const float* bias_row = nullptr;  // bias for each of the MR rows, or null
  const float* bias_col = nullptr;  // bias for each of the NR columns, or null
  Activation act;
};

// A full MRxNR tile; C has leading dimension ldc.
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                             const TileOp& op);

void f32_gemm_6x16__portable(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                             const TileOp& op);
#if defined(LITEINFER_HAVE_AVX2)
void f32_gemm_6x16__avx2_fma(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                             const TileOp& op);
#endif

MicroKernel micro_kernel_for(CpuTier tier);

}  // namespace li::gemm

namespace li {
struct GemmArgs;
class ThreadPool;
namespace gemm {
// sgemm on a chosen tier (tests force the portable path with it).
void sgemm_for_tier(const GemmArgs& args, ThreadPool* pool, CpuTier tier);
}  // namespace gemm
}  // namespace li
