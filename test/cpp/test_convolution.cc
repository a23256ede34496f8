// Conv, ConvTranspose, pools and BatchNormalization against naive loops written here (independent
// of the kernels' own references) and hand-computed values.
// Tolerance for every float comparison: rtol 1e-4, atol 1e-5.
#include <cmath>
#include <cstring>
#include <string>

#include "kernels/conv_kernels.h"
#include "kernels/winograd.h"
#include "op_runner.h"
#include "testing.h"

using li::Shape;
using li::Tensor;
using testing::attr_float;
using testing::attr_int;
using testing::attr_ints;
using testing::attr_string;

namespace {

constexpr double kRtol = 1e-4, kAtol = 1e-5;

struct ConvCase {
  Shape x, w;  // x [N, C, spatial...], w [Cout, C/group, k...]
  int64_t group = 1;
  std::vector<int64_t> strides, dilations, pads;  // empty = default
  std::string auto_pad = "NOTSET";
  bool bias = false;
  li::Activation act;  // fused (domain liteinfer) when not None
  bool const_w = true;
};

// A small deterministic generator for picking cases from the grid.
struct Rng {
  uint32_t s;
  uint32_t next() { s = s * 1664525u + 1013904223u; return s >> 8; }
  template <class T> T pick(const std::vector<T>& v) { return v[next() % v.size()]; }
};

// Pads and output dims of one spatial dim, straight from the ONNX Conv spec text.
void spec_dim(const ConvCase& c, size_t d, int64_t in, int64_t k, int64_t* out, int64_t* pb) {
  const size_t r = c.x.size() - 2;
  int64_t s = c.strides.empty() ? 1 : c.strides[d], dl = c.dilations.empty() ? 1 : c.dilations[d];
  int64_t ek = (k - 1) * dl + 1;
  if (c.auto_pad == "SAME_UPPER" || c.auto_pad == "SAME_LOWER") {
    *out = (in + s - 1) / s;
    int64_t total = std::max<int64_t>(0, (*out - 1) * s + ek - in);
    *pb = c.auto_pad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
  } else if (c.auto_pad == "VALID") {
    *pb = 0;
    *out = in - ek < 0 ? 0 : (in - ek) / s + 1;
  } else {
    *pb = c.pads.empty() ? 0 : c.pads[d];
    int64_t pe = c.pads.empty() ? 0 : c.pads[d + r];
    *out = in + *pb + pe - ek < 0 ? 0 : (in + *pb + pe - ek) / s + 1;
  }
}

// Naive direct convolution over 1-3 spatial dims (embedded in 3-D), double accumulation.
std::vector<float> naive_conv(const ConvCase& c, const std::vector<float>& x,
                              const std::vector<float>& w, const std::vector<float>& b,
                              Shape* out_shape) {
  const size_t r = c.x.size() - 2;
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, o[3] = {1, 1, 1}, s[3] = {1, 1, 1}, dl[3] = {1, 1, 1},
          pb[3] = {0, 0, 0};
  for (size_t d = 0; d < r; ++d) {
    size_t e = 3 - r + d;
    in[e] = c.x[2 + d];
    k[e] = c.w[2 + d];
    s[e] = c.strides.empty() ? 1 : c.strides[d];
    dl[e] = c.dilations.empty() ? 1 : c.dilations[d];
    spec_dim(c, d, in[e], k[e], &o[e], &pb[e]);
  }
  const int64_t N = c.x[0], C = c.x[1], M = c.w[0], cg = C / c.group, mg = M / c.group;
  *out_shape = {N, M};
  for (size_t d = 0; d < r; ++d) out_shape->push_back(o[3 - r + d]);
  std::vector<float> y(size_t(N * M * o[0] * o[1] * o[2]));
  size_t idx = 0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t a = 0; a < o[0]; ++a)
        for (int64_t bb = 0; bb < o[1]; ++bb)
          for (int64_t cc = 0; cc < o[2]; ++cc) {
            double acc = b.empty() ? 0.0 : b[size_t(m)];
            for (int64_t ic = 0; ic < cg; ++ic)
              for (int64_t i = 0; i < k[0]; ++i)
                for (int64_t j = 0; j < k[1]; ++j)
                  for (int64_t l = 0; l < k[2]; ++l) {
                    int64_t p0 = a * s[0] - pb[0] + i * dl[0], p1 = bb * s[1] - pb[1] + j * dl[1],
                            p2 = cc * s[2] - pb[2] + l * dl[2];
                    if (p0 < 0 || p0 >= in[0] || p1 < 0 || p1 >= in[1] || p2 < 0 || p2 >= in[2]) continue;
                    int64_t ch = (m / mg) * cg + ic;
                    acc += double(x[size_t((((n * C + ch) * in[0] + p0) * in[1] + p1) * in[2] + p2)]) *
                           w[size_t((((m * cg + ic) * k[0] + i) * k[1] + j) * k[2] + l)];
                  }
            y[idx++] = c.act.apply(float(acc));
          }
  return y;
}

// Runs Conv through the registry and compares with naive_conv; returns false on a mismatch.
bool check_conv(const ConvCase& c, uint32_t seed, const char* what) {
  Tensor x = testing::tensor_random(c.x, seed);
  Tensor w = testing::tensor_random(c.w, seed + 1);
  Tensor b = testing::tensor_random({c.w[0]}, seed + 2);
  testing::OpCall call;
  call.op_type = "Conv";
  call.opset = 11;
  if (!c.act.none()) {
    call.domain = "liteinfer";
    call.opset = 1;
    const char* name = c.act.kind == li::Activation::Relu ? "Relu" : "Clip";
    call.attrs["activation"] = attr_string(name);
    if (c.act.kind == li::Activation::Clip) {
      call.attrs["activation_alpha"] = attr_float(c.act.alpha);
      call.attrs["activation_beta"] = attr_float(c.act.beta);
    }
  }
  call.inputs = {x, w};
  call.const_inputs = {false, c.const_w, true};
  if (c.bias) call.inputs.push_back(b);
  call.attrs["group"] = attr_int(c.group);
  if (!c.strides.empty()) call.attrs["strides"] = attr_ints(c.strides);
  if (!c.dilations.empty()) call.attrs["dilations"] = attr_ints(c.dilations);
  if (!c.pads.empty()) call.attrs["pads"] = attr_ints(c.pads);
  if (c.auto_pad != "NOTSET") call.attrs["auto_pad"] = attr_string(c.auto_pad);
  std::vector<float> xv(x.ptr<float>(), x.ptr<float>() + x.numel());
  std::vector<float> wv(w.ptr<float>(), w.ptr<float>() + w.numel());
  std::vector<float> bv;
  if (c.bias) bv.assign(b.ptr<float>(), b.ptr<float>() + b.numel());
  Shape want_shape;
  std::vector<float> want = naive_conv(c, xv, wv, bv, &want_shape);
  std::vector<Tensor> got = testing::run_op(call);
  // The absolute tolerance scales with the output's range: Winograd's transforms round at the
  // tile's range, so its errors (~1e-5 of the largest output) do not shrink for outputs near 0.
  // (The range before the activation: a Clip to [-0.5, 0.5] keeps the error of the sum.)
  ConvCase linear = c;
  linear.act = li::Activation{};
  Shape unused;
  double scale = 0;
  for (float v : naive_conv(linear, xv, wv, bv, &unused)) scale = std::max(scale, double(std::fabs(v)));
  const double atol = kAtol + 2e-5 * scale;
  bool ok = got[0].shape == want_shape &&
            testing::max_violation(got[0].ptr<float>(), want.data(), want.size(), kRtol, atol) <= 1.0;
  if (!ok) {
    std::ostringstream os;
    os << what << ": x " << li::shape_str(c.x) << " w " << li::shape_str(c.w) << " group " << c.group
       << " strides " << li::shape_str(c.strides) << " dil " << li::shape_str(c.dilations) << " pads "
       << li::shape_str(c.pads) << " auto_pad " << c.auto_pad << " bias " << c.bias << " act "
       << int(c.act.kind) << " got " << li::shape_str(got[0].shape) << " want "
       << li::shape_str(want_shape) << " worst violation "
       << (got[0].shape == want_shape ? testing::max_violation(got[0].ptr<float>(), want.data(), want.size(), kRtol, atol) : -1.0);
    testing::record_failure(__FILE__, __LINE__, os.str());
  }
  return ok;
}

}  // namespace

