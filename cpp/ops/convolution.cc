// Conv (opset 1, 11; and domain "liteinfer" opset 1 with a fused activation), float32, NCHW.
// Kernel choice, per input shape (when the plan is made):
//   1x1, stride 1, no pad -> one GEMM per image and group: W[Cout_g, Cin_g] x X[Cin_g, HW]
//   depthwise (Cin_g == 1, group > 1), 1-D/2-D -> direct per-plane kernel (reference / AVX2)
//   3x3, stride 1, constant W, enough channels and output -> Winograd F(4x4, 3x3)
//   other 1-D..3-D      -> im2col of a column block into scratch + GEMM
//   4-D spatial and up  -> the direct reference
// The GEMM epilogue adds the bias per row and applies the activation. When the output has few
// columns (small feature maps deep in a network: 2x2 = 4 columns against a 16-wide register
// tile), the GEMM paths compute Y^T = X^T W^T instead, so the channels fill the tile, and
// transpose the small result. Constant weights are packed in the form each path needs on the
// first run that takes it (a network of fixed shape packs one form per convolution).
#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "cpu/features.h"
#include "kernels/conv_kernels.h"
#include "kernels/gemm.h"
#include "kernels/transpose.h"
#include "kernels/winograd.h"
#include "ops/conv_attrs.h"
#include "ops/eltwise_util.h"
#include "ops/fused.h"

