// The GEMM driver: packing, cache blocking, threading and dispatch (Goto/BLIS structure).
// Both operands are packed into MRxKC / KCxNR panels (weights once, at load); each thread
// then owns a tile of C: for each KC block, an NR-wide B panel stays in L1 while the tile's A
// panels (MC rows x KC, ~120 KiB) stream from L2 through the micro-kernel.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/tensor.h"
#include "kernels/gemm.h"
#include "kernels/gemm_tile.h"

namespace li {

struct PackedMatrix {
  int64_t rows = 0;   // M for A, N for B
  int64_t depth = 0;  // K
  int64_t panels = 0;
  std::shared_ptr<void> owner;
  float* data = nullptr;
};

namespace gemm {

namespace {

constexpr int64_t kTilePanelsM = 20;   // 120 rows of A per tile
constexpr int64_t kTilePanelsN = 16;   // 256 columns of B per tile
constexpr int64_t kInlineFlops = 1 << 17;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Offset of panel p of K block kb in a packed matrix with `panels` panels of width w.
int64_t panel_offset(int64_t kb, int64_t p, int64_t panels, int64_t w, int64_t K) {
  int64_t kcb = std::min(KC, K - kb * KC);
  return kb * KC * panels * w + p * w * kcb;
}

// Packs op(X) viewed as [rows, K] where element (r, k) is X[r*ld + k] (or X[k*ld + r] when
// trans) into w-wide panels; rows past the edge are zero.
void pack(const float* X, int64_t ld, bool trans, int64_t rows, int64_t K, int64_t w, float* dst,
          ThreadPool* pool) {
  int64_t panels = ceil_div(rows, w);
  int64_t nkb = ceil_div(K, KC);
  auto body = [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      int64_t kb = t / panels, p = t % panels;
      int64_t k0 = kb * KC, kcb = std::min(KC, K - k0);
      float* d = dst + panel_offset(kb, p, panels, w, K);
      int64_t r0 = p * w, valid = std::min(w, rows - r0);
      if (!trans) {  // element (r, k) at X[r*ld + k]: walk each row along k
        for (int64_t i = 0; i < valid; ++i) {
          const float* src = X + (r0 + i) * ld + k0;
          for (int64_t k = 0; k < kcb; ++k) d[k * w + i] = src[k];
        }
      } else {  // element (r, k) at X[k*ld + r]: each k gives w contiguous values
        for (int64_t k = 0; k < kcb; ++k)
          std::memcpy(d + k * w, X + (k0 + k) * ld + r0, size_t(valid) * sizeof(float));
      }
      if (valid < w)
        for (int64_t k = 0; k < kcb; ++k)
          std::fill(d + k * w + valid, d + k * w + w, 0.f);
    }
  };
  int64_t tasks = nkb * panels;
  if (pool && rows * K > (1 << 15)) pool->parallel_for(tasks, 1, body);
  else body(0, tasks);
}

int64_t packed_size(int64_t rows, int64_t K, int64_t w) { return ceil_div(rows, w) * w * K; }

float* scratch(std::vector<float>& buf, int64_t n) {
  if (int64_t(buf.size()) < n) buf.resize(size_t(n));
  return buf.data();
}

// C = beta*C + bias -> act, for K == 0.
void no_product(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i)
    for (int64_t j = 0; j < g.N; ++j) {
      float& c = g.C[i * g.ldc + j];
      float v = g.beta == 0.f ? 0.f : g.beta * c;
      if (g.bias) v += g.bias_per_row ? g.bias[i] : g.bias[j];
      c = g.act.apply(v);
    }
}

void run_packed(const GemmArgs& g, const float* pa, const float* pb, ThreadPool* pool,
                MicroKernel kernel) {
  const int64_t M = g.M, N = g.N, K = g.K;
  const int64_t pm = ceil_div(M, MR), pn = ceil_div(N, NR), nkb = ceil_div(K, KC);
  int64_t threads = pool ? pool->size() : 1;
  int64_t tile_pm = kTilePanelsM, tile_pn = kTilePanelsN;
  int64_t tiles_m = ceil_div(pm, tile_pm);
  // Narrow the N tiles until every thread has work (small-M GEMMs: classifiers, 1x1 convs).
  while (tiles_m * ceil_div(pn, tile_pn) < 2 * threads && tile_pn > 1) tile_pn = (tile_pn + 1) / 2;
  int64_t tiles_n = ceil_div(pn, tile_pn);

  auto body = [&](int64_t begin, int64_t end) {
    alignas(32) float tmp[MR * NR];
    float bias_r[MR], bias_c[NR];
    for (int64_t t = begin; t < end; ++t) {
      int64_t tm = t / tiles_n, tn = t % tiles_n;
      int64_t ip0 = tm * tile_pm, ip1 = std::min(pm, ip0 + tile_pm);
      int64_t jp0 = tn * tile_pn, jp1 = std::min(pn, jp0 + tile_pn);
      for (int64_t kb = 0; kb < nkb; ++kb) {
        int64_t kcb = std::min(KC, K - kb * KC);
        TileOp op;
        op.alpha = g.alpha;
        op.beta = g.beta;
        op.accumulate = kb > 0;
        op.last = kb == nkb - 1;
        op.act = g.act;
        for (int64_t jp = jp0; jp < jp1; ++jp) {
          const float* b = pb + panel_offset(kb, jp, pn, NR, K);
          int64_t j0 = jp * NR, cols = std::min(NR, N - j0);
          for (int64_t ip = ip0; ip < ip1; ++ip) {
            const float* a = pa + panel_offset(kb, ip, pm, MR, K);
            int64_t i0 = ip * MR, rows = std::min(MR, M - i0);
            TileOp o = op;
            if (op.last && g.bias) {
              if (g.bias_per_row) {
                for (int64_t i = 0; i < MR; ++i) bias_r[i] = i < rows ? g.bias[i0 + i] : 0.f;
                o.bias_row = bias_r;
              } else {
                for (int64_t j = 0; j < NR; ++j) bias_c[j] = j < cols ? g.bias[j0 + j] : 0.f;
                o.bias_col = bias_c;
              }
            }
            float* c = g.C + i0 * g.ldc + j0;
            if (rows == MR && cols == NR) {
              kernel(kcb, a, b, c, g.ldc, o);
              continue;
            }
            // Edge tile: run on a full tile in a buffer, copy the valid part.
            bool reads_c = o.accumulate || o.beta != 0.f;
            for (int64_t i = 0; i < MR; ++i)
              for (int64_t j = 0; j < NR; ++j)
                tmp[i * NR + j] = reads_c && i < rows && j < cols ? c[i * g.ldc + j] : 0.f;
            kernel(kcb, a, b, tmp, NR, o);
            for (int64_t i = 0; i < rows; ++i)
              std::memcpy(c + i * g.ldc, tmp + i * NR, size_t(cols) * sizeof(float));
          }
        }
      }
    }
  };
  int64_t tiles = tiles_m * tiles_n;
  if (!pool || M * N * K < kInlineFlops || tiles == 1) body(0, tiles);
  else pool->parallel_for(tiles, 1, body);
}

}  // namespace

