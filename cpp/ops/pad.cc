// Pad: pads as the `paddings` (opset 1) / `pads` (2-10) attribute or input (11+, with an
// optional constant_value input and, from 18, axes). Modes constant, reflect, edge, and wrap
// (opset 19). Negative pads crop. Each output coordinate maps to an input coordinate per dim
// (or to "the constant"), so the copy is a row loop over precomputed per-dim tables.
#include <algorithm>

#include "ops/tensor_util.h"

namespace li {

namespace {

enum class PadMode { Constant, Reflect, Edge, Wrap };

// Input index for output coordinate o of a dim of size n padded by `before`; -1 = constant.
int64_t map_coord(int64_t o, int64_t before, int64_t n, PadMode mode) {
  int64_t i = o - before;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case PadMode::Constant: return -1;
    case PadMode::Edge: return i < 0 ? 0 : n - 1;
    case PadMode::Wrap: return ((i % n) + n) % n;
    case PadMode::Reflect: {
      if (n == 1) return 0;
      int64_t period = 2 * (n - 1);
      int64_t m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
  }
  return -1;
}

class PadOp : public Op {
 public:
  explicit PadOp(const OpBuildContext& ctx) : opset_(ctx.opset) {
    std::string mode = ctx.node.get_string("mode", "constant");
    if (mode == "constant") mode_ = PadMode::Constant;
    else if (mode == "reflect") mode_ = PadMode::Reflect;
    else if (mode == "edge") mode_ = PadMode::Edge;
    else if (mode == "wrap" && ctx.opset >= 19) mode_ = PadMode::Wrap;
    else ctx.unsupported("mode '", mode, "' (expected constant, reflect, edge, or wrap from opset 19)");
    if (ctx.opset < 11) {
      const char* name = ctx.opset == 1 ? "paddings" : "pads";
      if (!ctx.node.has(name)) ctx.invalid("attribute '", name, "' is required");
      pads_attr_ = ctx.node.get_ints(name);
      value_attr_ = ctx.node.get_float("value", 0.f);
    }
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    std::vector<int64_t> pads;
    if (!get_pads(&ctx, x.shape, &pads)) return false;
    if (opset_ >= 11 && ctx.input(2)) {
      const TensorInfo& c = *ctx.input(2);
      check_same_dtype(ctx, 2, "constant_value");
      if (shape_numel(c.shape) > 1)
        ctx.error("input 'constant_value' must be a scalar, got shape ", shape_str(c.shape));
    }
    if (x.dtype == DType::String && opset_ < 11 && mode_ == PadMode::Constant)
      ctx.error("string data needs opset 11+ (a string constant_value)");
    const size_t r = x.shape.size();
    Shape out(r);
    for (size_t d = 0; d < r; ++d) {
      out[d] = x.shape[d] + pads[d] + pads[d + r];
      if (out[d] < 0)
        ctx.error("pads ", ints_str(pads), " crop more than the size ", x.shape[d], " of axis ", d);
      if (mode_ != PadMode::Constant && x.shape[d] == 0 && out[d] > 0)
        ctx.error("cannot pad the empty axis ", d, " of ", shape_str(x.shape), " in a non-constant mode");
    }
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    std::vector<int64_t> pads;
    get_pads(nullptr, x.shape, &pads, &ctx);
    const size_t r = x.shape.size();
    if (y.numel() == 0) return;
    if (r == 0) { copy_tensor_data(ctx.pool, x, y); return; }
    // Per-dim coordinate tables.
    std::vector<std::vector<int64_t>> map(r);
    for (size_t d = 0; d < r; ++d)
      for (int64_t o = 0; o < y.shape[d]; ++o)
        map[d].push_back(map_coord(o, pads[d], x.shape[d], mode_));
    const std::vector<int64_t> xs = shape_strides(x.shape);
    const int64_t last = y.shape[r - 1], rows = y.numel() / last;
    // The contiguous middle of the last dim [lo, hi): output o reads input o - pads[r-1].
    int64_t lo = std::max<int64_t>(0, pads[r - 1]);
    int64_t hi = std::min<int64_t>(last, pads[r - 1] + x.shape[r - 1]);
    const Tensor* cv = opset_ >= 11 ? ctx.input(2) : nullptr;
    visit_elem(x.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      T fill{};
      if (cv && cv->numel() > 0) fill = elems<T>(*cv)[0];
      else if constexpr (!std::is_same_v<T, std::string>) store_scalar(x.dtype, value_attr_, &fill);
      const T* src = elems<T>(x);
      T* dst = elems<T>(y);
      int64_t grain = std::max<int64_t>(1, copy_grain<T>() / last);
      ctx.pool.parallel_for(rows, grain, [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
          int64_t rem = row, base = 0;
          bool constant = false;
          for (size_t d = r - 1; d-- > 0;) {
            int64_t i = map[d][size_t(rem % y.shape[d])];
            rem /= y.shape[d];
            if (i < 0) constant = true;
            base += i * xs[d];
          }
          T* out = dst + row * last;
          if (constant) { std::fill(out, out + last, fill); continue; }
          const T* in = src + base;
          const std::vector<int64_t>& m = map[r - 1];
          for (int64_t o = 0; o < lo && o < last; ++o) out[o] = m[size_t(o)] < 0 ? fill : in[m[size_t(o)]];
          if (hi > lo) std::copy_n(in + (lo - pads[r - 1]), hi - lo, out + lo);
          for (int64_t o = std::max(lo, hi); o < last; ++o)
            out[o] = m[size_t(o)] < 0 ? fill : in[m[size_t(o)]];
        }
      });
    });
  }