TEST(conv_pinned_3x3) {
  // 1x1x3x3 input 1..9, 3x3 kernel of ones, pad 1: each output sums its 3x3 neighbourhood.
  testing::OpCall call;
  call.op_type = "Conv";
  call.inputs = {testing::tensor_f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}),
                 testing::tensor_f32({1, 1, 3, 3}, std::vector<float>(9, 1.f))};
  call.const_inputs = {false, true};
  call.attrs["pads"] = attr_ints({1, 1, 1, 1});
  auto y = testing::run_op(call);
  std::vector<float> want = {12, 21, 16, 27, 45, 33, 24, 39, 28};
  CHECK_EQ(li::shape_str(y[0].shape), std::string("[1,1,3,3]"));
  CHECK_NEAR_ARRAYS(y[0].ptr<float>(), want.data(), 9, kRtol, kAtol);
}

TEST(conv_paths_basic) {
  ConvCase c;
  // 1x1 GEMM path.
  c.x = {2, 8, 5, 7}; c.w = {13, 8, 1, 1}; c.bias = true;
  check_conv(c, 1, "1x1");
  // im2col path.
  c = ConvCase{}; c.x = {1, 3, 13, 13}; c.w = {8, 3, 3, 3}; c.pads = {1, 1, 1, 1};
  check_conv(c, 2, "im2col");
  // depthwise.
  c = ConvCase{}; c.x = {1, 8, 17, 17}; c.w = {8, 1, 3, 3}; c.group = 8; c.pads = {1, 1, 1, 1};
  check_conv(c, 3, "depthwise");
}

// The grid: H/W in {1,5,7,13,17}, C in {1,3,8,13,16}, kernels 1/3/5/7, strides 1/2,
// dilations 1/2, symmetric/asymmetric pads, every auto_pad, groups 1/2/depthwise/depthwise x2,
// with and without bias, none/Relu/Clip. Cases whose output would be empty are skipped.
enum class GroupMode { One, Two, Depthwise, Depthwise2 };

bool make_case(Rng& rng, GroupMode gm, bool force_1x1, ConvCase* c) {
  const std::vector<int64_t> hw = {1, 5, 7, 13, 17}, cs = {1, 3, 8, 13, 16}, ks = {1, 3, 5, 7};
  int64_t C = rng.pick(cs), H = rng.pick(hw), W = rng.pick(hw);
  int64_t kh = force_1x1 ? 1 : rng.pick(ks), kw = force_1x1 ? 1 : (rng.next() % 3 ? kh : rng.pick(ks));
  *c = ConvCase{};
  int64_t M = rng.pick(cs);
  switch (gm) {
    case GroupMode::One: c->group = 1; break;
    case GroupMode::Two: c->group = 2; C += C % 2; M += M % 2; break;
    case GroupMode::Depthwise: c->group = C; M = C; break;
    case GroupMode::Depthwise2: c->group = C; M = 2 * C; break;
  }
  c->x = {1 + int64_t(rng.next() % 2), C, H, W};
  c->w = {M, C / c->group, kh, kw};
  if (!force_1x1) {
    c->strides = {rng.pick<int64_t>({1, 2}), rng.pick<int64_t>({1, 2})};
    c->dilations = {rng.pick<int64_t>({1, 2}), rng.pick<int64_t>({1, 2})};
    switch (rng.next() % 6) {
      case 0: break;
      case 1: { int64_t p = kh / 2; c->pads = {p, kw / 2, p, kw / 2}; break; }
      case 2: c->pads = {int64_t(rng.next() % 3), int64_t(rng.next() % 2), int64_t(rng.next() % 2),
                         int64_t(rng.next() % 3)}; break;
      case 3: c->auto_pad = "SAME_UPPER"; break;
      case 4: c->auto_pad = "SAME_LOWER"; break;
      case 5: c->auto_pad = "VALID"; break;
    }
  }
  c->bias = rng.next() % 2;
  switch (rng.next() % 3) {
    case 0: break;
    case 1: c->act.kind = li::Activation::Relu; break;
    case 2: c->act.kind = li::Activation::Clip; c->act.alpha = -0.5f; c->act.beta = 0.75f; break;
  }
  // Skip empty outputs.
  for (size_t d = 0; d < 2; ++d) {
    int64_t out, pb;
    spec_dim(*c, d, c->x[2 + d], c->w[2 + d], &out, &pb);
    if (out < 1) return false;
  }
  return true;
}

void sweep(GroupMode gm, bool force_1x1, int cases, uint32_t seed, const char* what) {
  Rng rng{seed};
  int run = 0, failed = 0;
  for (int t = 0; run < cases && t < cases * 4; ++t) {
    ConvCase c;
    if (!make_case(rng, gm, force_1x1, &c)) continue;
    c.const_w = rng.next() % 4 != 0;  // sometimes W arrives at run time (packed per run)
    if (!check_conv(c, seed + uint32_t(t) * 7, what) && ++failed > 5) return;
    ++run;
  }
  CHECK(run >= cases / 2);
}

TEST(conv_grid_group1) { sweep(GroupMode::One, false, 250, 11, "group1"); }
TEST(conv_grid_group2) { sweep(GroupMode::Two, false, 150, 12, "group2"); }
TEST(conv_grid_depthwise) { sweep(GroupMode::Depthwise, false, 250, 13, "depthwise"); }
TEST(conv_grid_depthwise_x2) { sweep(GroupMode::Depthwise2, false, 150, 14, "depthwise x2"); }
TEST(conv_grid_1x1) {
  sweep(GroupMode::One, true, 80, 15, "1x1");
  sweep(GroupMode::Two, true, 40, 16, "1x1 group2");
}

TEST(conv_1d_3d_4d) {
  ConvCase c;
  c.x = {2, 3, 17}; c.w = {5, 3, 3}; c.pads = {1, 2}; c.bias = true; c.strides = {2};
  check_conv(c, 21, "1-D");
  c = ConvCase{}; c.x = {1, 4, 13}; c.w = {4, 1, 5}; c.group = 4; c.dilations = {2};
  c.auto_pad = "SAME_UPPER";
  check_conv(c, 22, "1-D depthwise");
  c = ConvCase{}; c.x = {1, 3, 5, 7, 6}; c.w = {4, 3, 3, 3, 2}; c.pads = {1, 0, 1, 1, 2, 0};
  c.bias = true; c.act.kind = li::Activation::Relu;
  check_conv(c, 23, "3-D");
  c = ConvCase{}; c.x = {1, 4, 7, 5, 5}; c.w = {8, 2, 3, 1, 3}; c.group = 2; c.strides = {2, 1, 2};
  c.auto_pad = "SAME_LOWER";
  check_conv(c, 24, "3-D group2");
  c = ConvCase{}; c.x = {1, 2, 5, 5, 5}; c.w = {2, 1, 3, 3, 3}; c.group = 2;  // 3-D depthwise: im2col
  check_conv(c, 25, "3-D depthwise");
}

TEST(conv_im2col_blocked) {
  // K = 64*9 = 576 rows; 48x48 = 2304 columns exceed the 4 MiB scratch block, so the columns are
  // processed in several blocks (and the last one is partial).
  ConvCase c;
  c.x = {1, 64, 48, 48}; c.w = {8, 64, 3, 3}; c.pads = {1, 1, 1, 1}; c.bias = true;
  check_conv(c, 31, "blocked");
}

TEST(conv_small_maps_swapped) {
  // Few output columns against many channels: the GEMM paths compute Y^T = X^T W^T and
  // transpose (constant weights packed transposed on first use, or read in place).
  for (bool const_w : {true, false}) {
    ConvCase c;
    c.const_w = const_w;
    c.x = {2, 64, 2, 2}; c.w = {128, 64, 3, 3}; c.pads = {1, 1, 1, 1}; c.bias = true;
    check_conv(c, 41, "3x3 on 2x2");
    c.act.kind = li::Activation::Clip; c.act.alpha = 0.f; c.act.beta = 0.5f;
    check_conv(c, 42, "3x3 on 2x2, fused clip");
    c = ConvCase{}; c.const_w = const_w;
    c.x = {1, 40, 5, 5}; c.w = {96, 40, 3, 3}; c.strides = {2, 2}; c.bias = true;
    check_conv(c, 43, "3x3 stride 2 to 2x2");
    c = ConvCase{}; c.const_w = const_w;
    c.x = {3, 96, 3, 1}; c.w = {160, 96, 1, 1}; c.bias = true; c.act.kind = li::Activation::Relu;
    check_conv(c, 44, "1x1 on 3x1");
    c = ConvCase{}; c.const_w = const_w;
    c.x = {1, 32, 2, 3}; c.w = {34, 16, 3, 3}; c.group = 2; c.pads = {1, 1, 1, 1};
    check_conv(c, 45, "grouped on 2x3");
  }
}

