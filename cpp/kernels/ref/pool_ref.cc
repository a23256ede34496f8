// Reference max / average pooling of one plane (1-3 spatial dims embedded in 3-D), written
// tap-outer: for each output row, every in-bounds (kd, kh, kw) tap updates the whole row of
// outputs whose window holds it. The inner loop is a plain strided max/add the compiler
// vectorizes, and the bounds are computed per row and per tap, never per output.
#include <algorithm>
#include <limits>
#include <vector>

#include "kernels/conv_kernels.h"
#include "kernels/pool_impl.h"

namespace li {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Taps k in [0, k_n) with start + k*d inside [lo_bound, hi_bound).
void tap_range(int64_t start, int64_t k_n, int64_t d, int64_t lo_bound, int64_t hi_bound,
               int64_t* lo, int64_t* hi) {
  *lo = std::max<int64_t>(0, floor_div(lo_bound - start + d - 1, d));
  *hi = std::max(*lo, std::min<int64_t>(k_n, floor_div(hi_bound - 1 - start, d) + 1));
}

// Outputs o in [0, n) with o*s + off inside [0, len).
void out_range(int64_t off, int64_t s, int64_t n, int64_t len, int64_t* lo, int64_t* hi) {
  *lo = std::min(n, std::max<int64_t>(0, floor_div(-off + s - 1, s)));
  *hi = std::max(*lo, std::min<int64_t>(n, floor_div(len - 1 - off, s) + 1));
}

// A kernel column kw: x_row[ow*s + off] is its tap for outputs ow in [lo, hi). The same for
// every output row, so computed once per plane (the divisions would otherwise dominate small maps).
struct TapCol { int64_t off, lo, hi; };

std::vector<TapCol> width_taps(const Geom3& g) {
  std::vector<TapCol> t(size_t(g.k[2]));
  for (int64_t kw = 0; kw < g.k[2]; ++kw) {
    TapCol& c = t[size_t(kw)];
    c.off = kw * g.d[2] - g.pb[2];
    out_range(c.off, g.s[2], g.out[2], g.in[2], &c.lo, &c.hi);
  }
  return t;
}

// Calls f(x_row, ow_lo, ow_hi, tap offset, flat index of x_row[0]) for every in-bounds tap of
// output row (od, oh): x_row[ow*s + off] is that tap for outputs ow in [ow_lo, ow_hi).
template <class F>
void for_each_tap(const Geom3& g, const std::vector<TapCol>& cols, const float* x, int64_t od,
                  int64_t oh, F&& f) {
  int64_t d0, d1, h0, h1;
  tap_range(od * g.s[0] - g.pb[0], g.k[0], g.d[0], 0, g.in[0], &d0, &d1);
  tap_range(oh * g.s[1] - g.pb[1], g.k[1], g.d[1], 0, g.in[1], &h0, &h1);
  for (int64_t kd = d0; kd < d1; ++kd)
    for (int64_t kh = h0; kh < h1; ++kh) {
      const int64_t row = ((od * g.s[0] - g.pb[0] + kd * g.d[0]) * g.in[1] +
                           oh * g.s[1] - g.pb[1] + kh * g.d[1]) * g.in[2];
      for (const TapCol& c : cols) f(x + row, c.lo, c.hi, c.off, row);
    }
}

}  // namespace

