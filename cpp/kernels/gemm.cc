// The GEMM driver (Goto/BLIS): blocking, packing, threading and dispatch.
//   for each task (a block of C's MR x NR tile grid, one per thread):
//     for jc (nc columns):  for kb (kc deep):  B block [kc x nc] -> NR-wide panels
//       for ic (mc rows):   A block [mc x kc] -> MR-tall panels
//         for jr (NR):  for ir (MR):  micro-kernel on an MR x NR tile of C
// The kc x NR B panel stays in L1 while the mc x kc A block streams from L2; the epilogue
// (alpha, beta, bias, activation) runs inside the micro-kernel's store on the last kc block.
// A pre-packed operand (weights, packed once at load) is used in place, never repacked.
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <new>
#include <vector>

#include "core/tensor.h"
#include "kernels/gemm.h"
#include "kernels/gemm_blocked.h"

namespace li {
namespace gemm {

namespace {

// Below this many FMAs a GEMM runs on the calling thread: waking a worker costs more.
constexpr int64_t kInlineFmas = int64_t(1) << 16;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

struct CacheSizes {
  int64_t l1 = 32 * 1024, l2 = 256 * 1024;
};

// L1d / L2 per core from glibc (CPUID underneath); sane defaults when unknown (0 or -1).
CacheSizes cache_sizes() {
  CacheSizes c;
#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
  long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
  if (l1 >= 16 * 1024 && l1 <= 1024 * 1024) c.l1 = l1;
  if (l2 >= 128 * 1024 && l2 <= 64 * 1024 * 1024) c.l2 = l2;
#endif
  return c;
}

KernelConfig make_config(CpuTier tier, int64_t mr, int64_t nr, MicroKernel kernel) {
  const CacheSizes cs = cache_sizes();
  KernelConfig k{tier, mr, nr, kernel, 0, 0, 0};
  // The kc x NR B panel fills about half of L1; the A panel and the C tile use the rest.
  k.kc = clamp(cs.l1 / 2 / (nr * 4), 64, 1024) / 8 * 8;
  // The mc x kc A block fills about half of L2, leaving room for B panels passing through.
  k.mc = clamp(cs.l2 / 2 / (k.kc * 4), mr, 1024) / mr * mr;
  // The kc x nc B block lives in L3; 4096 columns is 4 MiB at kc=256.
  k.nc = 4096 / nr * nr;
  return k;
}

// An operand viewed as [rows, K]: element (r, k) at x[r*ld + k] (k_contig) or x[k*ld + r].
struct Operand {
  const float* x = nullptr;
  int64_t ld = 0;
  bool k_contig = true;
  const PackedMatrix* packed = nullptr;
};

// Packs rows [r0, r0+n) x depth [k0, k0+kcb) into W-wide panels (kcb x W each, k-major),
// zero-filling rows past n.
template <int W>
void pack_panels_w(const Operand& op, int64_t r0, int64_t n, int64_t k0, int64_t kcb, float* dst) {
  const int64_t full = n / W, rem = n % W, panel = W * kcb;
  if (!op.k_contig) {
    // Each k gives n contiguous values: walk the source rows in order (one stream the
    // prefetcher follows; panel by panel would hop a row stride per 64 bytes: 32% -> 19% of
    // a 64x3136x576 GEMM) and scatter W-float pieces to the panels.
    for (int64_t k = 0; k < kcb; ++k) {
      const float* s = op.x + (k0 + k) * op.ld + r0;
      float* d = dst + k * W;
      for (int64_t p = 0; p < full; ++p) std::memcpy(d + p * panel, s + p * W, W * sizeof(float));
      if (rem)
        for (int i = 0; i < W; ++i) d[full * panel + i] = i < rem ? s[full * W + i] : 0.f;
    }
    return;
  }
  // A transpose: W rows, each contiguous along k.
  for (int64_t p = 0; p * W < n; ++p, dst += panel) {
    const int64_t valid = std::min<int64_t>(W, n - p * W);
    const float* src = op.x + (r0 + p * W) * op.ld + k0;
    if (valid < W)
      for (int64_t k = 0; k < kcb; ++k)
        for (int64_t i = valid; i < W; ++i) dst[k * W + i] = 0.f;
    for (int64_t i = 0; i < valid; ++i) {
      const float* s = src + i * op.ld;
      for (int64_t k = 0; k < kcb; ++k) dst[k * W + i] = s[k];
    }
  }
}

void pack_panels(int64_t w, const Operand& op, int64_t r0, int64_t n, int64_t k0, int64_t kcb,
                 float* dst) {
  switch (w) {
    case 4: return pack_panels_w<4>(op, r0, n, k0, kcb, dst);
    case 6: return pack_panels_w<6>(op, r0, n, k0, kcb, dst);
    case 8: return pack_panels_w<8>(op, r0, n, k0, kcb, dst);
    case 14: return pack_panels_w<14>(op, r0, n, k0, kcb, dst);
    case 16: return pack_panels_w<16>(op, r0, n, k0, kcb, dst);
    case 32: return pack_panels_w<32>(op, r0, n, k0, kcb, dst);
    default: assert(false && "no packing for this panel width");
  }
}

// A 64-byte aligned buffer that only grows: per thread, so the hot path never allocates.
class Scratch {
 public:
  ~Scratch() { release(); }
  float* get(int64_t n) {
    if (n > cap_) {
      release();
      data_ = static_cast<float*>(::operator new(size_t(n) * sizeof(float), std::align_val_t(64)));
      cap_ = n;
    }
    return data_;
  }