TEST(conv_winograd_shapes) {
  // 3x3 stride 1 with >= 32 channels and >= 16 output tiles takes Winograd F(4x4, 3x3): sizes that
  // leave partial tiles, every padding, groups, batches, fused activations, and maps large
  // enough to be processed in several blocks of tile rows.
  struct W { Shape x, w; std::vector<int64_t> pads; int64_t group; bool bias; li::Activation::Kind act; };
  const W cases[] = {
      {{1, 32, 8, 8}, {32, 32, 3, 3}, {1, 1, 1, 1}, 1, true, li::Activation::None},
      {{2, 33, 13, 17}, {35, 33, 3, 3}, {1, 1, 1, 1}, 1, true, li::Activation::Relu},
      {{1, 40, 11, 10}, {32, 40, 3, 3}, {}, 1, false, li::Activation::None},
      {{1, 32, 9, 14}, {32, 32, 3, 3}, {2, 0, 1, 2}, 1, true, li::Activation::Clip},
      {{1, 64, 10, 10}, {64, 32, 3, 3}, {1, 1, 1, 1}, 2, true, li::Activation::None},
      {{1, 48, 60, 75}, {40, 48, 3, 3}, {1, 1, 1, 1}, 1, true, li::Activation::Relu},
      {{1, 32, 64, 3}, {32, 32, 3, 3}, {1, 1, 1, 1}, 1, true, li::Activation::None},  // 1 tile wide
  };
  uint32_t seed = 61;
  for (const W& w : cases) {
    ConvCase c;
    c.x = w.x; c.w = w.w; c.pads = w.pads; c.group = w.group; c.bias = w.bias;
    c.act.kind = w.act;
    if (w.act == li::Activation::Clip) { c.act.alpha = -0.5f; c.act.beta = 0.5f; }
    check_conv(c, seed++, "winograd");
  }
}

TEST(winograd_kernel_vs_reference) {
  // The kernel directly, on geometries the op does not send it (few tiles) as well: blocks with
  // fewer tiles than the GEMM tile is wide run the 36 GEMMs swapped.
  struct G { int64_t cin, cout, H, W, pad; };
  const G cases[] = {{32, 48, 7, 7, 1}, {16, 16, 8, 8, 0}, {24, 40, 6, 9, 1}, {8, 20, 3, 5, 1},
                     {32, 32, 13, 11, 1}, {40, 24, 17, 30, 2}};
  uint32_t seed = 71;
  for (const G& c : cases) {
    const int64_t OH = c.H + 2 * c.pad - 2, OW = c.W + 2 * c.pad - 2;
    li::WinogradGeom g{c.cin, c.cout, c.H, c.W, OH, OW, c.pad, c.pad};
    auto x = testing::random_floats(size_t(c.cin * c.H * c.W), seed++);
    auto w = testing::random_floats(size_t(c.cout * c.cin * 9), seed++);
    auto b = testing::random_floats(size_t(c.cout), seed++);
    auto u = li::winograd_transform_weights(w.data(), c.cout, c.cin, li::winograd_swapped(g));
    std::vector<float> scratch(size_t(li::winograd_scratch_floats(g))), y(size_t(c.cout * OH * OW));
    li::ThreadPool pool(2);
    li::Activation relu;
    relu.kind = li::Activation::Relu;
    li::f32_conv3x3_winograd(g, *u, x.data(), b.data(), relu, y.data(), scratch.data(), &pool);
    li::ConvGeom cg;
    cg.C_in = c.cin; cg.C_out = c.cout; cg.in = {c.H, c.W}; cg.out = {OH, OW}; cg.kernel = {3, 3};
    cg.stride = {1, 1}; cg.dilation = {1, 1}; cg.pad_begin = {c.pad, c.pad};
    std::vector<float> want(y.size()), linear(y.size());
    li::f32_conv__ref(cg, x.data(), w.data(), b.data(), want.data(), relu);
    li::f32_conv__ref(cg, x.data(), w.data(), b.data(), linear.data(), li::Activation{});
    double scale = 0;
    for (float v : linear) scale = std::max(scale, double(std::fabs(v)));
    const double worst = testing::max_violation(y.data(), want.data(), want.size(), kRtol, kAtol + 2e-5 * scale);
    if (worst > 1.0) {
      std::ostringstream os;
      os << "winograd kernel: cin " << c.cin << " cout " << c.cout << " " << c.H << "x" << c.W
         << " pad " << c.pad << " swapped " << li::winograd_swapped(g) << " worst violation " << worst;
      testing::record_failure(__FILE__, __LINE__, os.str());
    }
  }
}

TEST(conv_im2col_huge_window) {
  // Dilation 600: the input window one output row block reads (1210 x 1210) is too large to
  // copy zero-padded, so im2col gathers with bounds checks instead.
  ConvCase c;
  c.x = {1, 2, 1210, 1210}; c.w = {3, 2, 3, 3}; c.dilations = {600, 600}; c.bias = true;
  check_conv(c, 51, "dilation 600");
}

// ---- Depthwise kernels, each tier directly (the op uses the tier cpu_tier() picks; run the
// binary with LITEINFER_CPU=generic to take the reference through the op as well).

namespace {

std::vector<float> naive_dw(const li::DwGeom& g, const float* x, const float* w, float bias,
                            const li::Activation& act) {
  std::vector<float> y(size_t(g.OH * g.OW));
  for (int64_t oh = 0; oh < g.OH; ++oh)
    for (int64_t ow = 0; ow < g.OW; ++ow) {
      double acc = bias;
      for (int64_t kh = 0; kh < g.KH; ++kh)
        for (int64_t kw = 0; kw < g.KW; ++kw) {
          int64_t ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
          if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) acc += double(x[ih * g.W + iw]) * w[kh * g.KW + kw];
        }
      y[size_t(oh * g.OW + ow)] = act.apply(float(acc));
    }
  return y;
}

