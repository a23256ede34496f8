// Single-precision GEMM, the engine's workhorse (Gemm, MatMul, 1x1 Conv, im2col Conv, attention).
//   C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C  (+ bias)  -> activation
// All matrices row-major. Either operand may come pre-packed (weights are packed once at load);
// packing layout and register tiles are private to the implementation and follow the CPU tier
// chosen at start (cpu_tier()). Work is split over output tiles on the given pool.
#pragma once
#include <cstdint>
#include <memory>

#include "core/thread_pool.h"
#include "kernels/activation.h"

namespace li {

// An operand packed for the current CPU tier's micro-kernel. Opaque; immutable once built, so
// several runs (and several Networks sharing weights) may use it at once.
struct PackedMatrix;
using PackedMatrixPtr = std::shared_ptr<const PackedMatrix>;

// Packs op(A) [M,K] (A is [K,M] when trans) for use as the left operand.
PackedMatrixPtr pack_a(const float* A, int64_t lda, bool trans, int64_t M, int64_t K);
// Packs op(B) [K,N] (B is [N,K] when trans) for use as the right operand.
PackedMatrixPtr pack_b(const float* B, int64_t ldb, bool trans, int64_t K, int64_t N);

struct GemmArgs {
  int64_t M = 0, N = 0, K = 0;
  // Left operand: either packed_a, or A with lda/trans_a.
  const float* A = nullptr;
  int64_t lda = 0;
  bool trans_a = false;
  const PackedMatrix* packed_a = nullptr;
  // Right operand: either packed_b, or B with ldb/trans_b.
  const float* B = nullptr;
  int64_t ldb = 0;
  bool trans_b = false;
  const PackedMatrix* packed_b = nullptr;
  float* C = nullptr;
  int64_t ldc = 0;
  float alpha = 1.f;
  float beta = 0.f;           // 0: C is write-only (may hold garbage/NaN before the call)
  const float* bias = nullptr;
  bool bias_per_row = false;  // false: bias[N] added to each row (Gemm); true: bias[M] (Conv)
  Activation act;             // applied last
};

// Runs the GEMM on the best kernel for the CPU tier, multi-threaded over `pool` (may be null).
void sgemm(const GemmArgs& args, ThreadPool* pool);
// The register tile (rows x cols of C per micro-kernel call) of the kernel sgemm uses: callers
// that may compute C or C^T (convolutions, Winograd) pick the orientation that costs less.
struct GemmTile {
  int64_t mr, nr;
  bool half_cols = false;  // the kernel has a half-width variant for N edges of <= nr/2 columns
  // The micro-kernel time of an [m,n] x [n,k] GEMM per unit of k, in multiply-adds: every tile
  // costs its vector FMAs (a tile of R rows and an N edge that fits the half-width variant does
  // R half-width ones), but at least 8 of them on the SIMD tiers (FMA latency 4 x 2 ports:
  // fewer independent chains leave the units idle), times the lanes of a vector.
  int64_t cost(int64_t m, int64_t n) const;
};
GemmTile sgemm_tile();
// The plain reference: the executable spec the optimized path is tested against.
void sgemm_ref(const GemmArgs& args);

}  // namespace li
