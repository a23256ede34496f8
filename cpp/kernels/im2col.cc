// im2col / col2im over a block of output columns, for the GEMM convolution paths. 1-D and 2-D
// are embedded in 3-D (Geom3). Each column row (channel, kd, kh, kw) is walked one output row
// at a time: the valid output-width range of a tap is computed once, so the inner loop is a
// plain copy (stride 1) or strided gather, with zero runs at the padded edges.
#include <algorithm>
#include <cstring>

#include "kernels/conv_kernels.h"

namespace li {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Walks every (column row, output-row run) of the block: gathers x into col (im2col), or with
// kScatter adds col into x (col2im). Zero runs are written only when gathering.
template <bool kScatter>
void walk(const Geom3& g, int64_t channels, float* x, int64_t col0, int64_t ncols, float* col,
          int64_t ldcol) {
  const int64_t OH = g.out[1], OW = g.out[2], H = g.in[1], W = g.in[2];
  const int64_t in_sz = g.in_size();
  int64_t row = 0;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t kd = 0; kd < g.k[0]; ++kd)
      for (int64_t kh = 0; kh < g.k[1]; ++kh)
        for (int64_t kw = 0; kw < g.k[2]; ++kw, ++row) {
          float* dst = col + row * ldcol;
          // Output widths whose tap lands inside [0, W).
          const int64_t off_w = kw * g.d[2] - g.pb[2];
          const int64_t lo = std::max<int64_t>(0, floor_div(-off_w + g.s[2] - 1, g.s[2]));
          const int64_t hi = std::min<int64_t>(OW, floor_div(W - 1 - off_w, g.s[2]) + 1);
          int64_t p = col0;
          int64_t od = p / (OH * OW), oh = (p / OW) % OH, ow = p % OW;
          for (int64_t j = 0; j < ncols;) {
            const int64_t run = std::min(OW - ow, ncols - j);
            const int64_t id = od * g.s[0] - g.pb[0] + kd * g.d[0];
            const int64_t ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
            const int64_t jb = j - ow;  // dst[jb + w] is the column of output width w
            if (id < 0 || id >= g.in[0] || ih < 0 || ih >= H) {
              if (!kScatter) std::memset(dst + j, 0, size_t(run) * sizeof(float));
            } else {
              float* xr = x + c * in_sz + (id * H + ih) * W;  // xr[w*s + off_w] is the tap
              const int64_t a = std::max(ow, lo), b = std::min(ow + run, hi);
              if (kScatter) {
                for (int64_t w = a; w < b; ++w) xr[w * g.s[2] + off_w] += dst[jb + w];
              } else if (a >= b) {
                std::memset(dst + j, 0, size_t(run) * sizeof(float));
              } else {
                for (int64_t w = ow; w < a; ++w) dst[jb + w] = 0.f;
                if (g.s[2] == 1) {
                  std::memcpy(dst + jb + a, xr + a + off_w, size_t(b - a) * sizeof(float));
                } else {
                  for (int64_t w = a; w < b; ++w) dst[jb + w] = xr[w * g.s[2] + off_w];
                }
                for (int64_t w = b; w < ow + run; ++w) dst[jb + w] = 0.f;
              }
            }
            j += run;
            ow = 0;
            if (++oh == OH) { oh = 0; ++od; }
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
  walk<false>(g, channels, const_cast<float*>(x), col0, ncols, col, ldcol);
}

void f32_col2im(const Geom3& g, int64_t channels, const float* col, int64_t col0, int64_t ncols,
                int64_t ldcol, float* y) {
  walk<true>(g, channels, y, col0, ncols, const_cast<float*>(col), ldcol);
}

}  // namespace li
