// The body of the F(4x4, 3x3) convolution, included by one translation unit per CPU tier
// (kernels/winograd.cc: portable; kernels/x86/winograd_avx2.cc: built with AVX2+FMA), so the
// same plain loops are vectorized for each instruction set. Everything here is TU-local.
//
// Layout: tile (ty, tx) covers outputs [4ty, 4ty+4) x [4tx, 4tx+4) and reads inputs from
// (4ty - pad_top, 4tx - pad_left), 6x6. Rows are split by column phase: a row r of the input
// window becomes ph[q][tx] = x[r][4tx + q - pad_left] (q = 0..3, tx = 0..tiles_w), so both
// transform stages are loops over tx with unit stride: column c of tile tx is ph[c % 4][tx + c / 4].
#pragma once
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/winograd.h"

namespace li {
namespace {

constexpr int64_t kWinogradBlockBytes = int64_t(3) << 19;  // transformed data per block: 1.5 MiB

struct WinogradPlan {
  int64_t tiles_h, tiles_w;
  int64_t rows_per_block;  // tile rows per block
  int64_t block_tiles;     // rows_per_block * tiles_w: the GEMMs' N (and the scratch's stride)
  bool swapped;            // products stored [tile][cout] (GEMMs as [tiles x cin] x [cin x cout])
};

inline WinogradPlan winograd_plan(const WinogradGeom& g) {
  WinogradPlan p;
  p.tiles_h = (g.OH + 3) / 4;
  p.tiles_w = (g.OW + 3) / 4;
  const int64_t per_row = p.tiles_w * 36 * (g.cin + g.cout) * int64_t(sizeof(float));
  p.rows_per_block = std::max<int64_t>(1, std::min(p.tiles_h, kWinogradBlockBytes / std::max<int64_t>(1, per_row)));
  p.block_tiles = p.rows_per_block * p.tiles_w;
  // Products as [tile][cout] when that orientation costs the GEMMs less (few tiles per block:
  // small maps); the gather back to unit stride is cheap next to the 36 GEMMs.
  const GemmTile tile = sgemm_tile();
  p.swapped = tile.cost(p.block_tiles, g.cout) * 5 < tile.cost(g.cout, p.block_tiles) * 4;
  return p;
}

// B^T over six arrays (one value per tile from each of a tile's six rows or columns): n
// results into each of o0..o5. Named restrict pointers, so the loop vectorizes over tiles.
inline void winograd_bt(int64_t n, const float* __restrict d0, const float* __restrict d1,
                        const float* __restrict d2, const float* __restrict d3,
                        const float* __restrict d4, const float* __restrict d5,
                        float* __restrict o0, float* __restrict o1, float* __restrict o2,
                        float* __restrict o3, float* __restrict o4, float* __restrict o5) {
  for (int64_t t = 0; t < n; ++t) {
    o0[t] = 4.f * d0[t] - 5.f * d2[t] + d4[t];
    o1[t] = -4.f * (d1[t] + d2[t]) + d3[t] + d4[t];
    o2[t] = 4.f * (d1[t] - d2[t]) - d3[t] + d4[t];
    o3[t] = 2.f * (d3[t] - d1[t]) - d2[t] + d4[t];
    o4[t] = 2.f * (d1[t] - d3[t]) - d2[t] + d4[t];
    o5[t] = 4.f * d1[t] - 5.f * d3[t] + d5[t];
  }
}

// A^T over six arrays, n results into each of o0..o3; m* are read at t * step.
inline void winograd_at(int64_t n, int64_t step, const float* __restrict m0,
                        const float* __restrict m1, const float* __restrict m2,
                        const float* __restrict m3, const float* __restrict m4,
                        const float* __restrict m5, float* __restrict o0, float* __restrict o1,
                        float* __restrict o2, float* __restrict o3) {
  if (step != 1) {  // swapped products: gather to unit stride first (few tiles)
    float g[6][16];
    for (int64_t t0 = 0; t0 < n; t0 += 16) {
      const int64_t c = std::min<int64_t>(16, n - t0);
      const float* src[6] = {m0, m1, m2, m3, m4, m5};
      for (int j = 0; j < 6; ++j)
        for (int64_t t = 0; t < c; ++t) g[j][t] = src[j][(t0 + t) * step];
      winograd_at(c, 1, g[0], g[1], g[2], g[3], g[4], g[5], o0 + t0, o1 + t0, o2 + t0, o3 + t0);
    }
    return;
  }
  for (int64_t t = 0; t < n; ++t) {
    const float s12 = m1[t] + m2[t], d12 = m1[t] - m2[t];
    const float s34 = m3[t] + m4[t], d34 = m3[t] - m4[t];
    o0[t] = m0[t] + s12 + s34;
    o1[t] = d12 + 2.f * d34;
    o2[t] = s12 + 4.f * s34;
    o3[t] = d12 + 8.f * d34 + m5[t];
  }
}

// Per-thread buffers for one channel's tile row: the window's 6 rows split by phase, and the
// vertically transformed rows.
struct WinogradRows {
  std::vector<float> buf;
  int64_t stride = 0;  // floats per phase array (tiles_w + 1)
  float* in(int r, int q) { return buf.data() + (r * 4 + q) * stride; }
  float* mid(int i, int q) { return buf.data() + (24 + i * 4 + q) * stride; }
  float* padded() { return buf.data() + 48 * stride; }  // one input row: 4 * stride floats
  void size_for(int64_t tiles_w) {
    stride = tiles_w + 1;
    buf.assign(size_t(52 * stride), 0.f);
  }
};

// V[k][ci][t] for the block's tiles (t counted from the block's first tile), k = xi * 6 + nu.
inline void winograd_input_block(const WinogradGeom& g, const WinogradPlan& p, const float* x,
                                 int64_t ci, int64_t ty0, int64_t nrows, float* V,
                                 WinogradRows& rows) {
  const int64_t tw = p.tiles_w, n = p.block_tiles, plane = g.cin * n;
  const float* xc = x + ci * g.H * g.W;
  for (int64_t r = 0; r < nrows; ++r) {
    const int64_t ty = ty0 + r, iy0 = 4 * ty - g.pad_top;
    // The 6 input rows, zero-padded into one row buffer, then split by phase (plain stride-4
    // loops the compiler vectorizes; no bounds check per element).
    const int64_t pw = 4 * (tw + 1);
    const int64_t c0 = std::min(pw, std::max<int64_t>(0, g.pad_left));             // first column inside x
    const int64_t c1 = std::max(c0, std::min(pw, g.W + g.pad_left));               // one past the last
    float* padded = rows.padded();
    for (int rr = 0; rr < 6; ++rr) {
      const int64_t iy = iy0 + rr;
      if (iy < 0 || iy >= g.H) {
        for (int q = 0; q < 4; ++q) std::fill(rows.in(rr, q), rows.in(rr, q) + tw + 1, 0.f);
        continue;
      }
      std::fill(padded, padded + c0, 0.f);
      std::copy(xc + iy * g.W + (c0 - g.pad_left), xc + iy * g.W + (c1 - g.pad_left), padded + c0);
      std::fill(padded + c1, padded + pw, 0.f);
      float *q0 = rows.in(rr, 0), *q1 = rows.in(rr, 1), *q2 = rows.in(rr, 2), *q3 = rows.in(rr, 3);
      for (int64_t t = 0; t <= tw; ++t) {
        q0[t] = padded[4 * t];
        q1[t] = padded[4 * t + 1];
        q2[t] = padded[4 * t + 2];
        q3[t] = padded[4 * t + 3];
      }
    }
    // Stage 1, down the columns: mid[i] = B^T rows (per phase, over tx).
    for (int q = 0; q < 4; ++q) {
      const float *d0 = rows.in(0, q), *d1 = rows.in(1, q), *d2 = rows.in(2, q);
      const float *d3 = rows.in(3, q), *d4 = rows.in(4, q), *d5 = rows.in(5, q);
      winograd_bt(tw + 1, d0, d1, d2, d3, d4, d5, rows.mid(0, q), rows.mid(1, q), rows.mid(2, q),
                  rows.mid(3, q), rows.mid(4, q), rows.mid(5, q));
    }
    // Stage 2, along the rows: V[i*6 + j] = (mid[i] B)[j]; tile tx's columns 4..5 are the
    // next tile's phases 0..1.
    const int64_t t0 = r * tw;
    for (int i = 0; i < 6; ++i) {
      const float *c0 = rows.mid(i, 0), *c1 = rows.mid(i, 1), *c2 = rows.mid(i, 2), *c3 = rows.mid(i, 3);
      float* v = V + i * 6 * plane + ci * n + t0;
      winograd_bt(tw, c0, c1, c2, c3, c0 + 1, c1 + 1, v, v + plane, v + 2 * plane, v + 3 * plane,
                  v + 4 * plane, v + 5 * plane);
    }
  }
}

// y rows of output channel co for the block's tiles from the GEMM products M[k][co][t].
inline void winograd_output_block(const WinogradGeom& g, const WinogradPlan& p, const float* M,
                                  int64_t co, int64_t ty0, int64_t nrows, float bias,
                                  const Activation& act, float* y, WinogradRows& rows) {
  const int64_t tw = p.tiles_w, n = p.block_tiles, plane = g.cout * n;
  // Product (co, t) of matrix k: M[k * plane + co * n + t], or swapped M[k * plane + t * cout + co].
  const int64_t co_off = p.swapped ? co : co * n, t_step = p.swapped ? g.cout : 1;
  float* yc = y + co * g.OH * g.OW;
  for (int64_t r = 0; r < nrows; ++r) {
    const int64_t ty = ty0 + r, t0 = r * tw;
    // Stage 1, along the rows: mid[i][c] = (m[i] A)[c] per tile (phase c).
    for (int i = 0; i < 6; ++i) {
      const float* m = M + i * 6 * plane + co_off + t0 * t_step;
      winograd_at(tw, t_step, m, m + plane, m + 2 * plane, m + 3 * plane, m + 4 * plane,
                  m + 5 * plane, rows.mid(i, 0), rows.mid(i, 1), rows.mid(i, 2), rows.mid(i, 3));
    }
    // Stage 2, down the columns: output row 4ty + k, phase c, is (A^T mid)[k].
    for (int c = 0; c < 4; ++c) {
      const float *m0 = rows.mid(0, c), *m1 = rows.mid(1, c), *m2 = rows.mid(2, c);
      const float *m3 = rows.mid(3, c), *m4 = rows.mid(4, c), *m5 = rows.mid(5, c);
      winograd_at(tw, 1, m0, m1, m2, m3, m4, m5, rows.in(0, c), rows.in(1, c), rows.in(2, c),
                  rows.in(3, c));
    }
    // Interleave the phases into the output rows, add the bias, apply the activation.
    for (int k = 0; k < 4; ++k) {
      const int64_t oy = 4 * ty + k;
      if (oy >= g.OH) break;
      float* yr = yc + oy * g.OW;
      const float *p0 = rows.in(k, 0), *p1 = rows.in(k, 1), *p2 = rows.in(k, 2), *p3 = rows.in(k, 3);
      const int64_t full = g.OW / 4;
      for (int64_t t = 0; t < full; ++t) {
        yr[4 * t] = p0[t] + bias;
        yr[4 * t + 1] = p1[t] + bias;
        yr[4 * t + 2] = p2[t] + bias;
        yr[4 * t + 3] = p3[t] + bias;
      }
      const float* ph[4] = {p0, p1, p2, p3};
      for (int64_t ox = full * 4; ox < g.OW; ++ox) yr[ox] = ph[ox % 4][full] + bias;
      if (!act.none()) activation_f32(act, yr, yr, g.OW);
    }
  }
}


inline void winograd_conv(const WinogradGeom& g, const WinogradWeights& u, const float* x,
                          const float* bias, const Activation& act, float* y, float* scratch,
                          ThreadPool* pool) {
  const WinogradPlan p = winograd_plan(g);
  float* V = scratch;
  float* M = scratch + 36 * g.cin * p.block_tiles;
  auto parallel = [&](int64_t n, int64_t grain, auto&& fn) {
    if (pool) pool->parallel_for(n, grain, fn);
    else fn(int64_t(0), n);
  };
  const bool split_gemms = pool && pool->size() > 1;
  for (int64_t ty0 = 0; ty0 < p.tiles_h; ty0 += p.rows_per_block) {
    const int64_t nrows = std::min(p.rows_per_block, p.tiles_h - ty0);
    const int64_t ntiles = nrows * p.tiles_w;
    parallel(g.cin, 1, [&](int64_t b, int64_t e) {
      thread_local WinogradRows rows;
      rows.size_for(p.tiles_w);
      for (int64_t ci = b; ci < e; ++ci) winograd_input_block(g, p, x, ci, ty0, nrows, V, rows);
    });
    auto gemm = [&](int64_t k, ThreadPool* inner) {
      GemmArgs a;
      a.K = g.cin;
      const float* v = V + k * g.cin * p.block_tiles;
      float* m = M + k * g.cout * p.block_tiles;
      if (p.swapped) {  // M^T[tiles x cout] = V^T[tiles x cin] U^T[cin x cout]
        a.M = ntiles;
        a.N = g.cout;
        a.A = v;
        a.lda = p.block_tiles;
        a.trans_a = true;
        a.packed_b = u.u[size_t(k)].get();
        a.C = m;
        a.ldc = g.cout;
      } else {
        a.M = g.cout;
        a.N = ntiles;
        a.packed_a = u.u[size_t(k)].get();
        a.B = v;
        a.ldb = p.block_tiles;
        a.C = m;
        a.ldc = p.block_tiles;
      }
      sgemm(a, inner);
    };
    // With several threads, each takes whole GEMMs (36 of them: an even split, no fork per GEMM).
    if (split_gemms) parallel(36, 1, [&](int64_t b, int64_t e) { for (int64_t k = b; k < e; ++k) gemm(k, nullptr); });
    else for (int64_t k = 0; k < 36; ++k) gemm(k, pool);
    parallel(g.cout, 1, [&](int64_t b, int64_t e) {
      thread_local WinogradRows rows;
      rows.size_for(p.tiles_w);
      for (int64_t co = b; co < e; ++co)
        winograd_output_block(g, p, M, co, ty0, nrows, bias ? bias[co] : 0.f, act, y, rows);
    });
  }
}

}  // namespace
}  // namespace li
