// Expand (numpy broadcast to a shape) and Tile (repeat along each axis): both are strided views
// of the input (stride 0 for broadcast dims; Tile as a [rep0, d0, rep1, d1, ...] view).
#include "ops/tensor_util.h"

namespace li {

namespace {

class ExpandOp : public Op {
 public:
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    const TensorInfo& s = need_input(ctx, 1, "shape");
    if (s.dtype != DType::Int64) ctx.error("input 'shape' must be int64, got ", dtype_name(s.dtype));
    if (s.shape.size() != 1) ctx.error("input 'shape' must be 1-D, got shape ", shape_str(s.shape));
    std::vector<int64_t> target;
    if (!ctx.input_ints(1, &target)) return false;
    const size_t r = std::max(x.shape.size(), target.size());
    Shape out(r);
    for (size_t k = 0; k < r; ++k) {
      int64_t a = k + x.shape.size() >= r ? x.shape[k + x.shape.size() - r] : 1;
      int64_t b = k + target.size() >= r ? target[k + target.size() - r] : 1;
      if (b < 0) ctx.error("shape ", ints_str(target), " has a negative dimension");
      if (a != b && a != 1 && b != 1)
        ctx.error("input ", shape_str(x.shape), " cannot be expanded to ", ints_str(target),
                  " (dims ", a, " and ", b, " differ and neither is 1)");
      out[k] = a == 1 ? b : a;
    }
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    const size_t r = y.shape.size(), lead = r - x.shape.size();
    std::vector<int64_t> xs = shape_strides(x.shape), strides(r, 0);
    for (size_t k = lead; k < r; ++k)
      strides[k] = x.shape[k - lead] == 1 ? 0 : xs[k - lead];
    strided_copy_tensor(ctx.pool, x.dtype, x, 0, y.shape, strides, y);
  }
};

class TileOp : public Op {
 public:
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    const TensorInfo& rp = need_input(ctx, 1, "repeats");
    if (rp.dtype != DType::Int64) ctx.error("input 'repeats' must be int64, got ", dtype_name(rp.dtype));
    std::vector<int64_t> reps;
    if (!ctx.input_ints(1, &reps)) return false;
    if (reps.size() != x.shape.size())
      ctx.error("repeats ", ints_str(reps), " has ", reps.size(), " entries, expected the input rank ",
                x.shape.size(), " (input ", shape_str(x.shape), ")");
    Shape out;
    for (size_t k = 0; k < reps.size(); ++k) {
      if (reps[k] < 0) ctx.error("repeats ", ints_str(reps), " has a negative entry");
      int64_t d;
      if (__builtin_mul_overflow(x.shape[k], reps[k], &d))
        ctx.error("repeats ", ints_str(reps), " overflow");
      out.push_back(d);
    }
    shape_numel(out);  // throws on a huge result
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    std::vector<int64_t> xs = shape_strides(x.shape);
    Shape view;
    std::vector<int64_t> strides;
    for (size_t k = 0; k < x.shape.size(); ++k) {
      view.push_back(x.shape[k] == 0 ? 0 : y.shape[k] / x.shape[k]);
      strides.push_back(0);
      view.push_back(x.shape[k]);
      strides.push_back(xs[k]);
    }
    strided_copy_tensor(ctx.pool, x.dtype, x, 0, view, strides, y);
  }
};

}  // namespace

void register_expand_tile_ops() {
  register_op("", "Expand", 8, kTensorMaxOpset,
              [](const OpBuildContext&) { return std::make_unique<ExpandOp>(); });
  register_op("", "Tile", 6, kTensorMaxOpset,
              [](const OpBuildContext&) { return std::make_unique<TileOp>(); });
}

}  // namespace li