void dw_tier_sweep(li::CpuTier tier, const char* name) {
  li::DwConv2dFn fn = li::dwconv2d_kernel_for(tier);
  Rng rng{77};
  const std::vector<int64_t> sizes = {1, 5, 7, 8, 9, 13, 17, 33, 64};
  const li::Activation::Kind kinds[] = {li::Activation::None, li::Activation::Relu,
                                        li::Activation::Clip, li::Activation::LeakyRelu,
                                        li::Activation::HardSwish};
  int failed = 0;
  for (int t = 0; t < 1500 && failed < 5; ++t) {
    li::DwGeom g;
    g.H = rng.pick(sizes);
    g.W = rng.pick(sizes);
    g.KH = rng.pick<int64_t>({1, 3, 3, 5, 7});
    g.KW = rng.next() % 3 ? g.KH : rng.pick<int64_t>({1, 3, 5, 7});
    g.SH = rng.pick<int64_t>({1, 2, 3});
    g.SW = rng.pick<int64_t>({1, 1, 2, 2, 3});
    g.DH = rng.pick<int64_t>({1, 1, 2});
    g.DW = rng.pick<int64_t>({1, 1, 2});
    g.PT = rng.next() % 4;
    g.PL = rng.next() % 4;
    int64_t pb = rng.next() % 4, pr = rng.next() % 4;
    int64_t sh = g.H + g.PT + pb - ((g.KH - 1) * g.DH + 1), sw = g.W + g.PL + pr - ((g.KW - 1) * g.DW + 1);
    if (sh < 0 || sw < 0) continue;
    g.OH = sh / g.SH + 1;
    g.OW = sw / g.SW + 1;
    li::Activation act;
    act.kind = kinds[rng.next() % 5];
    act.alpha = act.kind == li::Activation::Clip ? -0.3f : 0.1f;
    act.beta = 0.4f;
    auto x = testing::random_floats(size_t(g.H * g.W), uint32_t(t));
    auto w = testing::random_floats(size_t(g.KH * g.KW), uint32_t(t) + 9);
    float bias = rng.next() % 2 ? 0.25f : 0.f;
    std::vector<float> y(size_t(g.OH * g.OW), -99.f);
    fn(g, x.data(), w.data(), bias, y.data(), act);
    auto want = naive_dw(g, x.data(), w.data(), bias, act);
    if (testing::max_violation(y.data(), want.data(), want.size(), kRtol, kAtol) > 1.0) {
      ++failed;
      std::ostringstream os;
      os << name << " depthwise mismatch: H " << g.H << " W " << g.W << " K " << g.KH << "x" << g.KW
         << " S " << g.SH << "," << g.SW << " D " << g.DH << "," << g.DW << " P " << g.PT << ","
         << g.PL << " out " << g.OH << "x" << g.OW << " act " << int(act.kind);
      testing::record_failure(__FILE__, __LINE__, os.str());
    }
  }
  // Planes over a million padded floats skip the padded copy (kernels may take another path).
  const li::DwGeom big[] = {{1100, 1030, 1100, 1030, 3, 3, 1, 1, 1, 1, 1, 1},
                            {1501, 1400, 751, 700, 3, 3, 2, 2, 1, 1, 1, 1},
                            {1030, 1029, 342, 341, 5, 5, 3, 3, 1, 2, 2, 0}};
  for (const li::DwGeom& g : big) {
    auto x = testing::random_floats(size_t(g.H * g.W), 5);
    auto w = testing::random_floats(size_t(g.KH * g.KW), 6);
    std::vector<float> y(size_t(g.OH * g.OW), -99.f);
    li::Activation relu;
    relu.kind = li::Activation::Relu;
    fn(g, x.data(), w.data(), 0.5f, y.data(), relu);
    auto want = naive_dw(g, x.data(), w.data(), 0.5f, relu);
    if (testing::max_violation(y.data(), want.data(), want.size(), kRtol, kAtol) > 1.0) {
      std::ostringstream os;
      os << name << " depthwise mismatch on a big plane " << g.H << "x" << g.W << " stride " << g.SW;
      testing::record_failure(__FILE__, __LINE__, os.str());
    }
  }
}

}  // namespace

TEST(conv_depthwise_kernel_generic) { dw_tier_sweep(li::CpuTier::Generic, "generic"); }
TEST(conv_depthwise_kernel_avx2) {
  if (!testing::host_has("avx2")) return;  // skipped: the host lacks AVX2
  CHECK(li::dwconv2d_kernel_for(li::CpuTier::Avx2) != li::dwconv2d_kernel_for(li::CpuTier::Generic));
  dw_tier_sweep(li::CpuTier::Avx2, "avx2");
}

TEST(conv_depthwise_kernel_neon) {
  if (!testing::host_has("neon")) return;  // skipped: no NEON kernels on this host or build
  CHECK(li::dwconv2d_kernel_for(li::CpuTier::Neon) != li::dwconv2d_kernel_for(li::CpuTier::Generic));
  dw_tier_sweep(li::CpuTier::Neon, "neon");
}

// A channel-block depthwise kernel (nc <= width channels, interleaved) against the reference,
// channel by channel: every channel count of a block, odd sizes, strides, dilations, pads and
// activations.
namespace {

using DwBlockFn = void (*)(const li::DwGeom&, int64_t, const float*, const float*, const float*, float*,
                           const li::Activation&, float*);
void dw_block_sweep(DwBlockFn kernel, int64_t width, size_t (*scratch_floats)(const li::DwGeom&), uint32_t seed,
                    const char* name) {
  Rng rng{seed};
  const std::vector<int64_t> sizes = {1, 2, 5, 7, 8, 9, 13, 14, 17, 28, 33};
  const li::Activation::Kind kinds[] = {li::Activation::None, li::Activation::Relu, li::Activation::Clip,
                                        li::Activation::HardSwish, li::Activation::Sigmoid};
  int failed = 0;
  for (int t = 0; t < 1200 && failed < 5; ++t) {
    li::DwGeom g;
    g.H = rng.pick(sizes);
    g.W = rng.pick(sizes);
    g.KH = rng.pick<int64_t>({1, 3, 3, 3, 5, 7});
    g.KW = rng.next() % 3 ? g.KH : rng.pick<int64_t>({1, 3, 5});
    g.SH = rng.pick<int64_t>({1, 2, 2, 3});
    g.SW = rng.next() % 4 ? g.SH : rng.pick<int64_t>({1, 2, 3});
    g.DH = rng.pick<int64_t>({1, 1, 1, 2});
    g.DW = rng.pick<int64_t>({1, 1, 1, 2});
    g.PT = rng.next() % 4;
    g.PL = rng.next() % 4;
    int64_t pb = rng.next() % 4, pr = rng.next() % 4;
    int64_t sh = g.H + g.PT + pb - ((g.KH - 1) * g.DH + 1), sw = g.W + g.PL + pr - ((g.KW - 1) * g.DW + 1);
    if (sh < 0 || sw < 0) continue;
    g.OH = sh / g.SH + 1;
    g.OW = sw / g.SW + 1;
    const int64_t nc = 1 + int64_t(rng.next() % uint32_t(width));
    li::Activation act;
    act.kind = kinds[rng.next() % 5];
    act.alpha = act.kind == li::Activation::Clip ? -0.3f : 0.1f;
    act.beta = 0.4f;
    const int64_t in = g.H * g.W, out = g.OH * g.OW, k = g.KH * g.KW;
    auto x = testing::random_floats(size_t(nc * in), uint32_t(t));
    auto w = testing::random_floats(size_t(nc * k), uint32_t(t) + 9);
    auto b = testing::random_floats(size_t(nc), uint32_t(t) + 17);
    const bool with_bias = rng.next() % 2;
    std::vector<float> y(size_t(nc * out), -99.f), scratch(scratch_floats(g));
    kernel(g, nc, x.data(), w.data(), with_bias ? b.data() : nullptr, y.data(), act, scratch.data());
    for (int64_t c = 0; c < nc; ++c) {
      auto want = naive_dw(g, x.data() + c * in, w.data() + c * k, with_bias ? b[size_t(c)] : 0.f, act);
      if (testing::max_violation(y.data() + c * out, want.data(), want.size(), kRtol, kAtol) > 1.0) {
        ++failed;
        std::ostringstream os;
        os << name << " depthwise mismatch: channel " << c << " of " << nc << " H " << g.H << " W " << g.W
           << " K " << g.KH << "x" << g.KW << " S " << g.SH << "," << g.SW << " D " << g.DH << "," << g.DW
           << " P " << g.PT << "," << g.PL << " out " << g.OH << "x" << g.OW << " act " << int(act.kind);
        testing::record_failure(__FILE__, __LINE__, os.str());
        break;
      }
    }
  }
}

}  // namespace

// The 8-channel interleaved kernel: the AVX2 one on x86-64 and the NEON one on aarch64
// (simd_tier()).
TEST(conv_depthwise_c8_kernel_simd) {
  const li::DwConv2dC8Fn c8 = li::dwconv2d_c8_kernel_for(testing::simd_tier());
  CHECK(li::dwconv2d_c8_kernel_for(li::CpuTier::Generic) == nullptr);
  if (!c8) return;  // skipped: no SIMD tier on this host
  dw_block_sweep(c8, 8, li::dwconv2d_c8_scratch_floats, 91, "c8");
}

// The 16-channel AVX-512 kernel, the same sweep with 1..16 channels.
TEST(conv_depthwise_c16_kernel_avx512) {
#if defined(LITEINFER_HAVE_AVX2)
  if (!testing::host_has("avx512")) return;  // skipped: the host lacks AVX-512
  dw_block_sweep(li::f32_dwconv2d_c16__avx512, 16, li::dwconv2d_c16_scratch_floats, 92, "c16");
#endif
}