 private:
  void release() {
    if (data_) ::operator delete(data_, std::align_val_t(64));
    data_ = nullptr;
    cap_ = 0;
  }
  float* data_ = nullptr;
  int64_t cap_ = 0;
};

thread_local Scratch t_pack_a, t_pack_b;

// Panels for rows [r0, r0+n) of K block kb: in place when pre-packed, else packed into `s`.
const float* block_panels(const Operand& op, int64_t w, int64_t kc, int64_t kb, int64_t kcb,
                          int64_t r0, int64_t n, Scratch& s) {
  if (op.packed) {
    const int64_t panels = ceil_div(op.packed->rows, w);
    return op.packed->data + kb * kc * panels * w + (r0 / w) * w * kcb;
  }
  float* d = s.get(ceil_div(n, w) * w * kcb);
  pack_panels(w, op, r0, n, kb * kc, kcb, d);
  return d;
}

// The rows x K matrix a PackedMatrix holds, row-major (for operands packed for another tier).
std::vector<float> unpack(const PackedMatrix& p) {
  std::vector<float> out(size_t(p.rows * p.depth));
  const int64_t panels = ceil_div(p.rows, p.w);
  for (int64_t k0 = 0, kb = 0; k0 < p.depth; k0 += p.kc, ++kb) {
    const int64_t kcb = std::min(p.kc, p.depth - k0);
    const float* block = p.data + kb * p.kc * panels * p.w;
    for (int64_t r = 0; r < p.rows; ++r) {
      const float* panel = block + (r / p.w) * p.w * kcb + r % p.w;
      for (int64_t k = 0; k < kcb; ++k) out[size_t(r * p.depth + k0 + k)] = panel[k * p.w];
    }
  }
  return out;
}

// K == 0: C = act(beta*C + bias).
void no_product(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i)
    for (int64_t j = 0; j < g.N; ++j) {
      float& c = g.C[i * g.ldc + j];
      float v = g.beta == 0.f ? 0.f : g.beta * c;
      if (g.bias) v += g.bias_per_row ? g.bias[i] : g.bias[j];
      c = g.act.apply(v);
    }
}

struct Problem {
  const GemmArgs& g;
  const KernelConfig& cfg;
  int64_t kc;
  Operand a, b;
};

// Computes C rows [i0, i1) x columns [j0, j1); i0, j0 are multiples of MR, NR.
void run_block(const Problem& p, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  const GemmArgs& g = p.g;
  const int64_t mr = p.cfg.mr, nr = p.cfg.nr, kc = p.kc, nkb = ceil_div(g.K, kc);
  TileEpilogue ep;
  ep.alpha = g.alpha;
  ep.beta = g.beta;
  ep.act = g.act;
  // M within one register tile: each value of B is used once, so packing would only copy it
  // (1x1000x1280: 7 -> 22 GFLOP/s); full panels of a row-major B are read in place.
  const bool direct_b = !p.b.packed && !p.b.k_contig && i1 - i0 <= mr;
  for (int64_t jc = j0; jc < j1; jc += p.cfg.nc) {
    const int64_t nb = std::min(p.cfg.nc, j1 - jc);
    for (int64_t kb = 0; kb < nkb; ++kb) {
      const int64_t kcb = std::min(kc, g.K - kb * kc);
      const float* bp = direct_b ? nullptr : block_panels(p.b, nr, kc, kb, kcb, jc, nb, t_pack_b);
      ep.first = kb == 0;
      ep.last = kb == nkb - 1;
      for (int64_t ic = i0; ic < i1; ic += p.cfg.mc) {
        const int64_t mb = std::min(p.cfg.mc, i1 - ic);
        const float* ap = block_panels(p.a, mr, kc, kb, kcb, ic, mb, t_pack_a);
        for (int64_t jr = 0; jr < nb; jr += nr) {
          const int64_t cols = std::min(nr, nb - jr);
          const float* bpanel = nullptr;
          int64_t ldb = nr;
          if (!direct_b) {
            bpanel = bp + (jr / nr) * nr * kcb;
          } else if (cols == nr) {
            bpanel = p.b.x + kb * kc * p.b.ld + jc + jr;
            ldb = p.b.ld;
          } else {  // the N edge: pack the few columns (zero-padded)
            float* d = t_pack_b.get(nr * kcb);
            pack_panels(nr, p.b, jc + jr, cols, kb * kc, kcb, d);
            bpanel = d;
          }
          ep.bias_col = ep.last && g.bias && !g.bias_per_row ? g.bias + jc + jr : nullptr;
          float* c = g.C + ic * g.ldc + jc + jr;
          for (int64_t ir = 0; ir < mb; ir += mr) {
            ep.bias_row = ep.last && g.bias && g.bias_per_row ? g.bias + ic + ir : nullptr;
            p.cfg.kernel(kcb, ap + (ir / mr) * mr * kcb, bpanel, ldb, c + ir * g.ldc, g.ldc,
                         std::min(mr, mb - ir), cols, ep);
          }
        }
      }
    }
  }
}

// Splits the tile grid into tm x tn blocks, one per thread, minimizing the slowest block's
// estimated time: its FMAs plus the packing it does (packing a non-prepacked operand is
// repeated by every block that shares its rows or columns).
void choose_grid(const Problem& p, int threads, int64_t* tm, int64_t* tn) {
  const GemmArgs& g = p.g;
  const int64_t pm = ceil_div(g.M, p.cfg.mr), pn = ceil_div(g.N, p.cfg.nr);
  double best = 0;
  *tm = *tn = 1;
  for (int64_t m = 1; m <= threads && m <= pm; ++m)
    for (int64_t n = 1; m * n <= threads && n <= pn; ++n) {
      const double rows = double(ceil_div(pm, m) * p.cfg.mr), cols = double(ceil_div(pn, n) * p.cfg.nr);
      double cost = rows * cols * double(g.K) / 16;  // ~16 FMAs per cycle
      if (!p.b.packed) cost += cols * double(g.K) / 2;  // ~2 floats packed per cycle
      if (!p.a.packed) cost += rows * double(g.K) * std::ceil(cols / double(p.cfg.nc)) / 2;
      if (best == 0 || cost < best * 0.98) {  // a 2% gain is worth another thread
        best = cost;
        *tm = m;
        *tn = n;
      }
    }
}

}  // namespace

const KernelConfig& kernel_config(CpuTier tier) {
  static const KernelConfig generic = make_config(CpuTier::Generic, 4, 8, f32_gemm_4x8__portable);
#if defined(LITEINFER_HAVE_AVX2)
  // The host check matters: a caller may ask for a tier the CPU lacks.
  const CpuFeatures& f = cpu_features();
  if (tier == CpuTier::Avx512 && f.avx512f && f.avx512dq && f.fma) {
    static const KernelConfig avx512 = make_config(CpuTier::Avx512, 14, 32, f32_gemm_14x32__avx512);
    return avx512;
  }
  if ((tier == CpuTier::Avx2 || tier == CpuTier::Avx512) && f.avx2 && f.fma) {
    static const KernelConfig avx2 = make_config(CpuTier::Avx2, 6, 16, f32_gemm_6x16__avx2_fma);
    return avx2;
  }
#endif
#if defined(LITEINFER_HAVE_NEON)
  // aarch64: the AVX2 kernel's 6x16 tile, 24 of the 32 q registers as accumulators.
  if (tier == CpuTier::Neon && cpu_features().neon) {
    static const KernelConfig neon = make_config(CpuTier::Neon, 6, 16, f32_gemm_6x16__neon);
    return neon;
  }
#endif
  (void)tier;
  return generic;
}

void sgemm_with_tier(const GemmArgs& g, ThreadPool* pool, CpuTier tier) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) return no_product(g);
  assert(!g.packed_a || (g.packed_a->rows == g.M && g.packed_a->depth == g.K));
  assert(!g.packed_b || (g.packed_b->rows == g.N && g.packed_b->depth == g.K));
  // A pre-packed operand fixes the layout, so it picks the kernel.
  if (g.packed_a) tier = g.packed_a->tier;
  else if (g.packed_b) tier = g.packed_b->tier;
  const KernelConfig& cfg = kernel_config(tier);
  int64_t kc;
  if (g.packed_a) kc = g.packed_a->kc;
  else if (g.packed_b) kc = g.packed_b->kc;
  else kc = ceil_div(g.K, ceil_div(g.K, cfg.kc));  // balanced blocks: K=300 -> 150+150

  Problem p{g, cfg, kc, {}, {}};
  p.a = {g.A, g.lda, !g.trans_a, g.packed_a};
  p.b = {g.B, g.ldb, g.trans_b, g.packed_b};
  std::vector<float> unpacked_b;  // B packed for another tier than A: only in tests
  if (g.packed_b && (g.packed_b->w != cfg.nr || g.packed_b->kc != kc)) {
    unpacked_b = unpack(*g.packed_b);
    p.b = {unpacked_b.data(), g.K, true, nullptr};
  }

  int threads = pool ? pool->size() : 1;
  if (g.M * g.N * g.K < kInlineFmas) threads = 1;
  int64_t tm = 1, tn = 1;
  if (threads > 1) choose_grid(p, threads, &tm, &tn);
  const int64_t pm = ceil_div(g.M, cfg.mr), pn = ceil_div(g.N, cfg.nr);
  auto body = [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t bm = t / tn, bn = t % tn;
      const int64_t i0 = pm * bm / tm * cfg.mr, i1 = std::min(g.M, pm * (bm + 1) / tm * cfg.mr);
      const int64_t j0 = pn * bn / tn * cfg.nr, j1 = std::min(g.N, pn * (bn + 1) / tn * cfg.nr);
      if (i0 < i1 && j0 < j1) run_block(p, i0, i1, j0, j1);
    }
  };
  if (tm * tn == 1) body(0, 1);
  else pool->parallel_for(tm * tn, 1, body);
}

