// Private to the GEMM: the micro-kernel signature shared by the driver (gemm.cc) and the
// per-ISA micro-kernels, the packed layout, and entries that force a tier (for tests).
//
// Packed layout, for an operand viewed as [rows, K] (A: rows = M; B: rows = N, i.e. op(B)^T):
// K is cut into blocks of `kc` (the last one shorter); block kb holds ceil(rows/w) panels, each
// kcb x w stored k-major (panel[k*w + r]); rows past the edge are zero. Block kb starts at
// kb*kc*panels*w, panel p of block kb at + p*w*kcb. A panels are MR tall, B panels NR wide.
#pragma once
#include <cstdint>

#include "cpu/features.h"
#include "kernels/activation.h"
#include "kernels/gemm.h"

namespace li {

struct PackedMatrix {
  CpuTier tier = CpuTier::Generic;  // the tier whose micro-kernel tile `w` was packed for
  int64_t rows = 0;                 // M (packed A) or N (packed B)
  int64_t depth = 0;                // K
  int64_t w = 0;                    // panel width: MR (A) or NR (B)
  int64_t kc = 0;                   // K block depth
  std::shared_ptr<void> owner;
  float* data = nullptr;
};

namespace gemm {

// What a micro-kernel does with its accumulator acc = A panel x B panel over kc, for the
// rows x cols corner of its MR x NR tile that lies inside C:
//   first block: C = alpha*acc + beta*C   (beta == 0: C is not read)
//   later:       C = alpha*acc + C
//   last block:  then C += bias_row[i] + bias_col[j], C = act(C)
struct TileEpilogue {
  float alpha = 1.f;
  float beta = 0.f;
  bool first = true;
  bool last = true;
  const float* bias_row = nullptr;  // this tile's first row's bias (bias_per_row), or null
  const float* bias_col = nullptr;  // this tile's first column's bias, or null
  Activation act;
};

// One MR x NR tile; 1 <= rows <= MR, 1 <= cols <= NR. a: an MR-wide A panel (a[k*MR + i]);
// b: NR values of B per k, row k at b + k*ldb (ldb = NR for a packed panel, or B's own row
// stride when a full NR-wide panel is read in place).
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                             int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& ep);

// Every tier's kernels (one line per variant).
void f32_gemm_4x8__portable(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                            int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& ep);
#if defined(LITEINFER_HAVE_AVX2)
void f32_gemm_6x16__avx2_fma(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                             int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& ep);
// The bench's single-core FMA peak probe: 12 independent 8-lane FMA chains, 192 FLOP per iter.
float f32_fma_chains__avx2_fma(int64_t iters);
// AVX-512 (F+DQ) kernels, built from "liteinfer_avx512_sources": only call on the Avx512 tier.
void f32_gemm_14x32__avx512(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                            int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& ep);
// The same probe with 16-lane FMAs: 384 FLOP per iteration.
float f32_fma_chains__avx512(int64_t iters);
#endif

struct KernelConfig {
  CpuTier tier;  // the tier the kernel really runs on (a tier the host lacks falls back)
  int64_t mr, nr;
  MicroKernel kernel;
  int64_t kc, mc, nc;  // cache blocking (from the detected cache sizes)
};

// The kernel for `tier`, lowered to what the host can run.
const KernelConfig& kernel_config(CpuTier tier);

// sgemm / pack_a / pack_b on a chosen tier (tests force the portable path with them).
void sgemm_with_tier(const GemmArgs& args, ThreadPool* pool, CpuTier tier);
PackedMatrixPtr pack_a_with_tier(const float* A, int64_t lda, bool trans, int64_t M, int64_t K,
                                 CpuTier tier);
PackedMatrixPtr pack_b_with_tier(const float* B, int64_t ldb, bool trans, int64_t K, int64_t N,
                                 CpuTier tier);

}  // namespace gemm
}  // namespace li
