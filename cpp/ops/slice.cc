// Slice: starts/ends/axes as attributes (opset 1-9) or inputs with steps (opset 10+). Negative
// starts/ends count from the end; out-of-range values clamp (so INT64_MAX / INT64_MIN act as
// "to the end" / "to the beginning"); negative steps walk backwards. The copy is a strided view
// of the input.
#include <algorithm>
#include <limits>

#include "ops/tensor_util.h"

namespace li {

namespace {

struct SliceDim {
  int64_t start = 0, step = 1, len = 0;
};

class SliceOp : public Op {
 public:
  explicit SliceOp(const OpBuildContext& ctx) : from_inputs_(ctx.opset >= 10) {
    if (!from_inputs_) {
      if (!ctx.node.has("starts") || !ctx.node.has("ends"))
        ctx.invalid("attributes 'starts' and 'ends' are required before opset 10");
      starts_ = ctx.node.get_ints("starts");
      ends_ = ctx.node.get_ints("ends");
      has_axes_ = ctx.node.has("axes");
      axes_ = ctx.node.get_ints("axes");
    }
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    std::vector<int64_t> starts = starts_, ends = ends_, axes = axes_, steps;
    bool has_axes = has_axes_;
    if (from_inputs_) {
      need_input(ctx, 1, "starts");
      need_input(ctx, 2, "ends");
      const char* names[] = {"", "starts", "ends", "axes", "steps"};
      for (size_t i = 1; i <= 4; ++i) {
        const TensorInfo* t = ctx.input(i);
        if (!t) continue;
        check_int_input(ctx, i, names[i], true);
        if (t->shape.size() != 1)
          ctx.error("input '", names[i], "' must be 1-D, got shape ", shape_str(t->shape));
      }
      if (!ctx.input_ints(1, &starts) || !ctx.input_ints(2, &ends)) return false;
      has_axes = ctx.input(3) != nullptr;
      if (has_axes && !ctx.input_ints(3, &axes)) return false;
      if (ctx.input(4) && !ctx.input_ints(4, &steps)) return false;
    }
    std::vector<SliceDim> dims = plan(&ctx, x.shape, starts, ends, has_axes, axes, steps);
    Shape out;
    for (const SliceDim& d : dims) out.push_back(d.len);
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    std::vector<int64_t> starts = starts_, ends = ends_, axes = axes_, steps;
    bool has_axes = has_axes_;
    if (from_inputs_) {
      starts = ctx.inputs[1]->to_int64_vector();
      ends = ctx.inputs[2]->to_int64_vector();
      has_axes = ctx.input(3) != nullptr;
      if (has_axes) axes = ctx.inputs[3]->to_int64_vector();
      if (ctx.input(4)) steps = ctx.inputs[4]->to_int64_vector();
    }
    std::vector<SliceDim> dims = plan(nullptr, x.shape, starts, ends, has_axes, axes, steps);
    std::vector<int64_t> in_strides = shape_strides(x.shape);
    Shape out;
    std::vector<int64_t> strides;
    int64_t offset = 0;
    for (size_t d = 0; d < dims.size(); ++d) {
      out.push_back(dims[d].len);
      // len <= 1: the stride is never used (and step may be huge, e.g. INT64_MAX).
      strides.push_back(dims[d].len > 1 ? dims[d].step * in_strides[d] : 0);
      if (dims[d].len > 0) offset += dims[d].start * in_strides[d];
    }
    strided_copy_tensor(ctx.pool, x.dtype, x, offset, out, strides, *ctx.outputs[0]);
  }

 private:
  // Per input dim: first index, step and output length. ctx is null at run time (the values
  // were validated by infer()).
  static std::vector<SliceDim> plan(const InferContext* ctx, const Shape& shape,
                                    const std::vector<int64_t>& starts,
                                    const std::vector<int64_t>& ends, bool has_axes,
                                    const std::vector<int64_t>& axes_in,
                                    const std::vector<int64_t>& steps) {
    auto bad = [&](auto&&... parts) {
      if (ctx) ctx->error(parts...);
      fail(ErrorCode::Internal, "Slice: ", parts...);
    };
    const int64_t r = int64_t(shape.size());
    const size_t n = starts.size();
    if (ends.size() != n)
      bad("starts ", ints_str(starts), " and ends ", ints_str(ends), " differ in length");
    std::vector<int64_t> axes = axes_in;
    if (!has_axes)
      for (size_t i = 0; i < n; ++i) axes.push_back(int64_t(i));
    if (axes.size() != n) bad("axes ", ints_str(axes), " has ", axes.size(), " entries, expected ", n);
    if (!steps.empty() && steps.size() != n)
      bad("steps ", ints_str(steps), " has ", steps.size(), " entries, expected ", n);
    std::vector<SliceDim> dims(static_cast<size_t>(r));
    std::vector<char> seen(size_t(r), 0);
    for (int64_t d = 0; d < r; ++d) dims[size_t(d)] = {0, 1, shape[size_t(d)]};
    for (size_t i = 0; i < n; ++i) {
      int64_t a = axes[i];
      if (a < -r || a >= r) bad("axis ", a, " in axes ", ints_str(axes), " is out of range for rank ", r);
      if (a < 0) a += r;
      if (seen[size_t(a)]) bad("axes ", ints_str(axes), " repeats axis ", axes[i]);
      seen[size_t(a)] = 1;
      const int64_t dim = shape[size_t(a)];
      const int64_t step = steps.empty() ? 1 : steps[i];
      if (step == 0) bad("steps ", ints_str(steps), " has a zero step");
      int64_t start = starts[i], end = ends[i];
      if (start < 0) start += dim;  // no overflow: dim >= 0
      if (end < 0) end += dim;
      int64_t len;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        int64_t diff = end - start;
        len = diff <= 0 ? 0 : 1 + (diff - 1) / step;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        int64_t diff = start - end;
        uint64_t mag = uint64_t(-(step + 1)) + 1;  // |step| without overflow at INT64_MIN
        len = diff <= 0 ? 0 : 1 + int64_t(uint64_t(diff - 1) / mag);
      }
      dims[size_t(a)] = {start, step, len};
    }
    return dims;
  }

  bool from_inputs_, has_axes_ = false;
  std::vector<int64_t> starts_, ends_, axes_;
};

}  // namespace

void register_slice_ops() {
  register_op("", "Slice", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<SliceOp>(c); });
}

}  // namespace li