MicroKernel micro_kernel_for(CpuTier tier) {
#if defined(LITEINFER_HAVE_AVX2)
  if (tier == CpuTier::Avx2 || tier == CpuTier::Avx512) return f32_gemm_6x16__avx2_fma;
#endif
  (void)tier;
  return f32_gemm_6x16__portable;
}

void sgemm_for_tier(const GemmArgs& g, ThreadPool* pool, CpuTier tier) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) return no_product(g);
  // Reused per calling thread: no allocation on the hot path after the first call.
  thread_local std::vector<float> a_buf, b_buf;
  const float* pa = g.packed_a ? g.packed_a->data : nullptr;
  const float* pb = g.packed_b ? g.packed_b->data : nullptr;
  if (!pa) {
    float* d = scratch(a_buf, packed_size(g.M, g.K, MR));
    pack(g.A, g.lda, g.trans_a, g.M, g.K, MR, d, pool);
    pa = d;
  }
  if (!pb) {
    // op(B) is [K, N]; as "rows = N" it is stored transposed unless trans_b.
    float* d = scratch(b_buf, packed_size(g.N, g.K, NR));
    pack(g.B, g.ldb, !g.trans_b, g.N, g.K, NR, d, pool);
    pb = d;
  }
  run_packed(g, pa, pb, pool, micro_kernel_for(tier));
}

}  // namespace gemm

PackedMatrixPtr pack_a(const float* A, int64_t lda, bool trans, int64_t M, int64_t K) {
  auto m = std::make_shared<PackedMatrix>();
  m->rows = M;
  m->depth = K;
  m->panels = (M + gemm::MR - 1) / gemm::MR;
  m->owner = aligned_alloc_shared(size_t(std::max<int64_t>(1, m->panels * gemm::MR * K)) * sizeof(float));
  m->data = static_cast<float*>(m->owner.get());
  gemm::pack(A, lda, trans, M, K, gemm::MR, m->data, nullptr);
  return m;
}

PackedMatrixPtr pack_b(const float* B, int64_t ldb, bool trans, int64_t K, int64_t N) {
  auto m = std::make_shared<PackedMatrix>();
  m->rows = N;
  m->depth = K;
  m->panels = (N + gemm::NR - 1) / gemm::NR;
  m->owner = aligned_alloc_shared(size_t(std::max<int64_t>(1, m->panels * gemm::NR * K)) * sizeof(float));
  m->data = static_cast<float*>(m->owner.get());
  gemm::pack(B, ldb, !trans, N, K, gemm::NR, m->data, nullptr);
  return m;
}

void sgemm(const GemmArgs& args, ThreadPool* pool) { gemm::sgemm_for_tier(args, pool, cpu_tier()); }

}  // namespace li