TEST(conv_validation) {
  auto call_with = [](Shape xs, Shape ws, std::map<std::string, li::Attribute> attrs) {
    testing::OpCall call;
    call.op_type = "Conv";
    call.inputs = {testing::tensor_random(xs, 1), testing::tensor_random(ws, 2)};
    call.const_inputs = {false, true};
    call.attrs = attrs;
    return testing::run_op(call);
  };
  CHECK_THROWS(call_with({1, 4, 5, 5}, {2, 3, 3, 3}, {}), "C_in (4) must equal W.shape[1] * group (3 * 1)");
  CHECK_THROWS(call_with({1, 4, 5, 5}, {3, 2, 3, 3}, {{"group", attr_int(2)}}),
               "C_out (3) must be divisible by group (2)");
  CHECK_THROWS(call_with({1, 4, 5, 5}, {2, 4, 3, 3}, {{"pads", attr_ints({1, 1})}}),
               "pads must have 4 values, got 2");
  CHECK_THROWS(call_with({1, 4, 5, 5}, {2, 4, 3, 3}, {{"strides", attr_ints({1})}}),
               "strides must have 2 values, got 1");
  CHECK_THROWS(call_with({1, 4, 5, 5}, {2, 4, 3, 3}, {{"kernel_shape", attr_ints({3, 2})}}),
               "does not match W's spatial dims");
  CHECK_THROWS(call_with({1, 4, 2, 5}, {2, 4, 3, 3}, {}), "output spatial dim 0 would be 0");
  CHECK_THROWS(call_with({4, 5, 5}, {2, 4, 3}, {}), "Conv node 'test_Conv'");
  CHECK_THROWS(call_with({1, 4, 5}, {2, 4, 3, 3}, {}), "W must have the rank of X");
  CHECK_THROWS(call_with({1, 4, 5, 5}, {2, 4, 3, 3}, {{"auto_pad", attr_string("SAME")}}),
               "auto_pad must be");
}

// ---- Pools: hand-computed values.

namespace {

std::vector<Tensor> run_pool(const std::string& op, Tensor x, std::map<std::string, li::Attribute> attrs,
                             int outputs = 1) {
  testing::OpCall call;
  call.op_type = op;
  call.inputs = {x};
  call.attrs = attrs;
  call.num_outputs = outputs;
  return testing::run_op(call);
}

std::vector<float> iota_f(int n, float start = 0.f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[size_t(i)] = start + float(i);
  return v;
}

void check_values(const Tensor& t, const std::string& shape, const std::vector<float>& want) {
  CHECK_EQ(li::shape_str(t.shape), shape);
  if (t.numel() != int64_t(want.size())) return;
  CHECK_NEAR_ARRAYS(t.ptr<float>(), want.data(), want.size(), kRtol, kAtol);
}

void check_indices(const Tensor& t, const std::vector<int64_t>& want) {
  CHECK_EQ(t.numel(), int64_t(want.size()));
  for (size_t i = 0; i < want.size() && int64_t(i) < t.numel(); ++i) CHECK_EQ(t.ptr<int64_t>()[i], want[i]);
}

}  // namespace

TEST(pool_maxpool_values) {
  // Two 4x4 planes 0..31, k2 s2: the max is each window's bottom-right.
  auto y = run_pool("MaxPool", testing::tensor_f32({1, 2, 4, 4}, iota_f(32)),
                    {{"kernel_shape", attr_ints({2, 2})}, {"strides", attr_ints({2, 2})}}, 2);
  check_values(y[0], "[1,2,2,2]", {5, 7, 13, 15, 21, 23, 29, 31});
  check_indices(y[1], {5, 7, 13, 15, 21, 23, 29, 31});
  // storage_order 1: (h, w) -> h + w*H within the plane.
  y = run_pool("MaxPool", testing::tensor_f32({1, 2, 4, 4}, iota_f(32)),
               {{"kernel_shape", attr_ints({2, 2})}, {"strides", attr_ints({2, 2})},
                {"storage_order", attr_int(1)}}, 2);
  check_indices(y[1], {5, 13, 7, 15, 21, 29, 23, 31});
  // ceil_mode: 5x5 -> 3x3 (the last row/column windows are partial); floor -> 2x2.
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 5, 5}, iota_f(25)),
               {{"kernel_shape", attr_ints({2, 2})}, {"strides", attr_ints({2, 2})}, {"ceil_mode", attr_int(1)}});
  check_values(y[0], "[1,1,3,3]", {6, 8, 9, 16, 18, 19, 21, 23, 24});
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 5, 5}, iota_f(25)),
               {{"kernel_shape", attr_ints({2, 2})}, {"strides", attr_ints({2, 2})}});
  check_values(y[0], "[1,1,2,2]", {6, 8, 16, 18});
  // ceil_mode never starts a window in the end padding: in 2, k2, s3, pads (0,1) -> 1 output.
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 2}, {1, 2}),
               {{"kernel_shape", attr_ints({2})}, {"strides", attr_ints({3})}, {"pads", attr_ints({0, 1})},
                {"ceil_mode", attr_int(1)}});
  check_values(y[0], "[1,1,1]", {2});
  // Dilation 2 (1-D): windows {0,2}, {1,3}, {2,4}.
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 5}, {1, 5, 2, 4, 3}),
               {{"kernel_shape", attr_ints({2})}, {"dilations", attr_ints({2})}}, 2);
  check_values(y[0], "[1,1,3]", {2, 5, 3});
  check_indices(y[1], {2, 1, 4});
  // Pads: -inf padding never wins; SAME_UPPER on 5 with k2 s2 -> 3 outputs, pad at the end.
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 5}, {-1, -2, -3, -4, -5}),
               {{"kernel_shape", attr_ints({2})}, {"strides", attr_ints({2})}, {"auto_pad", attr_string("SAME_UPPER")}});
  check_values(y[0], "[1,1,3]", {-1, -3, -5});
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 5}, {-1, -2, -3, -4, -5}),
               {{"kernel_shape", attr_ints({2})}, {"strides", attr_ints({2})}, {"auto_pad", attr_string("SAME_LOWER")}});
  check_values(y[0], "[1,1,3]", {-1, -2, -4});
  // 3-D with Indices, both storage orders: plane [2,2,3] = 0..11, k 2x2x2 -> maxima 10, 11.
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 2, 2, 3}, iota_f(12)),
               {{"kernel_shape", attr_ints({2, 2, 2})}}, 2);
  check_values(y[0], "[1,1,1,1,2]", {10, 11});
  check_indices(y[1], {10, 11});
  y = run_pool("MaxPool", testing::tensor_f32({1, 1, 2, 2, 3}, iota_f(12)),
               {{"kernel_shape", attr_ints({2, 2, 2})}, {"storage_order", attr_int(1)}}, 2);
  check_indices(y[1], {7, 11});
}

TEST(pool_averagepool_values) {
  // 3x3 = 1..9, k2 s1 pads 1 -> 4x4.
  Tensor x = testing::tensor_f32({1, 1, 3, 3}, iota_f(9, 1.f));
  std::map<std::string, li::Attribute> a = {{"kernel_shape", attr_ints({2, 2})}, {"pads", attr_ints({1, 1, 1, 1})}};
  check_values(run_pool("AveragePool", x, a)[0], "[1,1,4,4]",
               {1, 1.5, 2.5, 3, 2.5, 3, 4, 4.5, 5.5, 6, 7, 7.5, 7, 7.5, 8.5, 9});
  a["count_include_pad"] = attr_int(1);
  check_values(run_pool("AveragePool", x, a)[0], "[1,1,4,4]",
               {.25, .75, 1.25, .75, 1.25, 3, 4, 2.25, 2.75, 6, 7, 3.75, 1.75, 3.75, 4.25, 2.25});
  // ceil_mode: the partial last window divides by the taps inside input + pads (here 1).
  Tensor x1 = testing::tensor_f32({1, 1, 5}, {1, 2, 3, 4, 5});
  std::map<std::string, li::Attribute> c = {{"kernel_shape", attr_ints({2})}, {"strides", attr_ints({2})},
                                            {"ceil_mode", attr_int(1)}};
  check_values(run_pool("AveragePool", x1, c)[0], "[1,1,3]", {1.5, 3.5, 5});
  c["count_include_pad"] = attr_int(1);
  check_values(run_pool("AveragePool", x1, c)[0], "[1,1,3]", {1.5, 3.5, 5});
  // pads 1: windows [-1,0] [1,2] [3,4]; a 4th would start at 5, in the end padding: dropped.
  c["pads"] = attr_ints({1, 1});
  check_values(run_pool("AveragePool", x1, c)[0], "[1,1,3]", {0.5, 2.5, 4.5});
  // Dilation 2, pads 2 (opset 19); values match onnxruntime 1.30.
  std::map<std::string, li::Attribute> dl = {{"kernel_shape", attr_ints({3})}, {"dilations", attr_ints({2})},
                                             {"pads", attr_ints({2, 2})}};
  check_values(run_pool("AveragePool", x1, dl)[0], "[1,1,5]", {2, 3, 3, 3, 4});
  dl["count_include_pad"] = attr_int(1);
  check_values(run_pool("AveragePool", x1, dl)[0], "[1,1,5]", {4.f / 3, 2, 3, 2, 8.f / 3});
  // SAME_UPPER 2-D, exclude pad: 2x3 = 1..6, k3 s1.
  check_values(run_pool("AveragePool", testing::tensor_f32({1, 1, 2, 3}, iota_f(6, 1.f)),
                        {{"kernel_shape", attr_ints({3, 3})}, {"auto_pad", attr_string("SAME_UPPER")}})[0],
               "[1,1,2,3]", {3, 3.5, 4, 3, 3.5, 4});
}