namespace li {

void register_conv_transpose_ops();  // ops/conv_transpose_op.cc
void register_pooling_ops();         // ops/pooling.cc
void register_batch_norm_ops();      // ops/batch_norm.cc

namespace {

// im2col scratch is bounded by processing the output columns in blocks of this many bytes.
constexpr int64_t kIm2colBudget = int64_t(4) << 20;
// Tiled im2col: blocks of this many bytes (a quarter of the smallest L2 we expect), one task
// each, so the GEMM packs a block while it is still in L2; at least this many columns per block.
constexpr int64_t kIm2colTileBytes = int64_t(256) << 10;
constexpr int64_t kIm2colTileMinCols = 64;
// Multiply-adds per depthwise task: small planes are batched so a task is worth a wake-up.
constexpr int64_t kPlaneGrain = 16384;

enum class Path { Gemm1x1, Depthwise, Im2col, Winograd, Reference };

struct Plan {
  ConvGeom g;
  Path path = Path::Reference;
  int64_t block = 0;     // im2col: output columns per block
  int64_t K = 0;         // GEMM depth: Cin_g * kernel size
  bool swapped = false;  // GEMM paths: compute Y^T = X^T W^T (few output columns)
  bool tiled = false;    // im2col: L2-sized blocks, each its own task (im2col + GEMM)
};

class ConvOp : public Op {
 public:
  explicit ConvOp(const OpBuildContext& b) : desc_(b.node.describe()) {
    group_ = b.node.get_int("group", 1);
    kernel_ = b.node.get_ints("kernel_shape");
    strides_ = b.node.get_ints("strides");
    dilations_ = b.node.get_ints("dilations");
    pads_ = b.node.get_ints("pads");
    auto_pad_ = read_auto_pad(b);
    if (b.node.domain == kFusedDomain) act_ = read_fused_activation(b.node);
    if (group_ < 1) b.invalid("group must be >= 1, got ", group_);
    for (int64_t v : strides_) if (v < 1) b.invalid("strides must be >= 1, got ", v);
    for (int64_t v : dilations_) if (v < 1) b.invalid("dilations must be >= 1, got ", v);
    for (int64_t v : pads_) if (v < 0) b.invalid("pads must be >= 0, got ", v);
    for (int64_t v : kernel_) if (v < 1) b.invalid("kernel_shape must be >= 1, got ", v);
    if (b.node.num_inputs() < 2) b.invalid("expected inputs X and W (and optional B), got ", b.node.num_inputs());
    for (size_t i = 0; i < 3; ++i) {
      const Tensor* t = b.const_input(i);
      if (t && t->dtype != DType::Float32)
        b.unsupported("input ", i, " has dtype ", dtype_name(t->dtype), "; only float32 is supported");
    }
    w_const_ = b.const_input(1) != nullptr;
  }

  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0);
    const TensorInfo& w = need_input(ctx, 1);
    for (size_t i = 0; i < 3; ++i) {
      const TensorInfo* t = ctx.input(i);
      if (t && t->dtype != DType::Float32)
        fail(ErrorCode::UnsupportedOp, desc_, ": input ", i, " has dtype ", dtype_name(t->dtype),
             "; only float32 is supported");
    }
    Plan p = plan(x.shape, w.shape);
    if (const TensorInfo* b = ctx.input(2)) {
      if (b->shape != Shape{p.g.C_out})
        ctx.error("bias B must have shape [", p.g.C_out, "] (C_out), got ", shape_str(b->shape));
    }
    Shape out{p.g.N, p.g.C_out};
    out.insert(out.end(), p.g.out.begin(), p.g.out.end());
    ctx.outputs[0].dtype = DType::Float32;
    ctx.outputs[0].shape = out;
    const int64_t cols = out_columns(p);
    size_t scratch = 0;
    if (p.path == Path::Im2col && !p.tiled) scratch += size_t(p.K * p.block);
    if (p.path == Path::Winograd) scratch += size_t(winograd_scratch_floats(winograd_geom(p)));
    if (p.swapped) scratch += size_t(cols * (p.g.C_out / p.g.group));  // Y^T of one group
    ctx.scratch_bytes = scratch * sizeof(float);
    // Constant weights are packed for the chosen path when the plan is made (at load for a
    // model with fixed input shapes), not by the first run.
    if (w.value) prepack(p, w.value->ptr<float>());
    return true;
  }

  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const Tensor& w = *ctx.inputs[1];
    const Tensor* b = ctx.input(2);
    Tensor& y = *ctx.outputs[0];
    Plan p = plan(x.shape, w.shape);
    if (y.numel() == 0) return;
    const float* bias = b ? b->ptr<float>() : nullptr;
    switch (p.path) {
      case Path::Reference:
        return f32_conv__ref(p.g, x.ptr<float>(), w.ptr<float>(), bias, y.ptr<float>(), act_);
      case Path::Depthwise:
        return run_depthwise(ctx, p, x.ptr<float>(), w.ptr<float>(), bias, y.ptr<float>());
      case Path::Winograd:
        return run_winograd(ctx, p, x.ptr<float>(), w.ptr<float>(), bias, y.ptr<float>());
      case Path::Gemm1x1:
      case Path::Im2col:
        return run_gemm(ctx, p, x.ptr<float>(), w.ptr<float>(), bias, y.ptr<float>());
    }
  }

 private:
  // Validates the shapes and attributes against them (throws InvalidModel naming the node) and
  // picks the kernel.
  Plan plan(const Shape& xs, const Shape& ws) const {
    auto err = [&](auto&&... a) { fail(ErrorCode::InvalidModel, desc_, ": ", a...); };
    if (xs.size() < 3) err("X must have rank >= 3 (N, C, spatial...), got ", shape_str(xs));
    if (ws.size() != xs.size())
      err("W must have the rank of X (", xs.size(), "), got ", shape_str(ws));
    const size_t r = xs.size() - 2;
    Plan p;
    ConvGeom& g = p.g;
    g.N = xs[0];
    g.C_in = xs[1];
    g.C_out = ws[0];
    g.group = group_;
    if (ws[1] * group_ != g.C_in)
      err("C_in (", g.C_in, ") must equal W.shape[1] * group (", ws[1], " * ", group_, ")");
    if (g.C_out % group_ != 0)
      err("C_out (", g.C_out, ") must be divisible by group (", group_, ")");
    g.in.assign(xs.begin() + 2, xs.end());
    g.kernel.assign(ws.begin() + 2, ws.end());
    for (int64_t k : g.kernel)
      if (k < 1) err("W's spatial dims must be >= 1, got ", shape_str(ws));
    if (!kernel_.empty()) {
      if (kernel_.size() != r) err("kernel_shape must have ", r, " values, got ", kernel_.size());
      if (kernel_ != g.kernel)
        err("kernel_shape ", shape_str(kernel_), " does not match W's spatial dims ", shape_str(g.kernel));
    }
    auto spatial = [&](const std::vector<int64_t>& v, const char* name) {
      if (v.empty()) return std::vector<int64_t>(r, 1);
      if (v.size() != r) err(name, " must have ", r, " values, got ", v.size());
      return v;
    };
    g.stride = spatial(strides_, "strides");
    g.dilation = spatial(dilations_, "dilations");
    if (!pads_.empty() && pads_.size() != 2 * r)
      err("pads must have ", 2 * r, " values, got ", pads_.size());
    g.pad_begin.assign(r, 0);
    g.out.assign(r, 0);
    std::vector<int64_t> pad_end(r, 0);
    for (size_t d = 0; d < r; ++d) {
      if (!pads_.empty()) {
        g.pad_begin[d] = pads_[d];
        pad_end[d] = pads_[d + r];
      }
      g.out[d] = conv_out_dim(g.in[d], g.kernel[d], g.stride[d], g.dilation[d], auto_pad_, false,
                              &g.pad_begin[d], &pad_end[d]);
      if (g.out[d] < 1)
        err("output spatial dim ", d, " would be ", g.out[d], " (input ", g.in[d], ", kernel ",
            g.kernel[d], ", dilation ", g.dilation[d], ", pads ", g.pad_begin[d], "+", pad_end[d],
            "); expected >= 1");
    }
    const int64_t cin_g = g.C_in / group_;
    int64_t ksz = 1;
    for (int64_t k : g.kernel) ksz *= k;
    p.K = cin_g * ksz;
    bool pointwise = true;
    for (size_t d = 0; d < r; ++d)
      pointwise = pointwise && g.kernel[d] == 1 && g.stride[d] == 1 && g.pad_begin[d] == 0 &&
                  pad_end[d] == 0;
    if (r > 3) p.path = Path::Reference;
    else if (cin_g == 1 && group_ > 1 && r <= 2) p.path = Path::Depthwise;
    else if (pointwise) p.path = Path::Gemm1x1;
    else if (winograd_fits(g, cin_g)) p.path = Path::Winograd;
    else p.path = Path::Im2col;
    if (p.path == Path::Im2col || p.path == Path::Gemm1x1) {
      const int64_t cols = out_columns(p), cout_g = g.C_out / group_;
      const GemmTile tile = sgemm_tile();
      // Swapped only when Y^T of all columns fits the im2col budget (it is not blocked), and
      // when it saves more than its transpose back costs: about kTransposeMacs multiply-adds
      // per output value (a 32-FMA-per-cycle GEMM against a 1-2 cycle transposed copy). Without
      // that term the 14x32 tile swapped MobileNetV2's 3->32 stem (112x112 out, K = 27), whose
      // transpose then took longer than the GEMM.
      constexpr int64_t kTransposeMacs = 32;
      p.swapped = (tile.cost(cols, cout_g) * p.K + cols * cout_g * kTransposeMacs) * 5 <
                      tile.cost(cout_g, cols) * p.K * 4 &&
                  cols * (p.K + cout_g) * 4 <= kIm2colBudget;
      p.block = p.swapped ? cols
                          : std::min(cols, std::max<int64_t>(64, kIm2colBudget / std::max<int64_t>(1, p.K * 4)));
      // Whole output rows per block where a row fits: im2col's fast path works row by row.
      const int64_t row = g.out.back();
      if (p.block < cols && row <= p.block) p.block = p.block / row * row;
      // Many columns and a short K (stems, strided convs): L2-sized blocks run as parallel tasks,
      // each packed by its single-threaded GEMM while in L2; one 4 MiB block went to memory and
      // back twice, and its im2col split over input channels (3 in a stem) ran nearly serial.
      int64_t tile_cols = kIm2colTileBytes / (p.K * 4);
      if (row <= tile_cols) tile_cols = tile_cols / row * row;
      if (p.path == Path::Im2col && !p.swapped && tile_cols >= kIm2colTileMinCols && 2 * tile_cols <= cols) {
        p.tiled = true;
        p.block = tile_cols;
      }
    }
    return p;
  }

  // Winograd F(4x4, 3x3) where it pays: 2-D 3x3, stride 1, no dilation, weights known at load
  // (transformed once), at least 32 channels in and out (fewer: the transforms cost more than
  // the multiplies saved; measured 0.9x at 16-24, 1.0-1.06x at 32, 1.2-1.9x at 64-512), and at
  // least 16 output tiles of 4x4 (e.g. 13x13): the transformed weights are 4x the size of W and
  // each is used once per tile, so on smaller maps (ResNet's 7x7: 4 tiles) the GEMMs stream
  // weights from memory and gain little (2.8 vs 3.2 ms for 512 channels at 7x7) for 4x the RAM.
  bool winograd_fits(const ConvGeom& g, int64_t cin_g) const {
    if (!w_const_ || g.in.size() != 2) return false;
    for (size_t d = 0; d < 2; ++d)
      if (g.kernel[d] != 3 || g.stride[d] != 1 || g.dilation[d] != 1) return false;
    const int64_t cout_g = g.C_out / g.group;
    return cin_g >= 32 && cout_g >= 32 && (g.out[0] + 3) / 4 * ((g.out[1] + 3) / 4) >= 16;
  }

  static WinogradGeom winograd_geom(const Plan& p) {
    const ConvGeom& g = p.g;
    return WinogradGeom{g.C_in / g.group, g.C_out / g.group, g.in[0], g.in[1], g.out[0], g.out[1],
                        g.pad_begin[0], g.pad_begin[1]};
  }

  static int64_t out_columns(const Plan& p) {
    int64_t cols = 1;
    for (int64_t o : p.g.out) cols *= o;
    return cols;
  }

  // Constant weights packed per group in the form a path needs, each on first use, then
  // shared by every run: W as the GEMM's left operand, W^T as its right operand (swapped
  // orientation), or Winograd-transformed.
  template <class T, class Make>
  const std::vector<T>& packed(std::once_flag& once, std::vector<T>& groups, Make make) const {
    std::call_once(once, [&] {
      for (int64_t gi = 0; gi < group_; ++gi) groups.push_back(make(gi));
    });
    return groups;
  }
  const PackedMatrix* packed_w(const float* w, int64_t cout_g, int64_t K, int64_t gi) const {
    return packed(packs_->a_once, packs_->a, [&](int64_t i) {
      return pack_a(w + i * cout_g * K, K, false, cout_g, K);
    })[size_t(gi)].get();
  }
  const PackedMatrix* packed_wt(const float* w, int64_t cout_g, int64_t K, int64_t gi) const {
    return packed(packs_->bt_once, packs_->bt, [&](int64_t i) {
      return pack_b(w + i * cout_g * K, K, true, K, cout_g);
    })[size_t(gi)].get();
  }
  const WinogradWeights& winograd_w(const float* w, int64_t cout_g, int64_t cin_g, int64_t gi,
                                    bool swapped) const {
    auto make = [&](int64_t i) {
      return winograd_transform_weights(w + i * cout_g * cin_g * 9, cout_g, cin_g, swapped);
    };
    return swapped ? *packed(packs_->wino_t_once, packs_->wino_t, make)[size_t(gi)]
                   : *packed(packs_->wino_once, packs_->wino, make)[size_t(gi)];
  }

  void prepack(const Plan& p, const float* w) const {
    const int64_t cout_g = p.g.C_out / p.g.group, cin_g = p.g.C_in / p.g.group;
    if (cout_g == 0 || p.K == 0) return;
    if (p.path == Path::Winograd) {
      const WinogradGeom wg = winograd_geom(p);
      winograd_w(w, cout_g, cin_g, 0, winograd_swapped(wg));
    } else if (p.path == Path::Gemm1x1 || p.path == Path::Im2col) {
      if (p.swapped) packed_wt(w, cout_g, p.K, 0);
      else packed_w(w, cout_g, p.K, 0);
    }
  }

  void run_winograd(ExecContext& ctx, const Plan& p, const float* x, const float* w,
                    const float* bias, float* y) const {
    const WinogradGeom wg = winograd_geom(p);
    const int64_t in_sz = wg.H * wg.W, out_sz = wg.OH * wg.OW;
    const bool swapped = winograd_swapped(wg);
    for (int64_t n = 0; n < p.g.N; ++n)
      for (int64_t gi = 0; gi < group_; ++gi)
        f32_conv3x3_winograd(wg, winograd_w(w, wg.cout, wg.cin, gi, swapped),
                             x + (n * p.g.C_in + gi * wg.cin) * in_sz, bias ? bias + gi * wg.cout : nullptr,
                             act_, y + (n * p.g.C_out + gi * wg.cout) * out_sz,
                             static_cast<float*>(ctx.scratch), &ctx.pool);
  }

  void run_depthwise(ExecContext& ctx, const Plan& p, const float* x, const float* w,
                     const float* bias, float* y) const {
    const ConvGeom& g = p.g;
    const bool two_d = g.in.size() == 2;
    DwGeom d;
    d.H = two_d ? g.in[0] : 1;
    d.W = g.in.back();
    d.OH = two_d ? g.out[0] : 1;
    d.OW = g.out.back();
    d.KH = two_d ? g.kernel[0] : 1;
    d.KW = g.kernel.back();
    d.SH = two_d ? g.stride[0] : 1;
    d.SW = g.stride.back();
    d.DH = two_d ? g.dilation[0] : 1;
    d.DW = g.dilation.back();
    d.PT = two_d ? g.pad_begin[0] : 0;
    d.PL = g.pad_begin.back();
    const int64_t mult = g.C_out / g.group;
    const int64_t in_sz = d.H * d.W, out_sz = d.OH * d.OW, k_sz = d.KH * d.KW;
#if defined(LITEINFER_HAVE_AVX2)
    // 8 channels per vector (one input channel per output channel): every lane busy whatever
    // the row length or stride; measured 1.3x (112x112, 3x3) to 3x (7x7, strided) the per-plane
    // kernel, which stays for channel multipliers > 1 and planes too large for the block buffer.
    const CpuTier tier = cpu_tier();
    const bool c8 = mult == 1 && (tier == CpuTier::Avx2 || tier == CpuTier::Avx512) &&
                    dwconv2d_c8_scratch_floats(d) <= (size_t(1) << 20);
    if (c8) {
      const int64_t blocks = (g.C_out + 7) / 8;
      const int64_t grain8 = std::max<int64_t>(1, kPlaneGrain / std::max<int64_t>(1, 8 * out_sz * k_sz));
      ctx.pool.parallel_for(g.N * blocks, grain8, [&](int64_t b, int64_t e) {
        thread_local std::vector<float> scratch;
        if (scratch.size() < dwconv2d_c8_scratch_floats(d)) scratch.resize(dwconv2d_c8_scratch_floats(d));
        for (int64_t i = b; i < e; ++i) {
          const int64_t n = i / blocks, c0 = (i % blocks) * 8, nc = std::min<int64_t>(8, g.C_out - c0);
          f32_dwconv2d_c8__avx2(d, nc, x + (n * g.C_in + c0) * in_sz, w + c0 * k_sz, bias ? bias + c0 : nullptr,
                                y + (n * g.C_out + c0) * out_sz, act_, scratch.data());
        }
      });
      return;
    }
#endif
    const DwConv2dFn kernel = dwconv2d_kernel();
    const int64_t grain = std::max<int64_t>(1, kPlaneGrain / std::max<int64_t>(1, out_sz * k_sz));
    ctx.pool.parallel_for(g.N * g.C_out, grain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t n = i / g.C_out, oc = i % g.C_out, ic = oc / mult;
        kernel(d, x + (n * g.C_in + ic) * in_sz, w + oc * k_sz, bias ? bias[oc] : 0.f,
               y + i * out_sz, act_);
      }
    });
  }

  void run_gemm(ExecContext& ctx, const Plan& p, const float* x, const float* w, const float* bias,
                float* y) const {
    const ConvGeom& g = p.g;
    const int64_t cin_g = g.C_in / g.group, cout_g = g.C_out / g.group;
    int64_t in_sz = 1, cols = 1;
    for (int64_t v : g.in) in_sz *= v;
    for (int64_t v : g.out) cols *= v;
    const bool prepacked = w_const_;
    const Geom3 g3 = make_geom3(g.in, g.out, g.kernel, g.stride, g.dilation, g.pad_begin, {});
    const int64_t ksz = g3.k_size();
    float* col = static_cast<float*>(ctx.scratch);
    auto im2col = [&](const float* xg, int64_t c0, int64_t nc) {
      // Split over input channels (each writes its own rows of col).
      ctx.pool.parallel_for(cin_g, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, nc * ksz)),
                            [&](int64_t cb, int64_t ce) {
        f32_im2col(g3, ce - cb, xg + cb * in_sz, c0, nc, col + cb * ksz * nc, nc);
      });
    };
    for (int64_t n = 0; n < g.N; ++n)
      for (int64_t gi = 0; gi < g.group; ++gi) {
        const float* xg = x + (n * g.C_in + gi * cin_g) * in_sz;
        float* yg = y + (n * g.C_out + gi * cout_g) * cols;
        if (p.swapped) {
          // Y^T[cols, cout_g] = X^T[cols, K] W^T[K, cout_g]; the bias is then per column.
          const float* xt = xg;
          float* yt = col;
          if (p.path == Path::Im2col) {
            im2col(xg, 0, cols);
            xt = col;
            yt = col + p.K * cols;
          }
          GemmArgs a;
          a.M = cols;
          a.N = cout_g;
          a.K = p.K;
          a.A = xt;
          a.lda = cols;
          a.trans_a = true;
          if (prepacked) {
            a.packed_b = packed_wt(w, cout_g, p.K, gi);
          } else {
            a.B = w + gi * cout_g * p.K;
            a.ldb = p.K;
            a.trans_b = true;
          }
          a.bias = bias ? bias + gi * cout_g : nullptr;
          a.act = act_;
          a.C = yt;
          a.ldc = cout_g;
          sgemm(a, &ctx.pool);
          transpose_kernels().t2d[2](yt, cout_g, yg, cols, cols, cout_g);  // Y = (Y^T)^T
          continue;
        }
        GemmArgs a;
        a.M = cout_g;
        a.K = p.K;
        if (prepacked) {
          a.packed_a = packed_w(w, cout_g, p.K, gi);
        } else {
          a.A = w + gi * cout_g * p.K;
          a.lda = p.K;
        }
        a.bias = bias ? bias + gi * cout_g : nullptr;
        a.bias_per_row = true;
        a.act = act_;
        a.ldc = cols;
        if (p.path == Path::Gemm1x1) {
          a.N = cols;
          a.B = xg;
          a.ldb = cols;
          a.C = yg;
          sgemm(a, &ctx.pool);
          continue;
        }
        if (p.tiled) {
          ctx.pool.parallel_for((cols + p.block - 1) / p.block, 1, [&](int64_t b0, int64_t b1) {
            // Per worker thread: grows on its first block, then reused by every run.
            thread_local std::vector<float> tile;
            tile.resize(std::max(tile.size(), size_t(p.K * p.block)));
            for (int64_t b = b0; b < b1; ++b) {
              const int64_t c0 = b * p.block, nc = std::min(p.block, cols - c0);
              f32_im2col(g3, cin_g, xg, c0, nc, tile.data(), nc);
              GemmArgs t = a;
              t.N = nc;
              t.B = tile.data();
              t.ldb = nc;
              t.C = yg + c0;
              sgemm(t, nullptr);
            }
          });
          continue;
        }
        for (int64_t c0 = 0; c0 < cols; c0 += p.block) {
          const int64_t nc = std::min(p.block, cols - c0);
          im2col(xg, c0, nc);
          a.N = nc;
          a.B = col;
          a.ldb = nc;
          a.C = yg + c0;
          sgemm(a, &ctx.pool);
        }
      }
  }

  std::string desc_;
  int64_t group_ = 1;
  std::vector<int64_t> kernel_, strides_, dilations_, pads_;
  AutoPad auto_pad_ = AutoPad::NotSet;
  Activation act_;
  bool w_const_ = false;  // W is a constant: its packed forms are cached in packs_
  struct Packs {
    std::once_flag a_once, bt_once, wino_once, wino_t_once;
    std::vector<PackedMatrixPtr> a, bt;
    std::vector<WinogradWeightsPtr> wino, wino_t;
  };
  std::unique_ptr<Packs> packs_ = std::make_unique<Packs>();
};

std::unique_ptr<Op> make_conv(const OpBuildContext& b) { return std::make_unique<ConvOp>(b); }

}  // namespace

void register_conv_ops() {
  register_op("", "Conv", 1, kEltwiseMaxOpset, make_conv);
  register_op(kFusedDomain, "Conv", 1, 1, make_conv);
  register_conv_transpose_ops();
  register_pooling_ops();
  register_batch_norm_ops();
}

}  // namespace li
