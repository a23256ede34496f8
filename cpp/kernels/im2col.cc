// im2col / col2im over a block of output columns, for the GEMM convolution paths. 1-D and 2-D
// are embedded in 3-D (Geom3). Each column row (channel, kd, kh, kw) is walked one output row
// at a time: the valid output-width range of a tap is computed once, so the inner loop is a
// plain copy (stride 1) or strided gather, with zero runs at the padded edges.
#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>  // Advanced SIMD is part of the armv8-a baseline, like SSE2 on x86-64
#endif

#include "kernels/conv_kernels.h"

namespace li {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Short copies and fills as inline vector loops: written as plain loops, the compiler turns them
// into memcpy/memset calls, whose call cost dominates the 2-16 float runs of small maps.
inline void copy_run(float* dst, const float* src, int64_t n) {
  int64_t i = 0;
#if defined(__SSE2__) || defined(__aarch64__)
#if defined(__SSE2__)
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(dst + i, _mm_loadu_ps(src + i));
#else
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vld1q_f32(src + i));
#endif
  switch (n - i) {
    case 3: dst[i + 2] = src[i + 2]; [[fallthrough]];
    case 2: dst[i + 1] = src[i + 1]; [[fallthrough]];
    case 1: dst[i] = src[i]; [[fallthrough]];
    default: break;
  }
#else
  std::memcpy(dst, src, size_t(n) * sizeof(float));
#endif
}

inline void zero_run(float* dst, int64_t n) {
  int64_t i = 0;
#if defined(__SSE2__) || defined(__aarch64__)
#if defined(__SSE2__)
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(dst + i, _mm_setzero_ps());
#else
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vdupq_n_f32(0.f));
#endif
  switch (n - i) {
    case 3: dst[i + 2] = 0.f; [[fallthrough]];
    case 2: dst[i + 1] = 0.f; [[fallthrough]];
    case 1: dst[i] = 0.f; [[fallthrough]];
    default: break;
  }
#else
  if (n > 0) std::memset(dst, 0, size_t(n) * sizeof(float));
#endif
}

// Walks every (column row, output-row run) of the block: gathers x into col (im2col), or with
// kScatter adds col into x (col2im). Zero runs are written only when gathering. The block's
// starting output position and each kernel column's valid output-width range are computed once
// (no division per row: im2col of small feature maps is otherwise dominated by it).
template <bool kScatter>
void walk(const Geom3& g, int64_t channels, float* x, int64_t col0, int64_t ncols, float* col,
          int64_t ldcol) {
  const int64_t OH = g.out[1], OW = g.out[2], H = g.in[1], W = g.in[2];
  const int64_t in_sz = g.in_size(), sw = g.s[2];
  const int64_t od0 = col0 / (OH * OW), oh0 = (col0 / OW) % OH, ow0 = col0 % OW;
  struct Tap { int64_t off, lo, hi; };  // x column = w*sw + off, valid for w in [lo, hi)
  std::vector<Tap> taps(size_t(g.k[2]));
  for (int64_t kw = 0; kw < g.k[2]; ++kw) {
    Tap& t = taps[size_t(kw)];
    t.off = kw * g.d[2] - g.pb[2];
    t.lo = std::min<int64_t>(OW, std::max<int64_t>(0, floor_div(-t.off + sw - 1, sw)));
    t.hi = std::max<int64_t>(t.lo, std::min<int64_t>(OW, floor_div(W - 1 - t.off, sw) + 1));
  }
  int64_t row = 0;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t kd = 0; kd < g.k[0]; ++kd)
      for (int64_t kh = 0; kh < g.k[1]; ++kh)
        for (int64_t kw = 0; kw < g.k[2]; ++kw, ++row) {
          float* dst = col + row * ldcol;
          const Tap t = taps[size_t(kw)];
          int64_t od = od0, oh = oh0, ow = ow0;
          for (int64_t j = 0; j < ncols;) {
            const int64_t run = std::min(OW - ow, ncols - j);
            const int64_t id = od * g.s[0] - g.pb[0] + kd * g.d[0];
            const int64_t ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
            float* d = dst + j - ow;  // d[w] is the column of output width w
            if (id < 0 || id >= g.in[0] || ih < 0 || ih >= H) {
              if (!kScatter) zero_run(d + ow, run);
            } else {
              float* xr = x + c * in_sz + (id * H + ih) * W;  // xr[w*sw + off] is the tap
              const int64_t a = std::min(std::max(ow, t.lo), ow + run);
              const int64_t b = std::max(a, std::min(ow + run, t.hi));
              if (kScatter) {
                for (int64_t w = a; w < b; ++w) xr[w * sw + t.off] += d[w];
              } else {
                zero_run(d + ow, a - ow);
                if (sw == 1) copy_run(d + a, xr + a + t.off, b - a);
                else for (int64_t w = a; w < b; ++w) d[w] = xr[w * sw + t.off];
                zero_run(d + b, ow + run - b);
              }
            }
            j += run;
            ow = 0;
            if (++oh == OH) { oh = 0; ++od; }
          }
        }
}

// One output row through the general walk (for windows too large to pad).
void walk_rows(const Geom3& g, int64_t channels, const float* x, int64_t oh, float* col,
               int64_t ldcol) {
  walk<false>(g, channels, const_cast<float*>(x), oh * g.out[2], g.out[2], col, ldcol);
}