namespace {

PackedMatrixPtr pack_whole(const Operand& op, int64_t rows, int64_t K, bool for_a, CpuTier tier) {
  const KernelConfig& cfg = kernel_config(tier);
  auto m = std::make_shared<PackedMatrix>();
  m->tier = cfg.tier;
  m->rows = rows;
  m->depth = K;
  m->w = for_a ? cfg.mr : cfg.nr;
  m->kc = K > 0 ? ceil_div(K, ceil_div(K, cfg.kc)) : 1;
  const int64_t panels = ceil_div(rows, m->w);
  m->owner = aligned_alloc_shared(size_t(std::max<int64_t>(1, panels * m->w * K)) * sizeof(float));
  m->data = static_cast<float*>(m->owner.get());
  for (int64_t kb = 0, k0 = 0; k0 < K; ++kb, k0 += m->kc)
    pack_panels(m->w, op, 0, rows, k0, std::min(m->kc, K - k0), m->data + kb * m->kc * panels * m->w);
  return m;
}

}  // namespace

PackedMatrixPtr pack_a_with_tier(const float* A, int64_t lda, bool trans, int64_t M, int64_t K,
                                 CpuTier tier) {
  return pack_whole({A, lda, !trans, nullptr}, M, K, true, tier);
}

PackedMatrixPtr pack_b_with_tier(const float* B, int64_t ldb, bool trans, int64_t K, int64_t N,
                                 CpuTier tier) {
  return pack_whole({B, ldb, trans, nullptr}, N, K, false, tier);
}

}  // namespace gemm