TEST(pool_global_values) {
  Tensor x = testing::tensor_f32({1, 2, 2, 2}, {1, 2, 3, 6, -1, -2, -3, -6});
  check_values(run_pool("GlobalAveragePool", x, {})[0], "[1,2,1,1]", {3, -3});
  check_values(run_pool("GlobalMaxPool", x, {})[0], "[1,2,1,1]", {6, -1});
  Tensor x3 = testing::tensor_f32({2, 1, 3}, {1, 2, 3, 4, 5, 9});
  check_values(run_pool("GlobalAveragePool", x3, {})[0], "[2,1,1]", {2, 6});
  check_values(run_pool("GlobalMaxPool", x3, {})[0], "[2,1,1]", {3, 9});
  CHECK_THROWS(run_pool("GlobalMaxPool", testing::tensor_f32({2, 3}, {}), {}), "rank >= 3");
  CHECK_THROWS(run_pool("MaxPool", testing::tensor_f32({1, 1, 4, 4}, {}), {{"kernel_shape", attr_ints({2})}}),
               "X must have rank 3");
  CHECK_THROWS(run_pool("MaxPool", testing::tensor_f32({1, 1, 4, 4}, {}), {}), "kernel_shape is required");
}

// ---- BatchNormalization vs the formula.

namespace {

void check_bn(Shape xs, int64_t opset, bool const_params, float eps, uint32_t seed) {
  const int64_t C = xs[1];
  Tensor x = testing::tensor_random(xs, seed);
  Tensor scale = testing::tensor_random({C}, seed + 1);
  Tensor bias = testing::tensor_random({C}, seed + 2);
  Tensor mean = testing::tensor_random({C}, seed + 3);
  Tensor var = testing::tensor_random({C}, seed + 4, 0.f, 2.f);
  testing::OpCall call;
  call.op_type = "BatchNormalization";
  call.opset = opset;
  call.inputs = {x, scale, bias, mean, var};
  call.const_inputs = {false, const_params, const_params, const_params, const_params};
  call.attrs["epsilon"] = attr_float(eps);
  auto y = testing::run_op(call);
  std::vector<float> want(size_t(x.numel()));
  const int64_t S = x.numel() / (xs[0] * C);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t c = (i / S) % C;
    want[size_t(i)] = float((double(x.ptr<float>()[i]) - mean.ptr<float>()[c]) /
                            std::sqrt(double(var.ptr<float>()[c]) + eps) * scale.ptr<float>()[c] +
                            bias.ptr<float>()[c]);
  }
  CHECK_EQ(li::shape_str(y[0].shape), li::shape_str(xs));
  CHECK_NEAR_ARRAYS(y[0].ptr<float>(), want.data(), want.size(), kRtol, kAtol);
}

}  // namespace

