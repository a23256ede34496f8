// Convolution, transposed convolution and pooling kernels (float32, NCHW).
//   ref/conv_ref.cc    direct N-D convolution, depthwise 2-D, col2im-free transposed conv
//                      reference; the depthwise dispatch table
//   im2col.cc          im2col / col2im over a column block (1-3 spatial dims, as 3-D)
//   x86/depthwise_avx2 depthwise 2-D along the output width (3x3 s1/s2 fast paths)
//   x86/depthwise_c8_avx2  depthwise 2-D, 8 channels per vector (small planes, strides)
//   ref/pool_ref.cc    max / average pooling of one plane (1-3 spatial dims, as 3-D)
//   pool_impl.h        2-D max pooling, separable (rows, then columns), built per tier
//                      (x86/pool_avx2.cc); pool.cc picks the tier's build
// Kernels do no allocation and no threading: the ops in ops/convolution.cc, conv_transpose_op.cc
// and pooling.cc own the thread pool and the scratch.
#pragma once
#include <cstdint>
#include <vector>

#include "cpu/features.h"
#include "kernels/activation.h"

namespace li {

// N-D convolution geometry; every spatial vector has the same length (the spatial rank).
struct ConvGeom {
  int64_t N = 1, C_in = 1, C_out = 1, group = 1;
  std::vector<int64_t> in, out, kernel, stride, dilation, pad_begin;
};

// Direct convolution, the executable spec: y = act(conv(x, w) + b).
// x [N, C_in, in...], w [C_out, C_in/group, kernel...], b [C_out] or null, y [N, C_out, out...].
void f32_conv__ref(const ConvGeom& g, const float* x, const float* w, const float* b, float* y,
                   const Activation& act);

// Direct transposed convolution: x [N, C_in, in...], w [C_in, C_out/group, kernel...], b [C_out]
// or null, y [N, C_out, out...] (out already includes output_padding / output_shape).
// out[d] = in[d]*stride - pad_begin + k*dilation scatters x into y.
void f32_conv_transpose__ref(const ConvGeom& g, const float* x, const float* w, const float* b,
                             float* y);

// ONNX auto_pad, shared by Conv and the pools.
enum class AutoPad { NotSet, SameUpper, SameLower, Valid };
// One spatial dim of Conv / MaxPool / AveragePool: returns the output size (< 1 when the window
// does not fit) and sets the pads (read as the explicit pads when NotSet). SAME: out =
// ceil(in / s), the odd pad at the end (UPPER) or beginning (LOWER). ceil_mode (pools) drops a
// last window that would start in the end padding (as onnx's reference and PyTorch do).
int64_t conv_out_dim(int64_t in, int64_t k, int64_t s, int64_t d, AutoPad ap, bool ceil_mode,
                     int64_t* pad_begin, int64_t* pad_end);

// The geometry of one 3-D plane operation (1-D and 2-D are embedded with leading size-1 dims,
// kernel 1, stride 1, dilation 1, pad 0). Index 0 = depth, 1 = height, 2 = width.
struct Geom3 {
  int64_t in[3] = {1, 1, 1};
  int64_t out[3] = {1, 1, 1};
  int64_t k[3] = {1, 1, 1};
  int64_t s[3] = {1, 1, 1};
  int64_t d[3] = {1, 1, 1};
  int64_t pb[3] = {0, 0, 0};  // pad at the beginning
  int64_t pe[3] = {0, 0, 0};  // pad at the end (pooling: count_include_pad window limit)
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t k_size() const { return k[0] * k[1] * k[2]; }
};
// Builds a Geom3 from spatial vectors of length 1..3 (pad_end may be empty: zeros).
Geom3 make_geom3(const std::vector<int64_t>& in, const std::vector<int64_t>& out,
                 const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
                 const std::vector<int64_t>& dilation, const std::vector<int64_t>& pad_begin,
                 const std::vector<int64_t>& pad_end);

// im2col of `channels` planes of x (each g.in_size() floats) for output positions
// [col0, col0 + ncols): col[(c*k_size + kpos) * ldcol + j] = x at that tap, 0 in the padding.
void f32_im2col(const Geom3& g, int64_t channels, const float* x, int64_t col0, int64_t ncols,
                float* col, int64_t ldcol);
// The inverse scatter for transposed convolution, where the "input positions" are columns:
// y[c] += col[(c*k_size + kpos) * ldcol + j] for input positions [col0, col0 + ncols) of a
// Geom3 whose `out` holds the transposed conv's input dims and `in` its output dims.
void f32_col2im(const Geom3& g, int64_t channels, const float* col, int64_t col0, int64_t ncols,
                int64_t ldcol, float* y);

// Depthwise 2-D convolution of one plane: y = act(sum_taps x * w + bias).
struct DwGeom {
  int64_t H, W, OH, OW, KH, KW, SH, SW, DH, DW, PT, PL;
};
using DwConv2dFn = void (*)(const DwGeom& g, const float* x, const float* w, float bias, float* y,
                            const Activation& act);
void f32_dwconv2d__ref(const DwGeom& g, const float* x, const float* w, float bias, float* y,
                       const Activation& act);
#if defined(LITEINFER_HAVE_AVX2)
void f32_dwconv2d__avx2(const DwGeom& g, const float* x, const float* w, float bias, float* y,
                        const Activation& act);
// nc <= 8 channels at once (x: nc consecutive input planes, w: [nc][KH*KW], bias: [nc] or null,
// y: nc output planes) in an interleaved 8-channel layout, for short rows and strides; scratch
// holds dwconv2d_c8_scratch_floats(g) floats. Only for a tier with AVX2.
void f32_dwconv2d_c8__avx2(const DwGeom& g, int64_t nc, const float* x, const float* w,
                           const float* bias, float* y, const Activation& act, float* scratch);
size_t dwconv2d_c8_scratch_floats(const DwGeom& g);
#endif
// The kernel for a tier (a tier the host lacks gets the reference); tests force each tier.
DwConv2dFn dwconv2d_kernel_for(CpuTier tier);
// The kernel for cpu_tier().
DwConv2dFn dwconv2d_kernel();

// Pooling of one plane (g.in_size() floats in, g.out_size() out).
// Max: indices (optional) receive the flat position inside the plane, row-major over (d, h, w);
// the op turns it into ONNX's tensor-wide index and applies storage_order.
void f32_maxpool__ref(const Geom3& g, const float* x, float* y, int64_t* indices);
#if defined(LITEINFER_HAVE_AVX2)
// The 2-D case without indices (kernels/pool_impl.h) built with AVX2; false when g is not such
// a case (then the reference applies). Only for a tier with AVX2.
bool f32_maxpool2d__avx2(const Geom3& g, const float* x, float* y);
#endif
// Max pooling of one plane on `tier`'s kernels (kernels/pool.cc); f32_maxpool uses cpu_tier().
void f32_maxpool_for(CpuTier tier, const Geom3& g, const float* x, float* y, int64_t* indices);
void f32_maxpool(const Geom3& g, const float* x, float* y, int64_t* indices);
// Average: count_include_pad counts taps inside [-pb, in + pe), else only those inside the input.
void f32_avgpool__ref(const Geom3& g, const float* x, float* y, bool count_include_pad);

}  // namespace li