PackedMatrixPtr pack_a(const float* A, int64_t lda, bool trans, int64_t M, int64_t K) {
  return gemm::pack_a_with_tier(A, lda, trans, M, K, cpu_tier());
}

PackedMatrixPtr pack_b(const float* B, int64_t ldb, bool trans, int64_t K, int64_t N) {
  return gemm::pack_b_with_tier(B, ldb, trans, K, N, cpu_tier());
}

GemmTile sgemm_tile() {
  const gemm::KernelConfig& k = gemm::kernel_config(cpu_tier());
  // The AVX2 and AVX-512 kernels have a half-width variant (tile<R, false>); the portable one not.
  return {k.mr, k.nr, k.tier != CpuTier::Generic};
}

int64_t GemmTile::cost(int64_t m, int64_t n) const {
  const int64_t halves = half_cols ? 2 : 1, lanes = nr / halves;
  // The FMA-chain floor holds for the SIMD kernels; the portable one is costed by its tile area.
  const int64_t chains = half_cols ? 8 : 0;
  // Vectors per row of a full column tile and of the N edge.
  const int64_t full_n = n / nr, edge = n % nr;
  const int64_t edge_vectors = edge == 0 ? 0 : (half_cols && edge <= lanes ? 1 : halves);
  auto row_tile = [&](int64_t rows) {
    return full_n * std::max<int64_t>(rows * halves, chains) +
           (edge_vectors ? std::max<int64_t>(rows * edge_vectors, chains) : 0);
  };
  const int64_t full_m = m / mr, edge_m = m % mr;
  return (full_m * row_tile(mr) + (edge_m ? row_tile(edge_m) : 0)) * lanes;
}

void sgemm(const GemmArgs& args, ThreadPool* pool) {
  gemm::sgemm_with_tier(args, pool, cpu_tier());
}

}  // namespace li