// im2col of whole output rows of a 2-D (or 1-D) convolution, through a zero-padded copy of the
// input window (strides 1 and 2 as constant-stride loops the compiler vectorizes). Covers every
// im2col the GEMM convolution issues for 1-D and 2-D maps whose rows fit its block.
template <int64_t kStride>
void im2col_rows(const Geom3& g, int64_t channels, const float* x, int64_t oh0, int64_t nrows,
                 float* col, int64_t ldcol) {
  const int64_t H = g.in[1], W = g.in[2], OW = g.out[2], sw = g.s[2];
  // The window of one input channel these output rows read, zero-padded: rows from
  // oh0*sh - pad_top, columns from -pad_left. Then every (kh, kw, output row) run is a plain
  // copy (or constant-stride gather) with no bounds to check.
  const int64_t top = oh0 * g.s[1] - g.pb[1], left = -g.pb[2];
  const int64_t PH = (nrows - 1) * g.s[1] + (g.k[1] - 1) * g.d[1] + 1;
  const int64_t PW = (OW - 1) * sw + (g.k[2] - 1) * g.d[2] + 1;
  if (PH * PW > (int64_t(1) << 20)) {  // huge strides or dilations: gather with bounds instead
    for (int64_t r = 0; r < nrows; ++r)
      walk_rows(g, channels, x, oh0 + r, col + r * OW, ldcol);
    return;
  }
  thread_local std::vector<float> window;
  window.resize(size_t(PH * PW));
  const int64_t c_lo = std::min(PW, std::max<int64_t>(0, -left));  // first column inside x
  const int64_t c_hi = std::max(c_lo, std::min(PW, W - left));      // one past the last
  float* dst = col;
  for (int64_t c = 0; c < channels; ++c) {
    const float* xc = x + c * H * W;
    for (int64_t r = 0; r < PH; ++r) {
      float* wr = window.data() + r * PW;
      const int64_t ih = top + r;
      if (ih < 0 || ih >= H) {
        zero_run(wr, PW);
        continue;
      }
      zero_run(wr, c_lo);
      copy_run(wr + c_lo, xc + ih * W + c_lo + left, c_hi - c_lo);
      zero_run(wr + c_hi, PW - c_hi);
    }
    for (int64_t kh = 0; kh < g.k[1]; ++kh)
      for (int64_t kw = 0; kw < g.k[2]; ++kw) {
        float* d = dst;
        const float* src = window.data() + kh * g.d[1] * PW + kw * g.d[2];
        for (int64_t r = 0; r < nrows; ++r, d += OW, src += g.s[1] * PW) {
          if (kStride == 1) copy_run(d, src, OW);
          else if (kStride == 2) for (int64_t w = 0; w < OW; ++w) d[w] = src[2 * w];
          else for (int64_t w = 0; w < OW; ++w) d[w] = src[w * sw];
        }
        dst += ldcol;
      }
  }
}

}  // namespace

int64_t conv_out_dim(int64_t in, int64_t k, int64_t s, int64_t d, AutoPad ap, bool ceil_mode,
                     int64_t* pad_begin, int64_t* pad_end) {
  const int64_t ek = (k - 1) * d + 1;  // dilated kernel extent
  if (ap == AutoPad::SameUpper || ap == AutoPad::SameLower) {
    const int64_t out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>(0, (out - 1) * s + ek - in);
    const int64_t small = total / 2;
    *pad_begin = ap == AutoPad::SameUpper ? small : total - small;
    *pad_end = total - *pad_begin;
    return out;
  }
  if (ap == AutoPad::Valid) *pad_begin = *pad_end = 0;
  const int64_t span = in + *pad_begin + *pad_end - ek;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + *pad_begin) --out;
  return out;
}

Geom3 make_geom3(const std::vector<int64_t>& in, const std::vector<int64_t>& out,
                 const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
                 const std::vector<int64_t>& dilation, const std::vector<int64_t>& pad_begin,
                 const std::vector<int64_t>& pad_end) {
  Geom3 g;
  const size_t r = in.size(), sh = 3 - r;
  for (size_t i = 0; i < r; ++i) {
    g.in[sh + i] = in[i];
    g.out[sh + i] = out[i];
    g.k[sh + i] = kernel[i];
    g.s[sh + i] = stride[i];
    g.d[sh + i] = dilation[i];
    g.pb[sh + i] = pad_begin[i];
    g.pe[sh + i] = i < pad_end.size() ? pad_end[i] : 0;
  }
  return g;
}

void f32_im2col(const Geom3& g, int64_t channels, const float* x, int64_t col0, int64_t ncols,
                float* col, int64_t ldcol) {
  const int64_t OW = g.out[2];
  if (g.in[0] == 1 && g.k[0] == 1 && g.out[0] == 1 && col0 % OW == 0 && ncols % OW == 0) {
    const int64_t oh0 = col0 / OW, rows = ncols / OW;
    if (g.s[2] == 1) return im2col_rows<1>(g, channels, x, oh0, rows, col, ldcol);
    if (g.s[2] == 2) return im2col_rows<2>(g, channels, x, oh0, rows, col, ldcol);
    return im2col_rows<0>(g, channels, x, oh0, rows, col, ldcol);
  }
  walk<false>(g, channels, const_cast<float*>(x), col0, ncols, col, ldcol);
}

void f32_col2im(const Geom3& g, int64_t channels, const float* col, int64_t col0, int64_t ncols,
                int64_t ldcol, float* y) {
  walk<true>(g, channels, y, col0, ncols, const_cast<float*>(col), ldcol);
}

}  // namespace li