 private:
  // Full-rank pads [b0..b(r-1), e0..e(r-1)]; false when the pads input is not known yet.
  // ictx is null at run time (validated by infer()); values then come from ectx.
  bool get_pads(const InferContext* ictx, const Shape& shape, std::vector<int64_t>* full,
                const ExecContext* ectx = nullptr) const {
    const int64_t r = int64_t(shape.size());
    std::vector<int64_t> pads = pads_attr_, axes;
    bool has_axes = false;
    if (opset_ >= 11) {
      if (ictx) {
        const TensorInfo& p = need_input(*ictx, 1, "pads");
        if (p.dtype != DType::Int64) ictx->error("input 'pads' must be int64, got ", dtype_name(p.dtype));
        if (!ictx->input_ints(1, &pads)) return false;
        if (opset_ >= 18 && ictx->input(3)) {
          check_int_input(*ictx, 3, "axes", true);
          if (!ictx->input_ints(3, &axes)) return false;
          has_axes = true;
        }
      } else {
        pads = ectx->inputs[1]->to_int64_vector();
        if (opset_ >= 18 && ectx->input(3)) {
          axes = ectx->inputs[3]->to_int64_vector();
          has_axes = true;
        }
      }
    }
    if (!has_axes)
      for (int64_t d = 0; d < r; ++d) axes.push_back(d);
    const size_t n = axes.size();
    if (pads.size() != 2 * n) {
      if (ictx)
        ictx->error("pads ", ints_str(pads), " has ", pads.size(), " entries, expected ", 2 * n,
                    " (2 x ", has_axes ? "the number of axes" : "the input rank", ")");
      fail(ErrorCode::Internal, "Pad: bad pads");
    }
    full->assign(size_t(2 * r), 0);
    std::vector<char> seen(size_t(r), 0);
    for (size_t i = 0; i < n; ++i) {
      int64_t a = ictx ? norm_axis(*ictx, axes[i], r, "axis") : (axes[i] < 0 ? axes[i] + r : axes[i]);
      if (seen[size_t(a)] && ictx) ictx->error("axes ", ints_str(axes), " repeats axis ", axes[i]);
      seen[size_t(a)] = 1;
      (*full)[size_t(a)] = pads[i];
      (*full)[size_t(a + r)] = pads[i + n];
    }
    return true;
  }

  int64_t opset_;
  PadMode mode_ = PadMode::Constant;
  std::vector<int64_t> pads_attr_;
  float value_attr_ = 0.f;
};

}  // namespace

void register_pad_ops() {
  register_op("", "Pad", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<PadOp>(c); });
}

}  // namespace li