TEST(batchnorm_formula) {
  check_bn({2, 3, 4, 5}, 15, true, 1e-5f, 1);
  check_bn({2, 3, 4, 5}, 9, false, 1e-3f, 2);
  check_bn({3, 13}, 14, true, 1e-5f, 3);
  check_bn({1, 16, 7}, 7, true, 1e-5f, 4);
  check_bn({2, 8, 3, 5, 7}, 15, false, 1e-5f, 5);
  // Opset 7 spatial=0: one (scale, B, mean, var) per element of a sample.
  Tensor x = testing::tensor_f32({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor ones = testing::tensor_f32({2, 2}, {1, 1, 1, 1});
  Tensor shift = testing::tensor_f32({2, 2}, {0, 1, 2, 3});
  Tensor zeros = testing::tensor_f32({2, 2}, {0, 0, 0, 0});
  Tensor var = testing::tensor_f32({2, 2}, {1, 4, 1, 4});
  testing::OpCall call;
  call.op_type = "BatchNormalization";
  call.opset = 7;
  call.inputs = {x, ones, shift, zeros, var};
  call.const_inputs = {false, true, true, true, true};
  call.attrs["spatial"] = attr_int(0);
  call.attrs["epsilon"] = attr_float(0.f);
  auto y = testing::run_op(call);
  std::vector<float> want = {1, 2, 5, 5, 5, 4, 9, 7};
  CHECK_NEAR_ARRAYS(y[0].ptr<float>(), want.data(), 8, kRtol, kAtol);
  // Shapes are validated in training mode (ops/batch_norm_training.cc) and inference.
  call.opset = 15;
  call.attrs.erase("spatial");
  call.attrs["training_mode"] = attr_int(1);
  CHECK_THROWS(testing::run_op(call), "input scale must have shape [2], got [2,2]");
  call.attrs.erase("training_mode");
  CHECK_THROWS(testing::run_op(call), "input scale must have shape [2], got [2,2]");
}

// ---- ConvTranspose vs its direct reference (li::f32_conv_transpose__ref) and a pinned case.

namespace {

struct CtCase {
  Shape x, w;
  int64_t group = 1;
  std::vector<int64_t> strides, dilations, pads, output_padding, output_shape;
  std::string auto_pad;
  bool bias = false, const_w = true;
};

// Output dims and begin pads from the spec text, for the reference call.
void ct_geometry(const CtCase& c, li::ConvGeom* g) {
  const size_t r = c.x.size() - 2;
  g->N = c.x[0];
  g->C_in = c.x[1];
  g->C_out = c.w[1] * c.group;
  g->group = c.group;
  g->in.assign(c.x.begin() + 2, c.x.end());
  g->kernel.assign(c.w.begin() + 2, c.w.end());
  g->stride = c.strides.empty() ? std::vector<int64_t>(r, 1) : c.strides;
  g->dilation = c.dilations.empty() ? std::vector<int64_t>(r, 1) : c.dilations;
  g->out.resize(r);
  g->pad_begin.resize(r);
  for (size_t d = 0; d < r; ++d) {
    int64_t op = c.output_padding.empty() ? 0 : c.output_padding[d];
    int64_t full = g->stride[d] * (g->in[d] - 1) + op + (g->kernel[d] - 1) * g->dilation[d] + 1;
    if (!c.output_shape.empty() || c.auto_pad == "SAME_UPPER" || c.auto_pad == "SAME_LOWER") {
      g->out[d] = c.output_shape.empty() ? g->in[d] * g->stride[d] : c.output_shape[d];
      int64_t total = full - g->out[d];
      int64_t half = int64_t(std::floor(double(total) / 2));  // Python's //, as in onnx's reference
      g->pad_begin[d] = c.auto_pad == "SAME_UPPER" ? half : total - half;
    } else {
      int64_t pb = c.pads.empty() ? 0 : c.pads[d], pe = c.pads.empty() ? 0 : c.pads[d + r];
      g->pad_begin[d] = pb;
      g->out[d] = full - pb - pe;
    }
  }
}

bool check_ct(const CtCase& c, uint32_t seed) {
  Tensor x = testing::tensor_random(c.x, seed);
  Tensor w = testing::tensor_random(c.w, seed + 1);
  Tensor b = testing::tensor_random({c.w[1] * c.group}, seed + 2);
  testing::OpCall call;
  call.op_type = "ConvTranspose";
  call.opset = 11;
  call.inputs = {x, w};
  if (c.bias) call.inputs.push_back(b);
  call.const_inputs = {false, c.const_w, true};
  call.attrs["group"] = attr_int(c.group);
  if (!c.strides.empty()) call.attrs["strides"] = attr_ints(c.strides);
  if (!c.dilations.empty()) call.attrs["dilations"] = attr_ints(c.dilations);
  if (!c.pads.empty()) call.attrs["pads"] = attr_ints(c.pads);
  if (!c.output_padding.empty()) call.attrs["output_padding"] = attr_ints(c.output_padding);
  if (!c.output_shape.empty()) call.attrs["output_shape"] = attr_ints(c.output_shape);
  if (!c.auto_pad.empty()) call.attrs["auto_pad"] = attr_string(c.auto_pad);
  li::ConvGeom g;
  ct_geometry(c, &g);
  Shape want_shape = {g.N, g.C_out};
  want_shape.insert(want_shape.end(), g.out.begin(), g.out.end());
  std::vector<float> want(size_t(li::shape_numel(want_shape)));
  li::f32_conv_transpose__ref(g, x.ptr<float>(), w.ptr<float>(), c.bias ? b.ptr<float>() : nullptr,
                              want.data());
  auto y = testing::run_op(call);
  bool ok = y[0].shape == want_shape &&
            testing::max_violation(y[0].ptr<float>(), want.data(), want.size(), kRtol, kAtol) <= 1.0;
  if (!ok) {
    std::ostringstream os;
    os << "ConvTranspose x " << li::shape_str(c.x) << " w " << li::shape_str(c.w) << " group "
       << c.group << " strides " << li::shape_str(c.strides) << " pads " << li::shape_str(c.pads)
       << " got " << li::shape_str(y[0].shape) << " want " << li::shape_str(want_shape);
    testing::record_failure(__FILE__, __LINE__, os.str());
  }
  return ok;
}

}  // namespace

TEST(conv_transpose_pinned) {
  // x 2x2 = 1..4, 2x2 kernel of ones: stride 1 overlaps, stride 2 tiles each value in 2x2.
  testing::OpCall call;
  call.op_type = "ConvTranspose";
  call.inputs = {testing::tensor_f32({1, 1, 2, 2}, {1, 2, 3, 4}),
                 testing::tensor_f32({1, 1, 2, 2}, {1, 1, 1, 1})};
  call.const_inputs = {false, true};
  check_values(testing::run_op(call)[0], "[1,1,3,3]", {1, 3, 2, 4, 10, 6, 3, 7, 4});
  call.attrs["strides"] = attr_ints({2, 2});
  check_values(testing::run_op(call)[0], "[1,1,4,4]", {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  // Values below match onnxruntime 1.30. output_shape 5 (total padding -1): an extra zero row
  // and column at the end; 3 (total 1): the start is cropped, unless SAME_UPPER.
  call.attrs["output_shape"] = attr_ints({5, 5});
  check_values(testing::run_op(call)[0], "[1,1,5,5]",
               {1, 1, 2, 2, 0, 1, 1, 2, 2, 0, 3, 3, 4, 4, 0, 3, 3, 4, 4, 0, 0, 0, 0, 0, 0});
  call.attrs["output_shape"] = attr_ints({3, 3});
  check_values(testing::run_op(call)[0], "[1,1,3,3]", {1, 2, 2, 3, 4, 4, 3, 4, 4});
  call.attrs["auto_pad"] = attr_string("SAME_UPPER");
  check_values(testing::run_op(call)[0], "[1,1,3,3]", {1, 1, 2, 1, 1, 2, 3, 3, 4});
  call.attrs.erase("output_shape");
  call.attrs["strides"] = attr_ints({1, 1});  // SAME: output = input * stride
  check_values(testing::run_op(call)[0], "[1,1,2,2]", {1, 3, 4, 10});
  call.attrs["auto_pad"] = attr_string("SAME_LOWER");
  check_values(testing::run_op(call)[0], "[1,1,2,2]", {10, 6, 7, 4});
}

TEST(conv_transpose_grid) {
  Rng rng{5};
  const std::vector<int64_t> hw = {1, 2, 5, 7, 13}, cs = {1, 3, 8};
  int failed = 0;
  for (int t = 0; t < 200 && failed < 5; ++t) {
    CtCase c;
    c.group = rng.pick<int64_t>({1, 1, 2});
    int64_t C = rng.pick(cs) * c.group, M = rng.pick(cs);
    int64_t k = rng.pick<int64_t>({1, 2, 3, 5});
    c.x = {1 + int64_t(rng.next() % 2), C, rng.pick(hw), rng.pick(hw)};
    c.w = {C, M, k, rng.next() % 2 ? k : rng.pick<int64_t>({1, 3})};
    c.strides = {rng.pick<int64_t>({1, 2, 3}), rng.pick<int64_t>({1, 2})};
    c.dilations = {rng.pick<int64_t>({1, 2}), 1};
    c.bias = rng.next() % 2;
    c.const_w = rng.next() % 4 != 0;
    switch (rng.next() % 5) {
      case 0: break;
      case 1: c.pads = {int64_t(rng.next() % 2), 0, 0, int64_t(rng.next() % 2)}; break;
      case 2: c.output_padding = {c.strides[0] - 1, 0}; break;
      case 3: c.auto_pad = rng.next() % 2 ? "SAME_UPPER" : "SAME_LOWER"; break;
      case 4: c.output_shape = {c.x[2] * c.strides[0] + int64_t(rng.next() % 2), c.x[3] * c.strides[1]}; break;
    }
    li::ConvGeom g;
    ct_geometry(c, &g);
    if (g.out[0] < 1 || g.out[1] < 1) continue;
    if (!check_ct(c, uint32_t(t) * 3)) ++failed;
  }
  CtCase c;  // 1-D and 3-D
  c.x = {1, 4, 9}; c.w = {4, 3, 3}; c.strides = {2}; c.pads = {1, 0}; c.bias = true;
  check_ct(c, 1000);
  c = CtCase{}; c.x = {1, 2, 3, 4, 2}; c.w = {2, 2, 2, 3, 2}; c.strides = {2, 1, 2}; c.group = 2;
  c.output_padding = {1, 0, 1};
  check_ct(c, 1001);
  // Large enough to process the columns in several blocks: M = 64*9 rows, 64*64 input positions.
  c = CtCase{}; c.x = {1, 4, 64, 64}; c.w = {4, 64, 3, 3}; c.strides = {2, 2}; c.pads = {1, 1, 1, 1};
  check_ct(c, 1002);
}

// ---- Pools vs a naive per-output loop over random shapes (1-3 spatial dims, pads, strides,
// dilations, ceil_mode, count_include_pad, Indices).

namespace {

struct PoolCase {
  Shape x;
  std::vector<int64_t> k, s, d, pads;
  bool ceil = false, include_pad = false;
};

// Output dims: floor/ceil formula, a ceil-mode window may not start in the end padding.
bool naive_pool(const PoolCase& c, const std::vector<float>& x, bool is_max, Shape* shape,
                std::vector<float>* y, std::vector<int64_t>* idx) {
  const size_t r = c.k.size();
  int64_t in[3] = {1, 1, 1}, o[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1},
          pb[3] = {0, 0, 0}, pe[3] = {0, 0, 0};
  *shape = {c.x[0], c.x[1]};
  for (size_t i = 0; i < r; ++i) {
    size_t e = 3 - r + i;
    in[e] = c.x[2 + i]; k[e] = c.k[i]; s[e] = c.s[i]; d[e] = c.d[i]; pb[e] = c.pads[i]; pe[e] = c.pads[i + r];
    int64_t span = in[e] + pb[e] + pe[e] - ((k[e] - 1) * d[e] + 1);
    if (span < 0) return false;
    o[e] = (c.ceil ? (span + s[e] - 1) / s[e] : span / s[e]) + 1;
    if (c.ceil && (o[e] - 1) * s[e] >= in[e] + pb[e]) --o[e];
    shape->push_back(o[e]);
  }
  const int64_t planes = c.x[0] * c.x[1], isz = in[0] * in[1] * in[2];
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t a = 0; a < o[0]; ++a)
      for (int64_t b = 0; b < o[1]; ++b)
        for (int64_t e = 0; e < o[2]; ++e) {
          double sum = 0;
          float m = -INFINITY;
          int64_t arg = -1, count = 0;
          for (int64_t i = 0; i < k[0]; ++i)
            for (int64_t j = 0; j < k[1]; ++j)
              for (int64_t l = 0; l < k[2]; ++l) {
                int64_t p0 = a * s[0] - pb[0] + i * d[0], p1 = b * s[1] - pb[1] + j * d[1],
                        p2 = e * s[2] - pb[2] + l * d[2];
                bool inside = p0 >= 0 && p0 < in[0] && p1 >= 0 && p1 < in[1] && p2 >= 0 && p2 < in[2];
                bool padded = p0 >= -pb[0] && p0 < in[0] + pe[0] && p1 >= -pb[1] && p1 < in[1] + pe[1] &&
                              p2 >= -pb[2] && p2 < in[2] + pe[2];
                if (inside || (c.include_pad && padded)) ++count;
                if (!inside) continue;
                int64_t at = (p0 * in[1] + p1) * in[2] + p2;
                float v = x[size_t(p * isz + at)];
                sum += v;
                if (arg < 0 || v > m) { m = v; arg = p * isz + at; }
              }
          y->push_back(is_max ? m : float(sum / double(count)));
          idx->push_back(arg);
        }
  return true;
}

}  // namespace

TEST(pool_random_vs_naive) {
  Rng rng{99};
  int checked = 0, failed = 0;
  for (int t = 0; t < 300 && failed < 5; ++t) {
    PoolCase c;
    const size_t r = 1 + rng.next() % 3;
    c.x = {1 + int64_t(rng.next() % 2), 1 + int64_t(rng.next() % 3)};
    for (size_t i = 0; i < r; ++i) {
      c.x.push_back(r == 3 ? rng.pick<int64_t>({1, 4, 6}) : rng.pick<int64_t>({1, 5, 7, 13, 17}));
      c.k.push_back(rng.pick<int64_t>({1, 2, 3, 5}));
      c.s.push_back(rng.pick<int64_t>({1, 2, 3}));
      c.d.push_back(rng.pick<int64_t>({1, 1, 2}));
    }
    c.pads.resize(2 * r);
    for (size_t i = 0; i < 2 * r; ++i) c.pads[i] = rng.next() % 3 ? 0 : int64_t(rng.next() % c.k[i % r]);
    c.ceil = rng.next() % 2;
    c.include_pad = rng.next() % 2;
    const bool is_max = rng.next() % 2;
    Tensor x = testing::tensor_random(c.x, uint32_t(t));
    std::vector<float> xv(x.ptr<float>(), x.ptr<float>() + x.numel()), want;
    std::vector<int64_t> want_idx;
    Shape want_shape;
    if (!naive_pool(c, xv, is_max, &want_shape, &want, &want_idx)) continue;
    std::map<std::string, li::Attribute> a = {{"kernel_shape", attr_ints(c.k)}, {"strides", attr_ints(c.s)},
                                              {"dilations", attr_ints(c.d)}, {"pads", attr_ints(c.pads)},
                                              {"ceil_mode", attr_int(c.ceil)}};
    if (!is_max) a["count_include_pad"] = attr_int(c.include_pad);
    auto y = run_pool(is_max ? "MaxPool" : "AveragePool", x, a, is_max ? 2 : 1);
    bool ok = y[0].shape == want_shape &&
              testing::max_violation(y[0].ptr<float>(), want.data(), want.size(), kRtol, kAtol) <= 1.0;
    if (ok && is_max)
      for (size_t i = 0; i < want_idx.size(); ++i) ok = ok && y[1].ptr<int64_t>()[i] == want_idx[i];
    if (!ok) {
      ++failed;
      testing::record_failure(__FILE__, __LINE__,
                              std::string(is_max ? "MaxPool" : "AveragePool") + " x " + li::shape_str(c.x) +
                                  " k " + li::shape_str(c.k) + " s " + li::shape_str(c.s) + " d " +
                                  li::shape_str(c.d) + " pads " + li::shape_str(c.pads) + " ceil " +
                                  std::to_string(c.ceil) + " incl " + std::to_string(c.include_pad) +
                                  " got " + li::shape_str(y[0].shape) + " want " + li::shape_str(want_shape));
    }
    ++checked;
  }
  CHECK(checked > 150);
}

// The 2-D max pooling kernel (kernels/pool_impl.h: the portable build inside f32_maxpool__ref
// and the AVX2 one) against the reference's general walk (taken when indices are asked for),
// exactly: odd sizes, kernels 1-5, strides 1-3, dilations 1-2, pads, a ceil-mode last window
// reaching past the pads, -inf values. (With indices a NaN first tap is kept; without, NaN taps
// are skipped: pinned below.)
TEST(pool_maxpool2d_kernels_vs_reference) {
  Rng rng{77};
  const std::vector<int64_t> sizes = {1, 2, 3, 5, 7, 8, 13, 17, 28, 33};
  std::vector<li::CpuTier> tiers = {li::CpuTier::Generic};
  if (testing::host_has("avx2")) tiers.push_back(li::CpuTier::Avx2);
  int failed = 0, cases = 0;
  for (int t = 0; t < 1500 && failed < 5; ++t) {
    li::Geom3 g;
    g.in[1] = rng.pick(sizes);
    g.in[2] = rng.pick(sizes);
    for (int d = 1; d < 3; ++d) {
      g.k[d] = 1 + int64_t(rng.next() % 5);
      g.s[d] = 1 + int64_t(rng.next() % 3);
      g.d[d] = 1 + int64_t(rng.next() % 2);
      const int64_t ek = (g.k[d] - 1) * g.d[d] + 1;
      g.pb[d] = int64_t(rng.next() % uint32_t(g.k[d]));
      g.pe[d] = int64_t(rng.next() % uint32_t(g.k[d]));
      const int64_t span = g.in[d] + g.pb[d] + g.pe[d] - ek;
      if (span < 0) { g.out[d] = 0; continue; }
      g.out[d] = span / g.s[d] + 1 + (rng.next() % 4 == 0 && span % g.s[d] ? 1 : 0);  // ceil mode
    }
    if (g.out[1] < 1 || g.out[2] < 1) continue;
    std::vector<float> x(size_t(g.in_size()));
    for (float& v : x) {
      const uint32_t r = rng.next();
      v = r % 29 == 0 ? -std::numeric_limits<float>::infinity() : float(int(r % 2001) - 1000) / 100.f;
    }
    std::vector<float> want(size_t(g.out_size()));
    std::vector<int64_t> idx(want.size());
    li::f32_maxpool__ref(g, x.data(), want.data(), idx.data());
    for (li::CpuTier tier : tiers) {
      std::vector<float> got(want.size(), 12345.f);
      li::f32_maxpool_for(tier, g, x.data(), got.data(), nullptr);
      ++cases;
      if (std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) != 0) {
        CHECK(false && "maxpool2d kernel differs from the reference");
        std::printf("  tier %s in %lldx%lld k %lldx%lld s %lldx%lld d %lldx%lld pads %lld,%lld/%lld,%lld out %lldx%lld\n",
                    li::cpu_tier_name(tier), (long long)g.in[1], (long long)g.in[2], (long long)g.k[1], (long long)g.k[2],
                    (long long)g.s[1], (long long)g.s[2], (long long)g.d[1], (long long)g.d[2], (long long)g.pb[1],
                    (long long)g.pb[2], (long long)g.pe[1], (long long)g.pe[2], (long long)g.out[1], (long long)g.out[2]);
        ++failed;
      }
    }
  }
  CHECK(cases > 1000);
}

TEST(pool_maxpool2d_skips_nan) {
  // 1x5 plane, k3 s1 pad 1: windows [pad nan 2] [nan 2 nan] [2 nan -1] [nan -1 nan] [-1 nan pad].
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float x[] = {nan, 2.f, nan, -1.f, nan};
  li::Geom3 g;
  g.in[2] = 5; g.out[2] = 5; g.k[2] = 3; g.pb[2] = 1; g.pe[2] = 1;
  std::vector<li::CpuTier> tiers = {li::CpuTier::Generic};
  if (testing::host_has("avx2")) tiers.push_back(li::CpuTier::Avx2);
  for (li::CpuTier tier : tiers) {
    float y[5];
    li::f32_maxpool_for(tier, g, x, y, nullptr);
    CHECK_EQ(y[0], 2.f);
    CHECK_EQ(y[1], 2.f);
    CHECK_EQ(y[2], 2.f);
    CHECK_EQ(y[3], -1.f);
    CHECK_EQ(y[4], -1.f);
    // Only NaN in the window: -inf.
    const float all_nan[] = {nan, nan, nan, nan, nan};
    li::f32_maxpool_for(tier, g, all_nan, y, nullptr);
    CHECK_EQ(y[2], -std::numeric_limits<float>::infinity());
  }
}
