// Reference convolution kernels: direct loops, the spec the GEMM and SIMD paths are tested
// against, and the fallback for spatial ranks the optimized paths do not cover.
#include <algorithm>
#include <cstring>

#include "kernels/conv_kernels.h"

namespace li {

namespace {

int64_t prod(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t d : v) p *= d;
  return p;
}

// Advances a multi-index over `dims` (row-major); false after the last one.
bool next_index(std::vector<int64_t>& idx, const std::vector<int64_t>& dims) {
  for (size_t d = idx.size(); d-- > 0;) {
    if (++idx[d] < dims[d]) return true;
    idx[d] = 0;
  }
  return false;
}

}  // namespace

void f32_conv__ref(const ConvGeom& g, const float* x, const float* w, const float* b, float* y,
                   const Activation& act) {
  const size_t r = g.in.size();
  const int64_t cin_g = g.C_in / g.group, cout_g = g.C_out / g.group;
  const int64_t in_sz = prod(g.in), out_sz = prod(g.out), k_sz = prod(g.kernel);
  std::vector<int64_t> o(r), k(r);
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t oc = 0; oc < g.C_out; ++oc) {
      const int64_t grp = oc / cout_g;
      float* yp = y + (n * g.C_out + oc) * out_sz;
      std::fill(o.begin(), o.end(), 0);
      int64_t op = 0;
      do {
        double acc = b ? b[oc] : 0.f;
        for (int64_t ic = 0; ic < cin_g; ++ic) {
          const float* xp = x + (n * g.C_in + grp * cin_g + ic) * in_sz;
          const float* wp = w + (oc * cin_g + ic) * k_sz;
          std::fill(k.begin(), k.end(), 0);
          int64_t kp = 0;
          do {
            int64_t off = 0;
            bool inside = true;
            for (size_t d = 0; d < r && inside; ++d) {
              int64_t i = o[d] * g.stride[d] - g.pad_begin[d] + k[d] * g.dilation[d];
              inside = i >= 0 && i < g.in[d];
              off = off * g.in[d] + i;
            }
            if (inside) acc += double(xp[off]) * wp[kp];
            ++kp;
          } while (next_index(k, g.kernel));
        }
        yp[op++] = act.apply(float(acc));
      } while (next_index(o, g.out));
    }
}

void f32_conv_transpose__ref(const ConvGeom& g, const float* x, const float* w, const float* b,
                             float* y) {
  const size_t r = g.in.size();
  const int64_t cin_g = g.C_in / g.group, cout_g = g.C_out / g.group;
  const int64_t in_sz = prod(g.in), out_sz = prod(g.out), k_sz = prod(g.kernel);
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t oc = 0; oc < g.C_out; ++oc) {
      float* yp = y + (n * g.C_out + oc) * out_sz;
      for (int64_t i = 0; i < out_sz; ++i) yp[i] = b ? b[oc] : 0.f;
    }
  std::vector<int64_t> ip(r), k(r);
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t ic = 0; ic < g.C_in; ++ic) {
      const int64_t grp = ic / cin_g;
      const float* xp = x + (n * g.C_in + ic) * in_sz;
      std::fill(ip.begin(), ip.end(), 0);
      int64_t p = 0;
      do {
        const float xv = xp[p++];
        for (int64_t ocg = 0; ocg < cout_g; ++ocg) {
          const int64_t oc = grp * cout_g + ocg;
          const float* wp = w + (ic * cout_g + ocg) * k_sz;
          float* yp = y + (n * g.C_out + oc) * out_sz;
          std::fill(k.begin(), k.end(), 0);
          int64_t kp = 0;
          do {
            int64_t off = 0;
            bool inside = true;
            for (size_t d = 0; d < r && inside; ++d) {
              int64_t o = ip[d] * g.stride[d] - g.pad_begin[d] + k[d] * g.dilation[d];
              inside = o >= 0 && o < g.out[d];
              off = off * g.out[d] + o;
            }
            if (inside) yp[off] += xv * wp[kp];
            ++kp;
          } while (next_index(k, g.kernel));
        }
      } while (next_index(ip, g.in));
    }
}

void f32_dwconv2d__ref(const DwGeom& g, const float* x, const float* w, float bias, float* y,
                       const Activation& act) {
  for (int64_t oh = 0; oh < g.OH; ++oh)
    for (int64_t ow = 0; ow < g.OW; ++ow) {
      float acc = bias;
      for (int64_t kh = 0; kh < g.KH; ++kh) {
        const int64_t ih = oh * g.SH - g.PT + kh * g.DH;
        if (ih < 0 || ih >= g.H) continue;
        for (int64_t kw = 0; kw < g.KW; ++kw) {
          const int64_t iw = ow * g.SW - g.PL + kw * g.DW;
          if (iw >= 0 && iw < g.W) acc += x[ih * g.W + iw] * w[kh * g.KW + kw];
        }
      }
      y[oh * g.OW + ow] = act.apply(acc);
    }
}

// Dispatch: the reference, overlaid by the best SIMD variant the host supports.
DwConv2dFn dwconv2d_kernel_for(CpuTier tier) {
#if defined(LITEINFER_HAVE_AVX2)
  const CpuFeatures& f = cpu_features();
  if ((tier == CpuTier::Avx2 || tier == CpuTier::Avx512) && f.avx2 && f.fma)
    return f32_dwconv2d__avx2;
#endif
#if defined(LITEINFER_HAVE_NEON)
  if (tier == CpuTier::Neon && cpu_features().neon) return f32_dwconv2d__neon;
#endif
  return f32_dwconv2d__ref;
}

#if !defined(LITEINFER_HAVE_AVX2)
// x86 builds define it beside the AVX2 kernel (x86/depthwise_c8_avx2.cc); the NEON kernel uses
// the same layout: padded interleaved input, output block, weights, alignment slack.
size_t dwconv2d_c8_scratch_floats(const DwGeom& g) {
  const int64_t ph = (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
  const int64_t pw = (g.OW - 1) * g.SW + (g.KW - 1) * g.DW + 1;
  return size_t(ph * pw * 8 + g.OH * g.OW * 8 + g.KH * g.KW * 8 + 16);
}
#endif

DwConv2dC8Fn dwconv2d_c8_kernel_for(CpuTier tier) {
#if defined(LITEINFER_HAVE_AVX2)
  const CpuFeatures& f = cpu_features();
  if ((tier == CpuTier::Avx2 || tier == CpuTier::Avx512) && f.avx2 && f.fma) return f32_dwconv2d_c8__avx2;
#endif
#if defined(LITEINFER_HAVE_NEON)
  if (tier == CpuTier::Neon && cpu_features().neon) return f32_dwconv2d_c8__neon;
#endif
  (void)tier;
  return nullptr;
}

DwConv2dFn dwconv2d_kernel() {
  static const DwConv2dFn k = dwconv2d_kernel_for(cpu_tier());
  return k;
}

}  // namespace li