void f32_maxpool__ref(const Geom3& g, const float* x, float* y, int64_t* indices) {
  const int64_t OW = g.out[2], s = g.s[2];
  if (!indices && maxpool2d_rows_fit(g)) return maxpool2d(g, x, y);  // kernels/pool_impl.h
  const std::vector<TapCol> taps = width_taps(g);
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      float* yr = y + (od * g.out[1] + oh) * OW;
      std::fill(yr, yr + OW, -std::numeric_limits<float>::infinity());
      if (!indices) {
        // NaN taps are skipped (as in onnxruntime): the comparison is false for them.
        for_each_tap(g, taps, x, od, oh, [&](const float* xr, int64_t lo, int64_t hi, int64_t off, int64_t) {
          if (s == 1) {  // the common cases, as constant-stride loops the compiler vectorizes
            for (int64_t ow = lo; ow < hi; ++ow) yr[ow] = xr[ow + off] > yr[ow] ? xr[ow + off] : yr[ow];
          } else if (s == 2) {
            for (int64_t ow = lo; ow < hi; ++ow) {
              const float v = xr[2 * ow + off];
              yr[ow] = v > yr[ow] ? v : yr[ow];
            }
          } else {
            for (int64_t ow = lo; ow < hi; ++ow) {
              const float v = xr[ow * s + off];
              yr[ow] = v > yr[ow] ? v : yr[ow];
            }
          }
        });
        continue;
      }
      int64_t* ir = indices + (od * g.out[1] + oh) * OW;
      std::fill(ir, ir + OW, int64_t(-1));
      // Taps arrive in window scan order, so a strict > keeps the first maximum; the first tap
      // is always taken so every output gets an index.
      for_each_tap(g, taps, x, od, oh, [&](const float* xr, int64_t lo, int64_t hi, int64_t off, int64_t base) {
        for (int64_t ow = lo; ow < hi; ++ow) {
          const float v = xr[ow * s + off];
          if (v > yr[ow] || ir[ow] < 0) {
            yr[ow] = v;
            ir[ow] = base + ow * s + off;
          }
        }
      });
    }
}

void f32_avgpool__ref(const Geom3& g, const float* x, float* y, bool count_include_pad) {
  const int64_t OW = g.out[2], s = g.s[2];
  const std::vector<TapCol> taps = width_taps(g);
  // Taps of a window that count: inside the input, or inside input + pads.
  auto bound_lo = [&](int i) { return count_include_pad ? -g.pb[i] : int64_t(0); };
  auto bound_hi = [&](int i) { return count_include_pad ? g.in[i] + g.pe[i] : g.in[i]; };
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      float* yr = y + (od * g.out[1] + oh) * OW;
      std::fill(yr, yr + OW, 0.f);
      for_each_tap(g, taps, x, od, oh, [&](const float* xr, int64_t lo, int64_t hi, int64_t off, int64_t) {
        if (s == 1) {
          for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += xr[ow + off];
        } else {
          for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += xr[ow * s + off];
        }
      });
      int64_t a0, a1, b0, b1;
      tap_range(od * g.s[0] - g.pb[0], g.k[0], g.d[0], bound_lo(0), bound_hi(0), &a0, &a1);
      tap_range(oh * g.s[1] - g.pb[1], g.k[1], g.d[1], bound_lo(1), bound_hi(1), &b0, &b1);
      const int64_t rows = (a1 - a0) * (b1 - b0);
      // Outputs whose whole width window counts share one divisor; the borders count their taps.
      int64_t full_lo, full_hi;
      out_range(-g.pb[2] - bound_lo(2), s, OW, bound_hi(2) - bound_lo(2) - (g.k[2] - 1) * g.d[2],
                &full_lo, &full_hi);
      const float inv_full = rows > 0 ? 1.f / float(rows * g.k[2]) : 0.f;
      for (int64_t ow = full_lo; ow < full_hi; ++ow) yr[ow] *= inv_full;
      auto border = [&](int64_t ow) {
        int64_t c0, c1;
        tap_range(ow * s - g.pb[2], g.k[2], g.d[2], bound_lo(2), bound_hi(2), &c0, &c1);
        const int64_t count = rows * (c1 - c0);
        yr[ow] = count > 0 ? yr[ow] / float(count) : 0.f;
      };
      for (int64_t ow = 0; ow < full_lo; ++ow) border(ow);
      for (int64_t ow = std::max(full_lo, full_hi); ow < OW; ++ow) border(ow);
    }
}

}  // namespace li
