// Shape-only ops: Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout (inference), Shape,
// Size. The first six are views (output 0 holds input 0's bytes under a new shape): the executor
// may alias the buffer and skip run(), which still copies for when it cannot.
#include <algorithm>

#include "ops/misc_ops.h"  // elem_to_double, elem_from_double
#include "ops/random_util.h"
#include "ops/tensor_util.h"

namespace li {

namespace {

class ViewOp : public Op {
 public:
  bool is_view() const override { return true; }
  void run(ExecContext& ctx) const override {
    copy_tensor_data(ctx.pool, *ctx.inputs[0], *ctx.outputs[0]);
  }
};

// Reshape: target from the `shape` attribute (opset < 5) or input 1. 0 copies the input dim
// (unless allowzero, opset 14), -1 is inferred.
class ReshapeOp : public ViewOp {
 public:
  explicit ReshapeOp(const OpBuildContext& ctx) {
    from_attr_ = ctx.opset < 5;
    if (from_attr_) {
      if (!ctx.node.has("shape")) ctx.invalid("attribute 'shape' is required before opset 5");
      shape_attr_ = ctx.node.get_ints("shape");
    }
    allowzero_ = ctx.opset >= 14 && ctx.node.get_int("allowzero", 0) != 0;
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    std::vector<int64_t> target = shape_attr_;
    if (!from_attr_) {
      const TensorInfo& s = need_input(ctx, 1, "shape");
      check_int_input(ctx, 1, "shape", false);
      if (s.shape.size() != 1) ctx.error("input 'shape' must be 1-D, got shape ", shape_str(s.shape));
      if (!ctx.input_ints(1, &target)) return false;
    }
    const int64_t numel = shape_numel(x.shape);
    Shape out(target.size());
    int64_t unknown = -1, known = 1;
    bool has_zero = false;
    for (size_t d = 0; d < target.size(); ++d) {
      int64_t v = target[d];
      if (v == -1) {
        if (unknown >= 0)
          ctx.error("shape ", ints_str(target), " has more than one -1 dimension");
        unknown = int64_t(d);
        continue;
      }
      if (v < -1) ctx.error("shape ", ints_str(target), " has an invalid dimension ", v);
      if (v == 0 && !allowzero_) {
        if (d >= x.shape.size())
          ctx.error("shape ", ints_str(target), " copies dimension ", d, " (0) but the input ",
                    shape_str(x.shape), " has rank ", x.shape.size());
        v = x.shape[d];
      }
      if (v == 0) has_zero = true;
      out[d] = v;
      if (__builtin_mul_overflow(known, v, &known) || known > (int64_t(1) << 62))
        ctx.error("shape ", ints_str(target), " has too many elements");
    }
    if (unknown >= 0) {
      if (allowzero_ && has_zero)
        ctx.error("shape ", ints_str(target), " has both -1 and 0 with allowzero=1");
      if (known == 0 || numel % known != 0)
        ctx.error("cannot reshape ", shape_str(x.shape), " (", numel, " elements) to ",
                  ints_str(target));
      out[size_t(unknown)] = numel / known;
    } else if (known != numel) {
      ctx.error("cannot reshape ", shape_str(x.shape), " (", numel, " elements) to ",
                ints_str(target), " (", known, " elements)");
    }
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }

 private:
  bool from_attr_ = false, allowzero_ = false;
  std::vector<int64_t> shape_attr_;
};

class FlattenOp : public ViewOp {
 public:
  explicit FlattenOp(const OpBuildContext& ctx)
      : axis_(ctx.node.get_int("axis", 1)), allow_negative_(ctx.opset >= 11) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    int64_t r = int64_t(x.shape.size());
    if (axis_ < 0 && !allow_negative_)
      ctx.error("axis ", axis_, " must be non-negative before opset 11");
    int64_t a = norm_axis(ctx, axis_, r, "axis", true);
    ctx.outputs[0] = {x.dtype,
                      {dims_product(x.shape, 0, size_t(a)), dims_product(x.shape, size_t(a), size_t(r))},
                      nullptr};
    return true;
  }

 private:
  int64_t axis_;
  bool allow_negative_;
};

// Squeeze / Unsqueeze: axes from the attribute (opset < 13) or the optional input 1.
class SqueezeOp : public ViewOp {
 public:
  SqueezeOp(const OpBuildContext& ctx, bool unsqueeze) : unsqueeze_(unsqueeze) {
    from_input_ = ctx.opset >= 13;
    if (!from_input_) {
      has_axes_ = ctx.node.has("axes");
      axes_ = ctx.node.get_ints("axes");
    } else {
      has_axes_ = ctx.node.input_present(1);
    }
    if (unsqueeze_ && !has_axes_)
      ctx.invalid(from_input_ ? "input 'axes' is required" : "attribute 'axes' is required");
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    std::vector<int64_t> axes = axes_;
    if (from_input_ && has_axes_) {
      const TensorInfo& a = need_input(ctx, 1, "axes");
      check_int_input(ctx, 1, "axes", false);
      if (a.shape.size() > 1) ctx.error("input 'axes' must be 1-D, got shape ", shape_str(a.shape));
      if (!ctx.input_ints(1, &axes)) return false;
    }
    const int64_t r = int64_t(x.shape.size());
    Shape out;
    if (unsqueeze_) {
      const int64_t ro = r + int64_t(axes.size());
      std::vector<char> inserted(size_t(ro), 0);
      for (int64_t a : axes) {
        int64_t n = norm_axis(ctx, a, ro, "axis", false);
        if (inserted[size_t(n)]) ctx.error("axes ", ints_str(axes), " has a duplicate axis ", a);
        inserted[size_t(n)] = 1;
      }
      size_t k = 0;
      for (int64_t d = 0; d < ro; ++d) out.push_back(inserted[size_t(d)] ? 1 : x.shape[k++]);
    } else {
      std::vector<char> drop(size_t(r), 0);
      if (!has_axes_ || axes.empty()) {
        for (int64_t d = 0; d < r; ++d) drop[size_t(d)] = x.shape[size_t(d)] == 1;
      }
      for (int64_t a : axes) {
        int64_t n = norm_axis(ctx, a, r, "axis", false);
        if (x.shape[size_t(n)] != 1)
          ctx.error("cannot squeeze axis ", a, " of input ", shape_str(x.shape), ": its size is ",
                    x.shape[size_t(n)], ", expected 1");
        drop[size_t(n)] = 1;
      }
      for (int64_t d = 0; d < r; ++d)
        if (!drop[size_t(d)]) out.push_back(x.shape[size_t(d)]);
    }
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }

 private:
  bool unsqueeze_, from_input_ = false, has_axes_ = false;
  std::vector<int64_t> axes_;
};

// A sequence or optional input (opset 14+/16+) is handed on as it is: such values are only
// seen at run time (takes_any_value), where infer() declines and run() assigns the output.
class IdentityOp : public ViewOp {
 public:
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    if (x.value && !x.value->is_tensor()) return false;
    ctx.outputs[0] = {x.dtype, x.shape, nullptr};
    return true;
  }
  bool takes_any_value() const override { return true; }
  bool outputs_from_run() const override { return true; }
  void run(ExecContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (x && !x->is_tensor()) {
      if (ctx.outputs[0]) *ctx.outputs[0] = *x;
      return;
    }
    ViewOp::run(ctx);
  }
};

// Dropout in inference: output = input; the optional mask is all ones (every element kept).
// Opsets 7-9 type the mask like the input, 10+ as bool. Before opset 7, is_test is ignored:
// an inference runtime always runs in test mode. From opset 12 a true training_mode input
// drops each element with probability `ratio` (input 1, default 0.5, in [0, 1)) and scales the
// kept ones by 1 / (1 - ratio); the random source is random_util.h's (seeded by `seed`).
class DropoutOp : public Op {
 public:
  explicit DropoutOp(const OpBuildContext& ctx) : desc_(ctx.node.describe()), random_(ctx.node) {
    mask_wanted_ = ctx.node.outputs.size() > 1 && !ctx.node.outputs[1].empty();
    mask_is_bool_ = ctx.opset >= 10;
    training_input_ = ctx.opset >= 12 && ctx.node.input_present(2);
    const Tensor* t = training_input_ ? ctx.const_input(2) : nullptr;
    maybe_training_ = training_input_ && !(t && t->numel() > 0 && t->scalar_as_double(0) == 0);
  }
  // The mask, and the output in training mode, must be written by run().
  bool is_view() const override { return !mask_wanted_ && !maybe_training_; }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    if (training_input_) {
      const TensorInfo* t = ctx.input(2);
      if (t && t->dtype != DType::Bool)
        ctx.error("input 'training_mode' must be bool, got ", dtype_name(t->dtype));
      if (t && shape_numel(t->shape) != 1) ctx.error("input 'training_mode' must be a scalar");
      const TensorInfo* r = ctx.input(1);
      if (r && (!dtype_is_float(r->dtype) || shape_numel(r->shape) != 1))
        ctx.error("input 'ratio' must be a float scalar, got ", dtype_name(r->dtype), " ", shape_str(r->shape));
      if (t && !dtype_is_float(x.dtype) && !(t->value && t->value->scalar_as_double(0) == 0))
        ctx.error("training_mode needs float data, got ", dtype_name(x.dtype));
    }
    ctx.outputs[0] = {x.dtype, x.shape, nullptr};
    if (ctx.outputs.size() > 1) {
      // Before opset 10 the mask has the data's type: all ones, which a string cannot hold.
      if (!mask_is_bool_ && x.dtype == DType::String) ctx.error("output 'mask' cannot be a string tensor");
      ctx.outputs[1] = {mask_is_bool_ ? DType::Bool : x.dtype, x.shape, nullptr};
    }
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor* tm = training_input_ ? ctx.input(2) : nullptr;
    if (tm && tm->numel() > 0 && tm->scalar_as_double(0) != 0) {
      const Tensor* r = ctx.input(1);
      const double ratio = r ? r->scalar_as_double(0) : 0.5;
      if (!(ratio >= 0 && ratio < 1))
        fail(ErrorCode::InvalidInput, desc_, ": ratio must be in [0, 1) in training mode, got ", ratio);
      if (ratio > 0) return run_training(ctx, ratio);
    }
    copy_tensor_data(ctx.pool, *ctx.inputs[0], *ctx.outputs[0]);
    Tensor* mask = ctx.outputs.size() > 1 ? ctx.outputs[1] : nullptr;
    if (mask && mask->numel() > 0) {
      uint64_t one = 0;
      store_scalar(mask->dtype, 1.0, &one);
      fill_bytes(mask->dtype, mask->data, mask->numel(), &one);
    }
  }

 private:
  // y = mask ? x / (1 - ratio) : 0 with mask[i] = (uniform_i >= ratio).
  void run_training(ExecContext& ctx, double ratio) const {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    Tensor* mask = ctx.outputs.size() > 1 ? ctx.outputs[1] : nullptr;
    const uint64_t key = random_.next_key();
    const double scale = 1.0 / (1.0 - ratio);
    const int64_t n = x.numel();
    visit_dtype(x.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (is_float_v<T>) {
        const T* px = static_cast<const T*>(x.data);
        T* py = static_cast<T*>(y.data);
        uint8_t* pm = mask && mask->dtype == DType::Bool ? static_cast<uint8_t*>(mask->data) : nullptr;
        T* pmt = mask && mask->dtype != DType::Bool ? static_cast<T*>(mask->data) : nullptr;
        ctx.pool.parallel_for(n, kEltwiseGrain, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) {
            const bool keep = random_unit(key, uint64_t(i)) >= ratio;
            py[i] = elem_from_double<T>(keep ? elem_to_double(px[i]) * scale : 0.0);
            if (pm) pm[i] = keep;
            if (pmt) pmt[i] = elem_from_double<T>(keep ? 1.0 : 0.0);
          }
        });
      }
    });
  }

  std::string desc_;
  bool mask_wanted_ = false, mask_is_bool_ = true, training_input_ = false, maybe_training_ = false;
  RandomSource random_;
};

// Shape (with start/end from opset 15) and Size: values from the input's shape only.
class ShapeOp : public Op {
 public:
  ShapeOp(const OpBuildContext& ctx, bool size) : size_(size) {
    if (!size && ctx.opset >= 15) {
      start_ = ctx.node.get_int("start", 0);
      has_end_ = ctx.node.has("end");
      end_ = ctx.node.get_int("end", 0);
    }
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    if (size_) {
      ctx.outputs[0] = {DType::Int64, {}, nullptr};
    } else {
      auto [b, e] = range(int64_t(x.shape.size()));
      ctx.outputs[0] = {DType::Int64, {e - b}, nullptr};
    }
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    int64_t* out = ctx.outputs[0]->ptr<int64_t>();
    if (size_) { out[0] = x.numel(); return; }
    auto [b, e] = range(x.rank());
    for (int64_t d = b; d < e; ++d) out[d - b] = x.shape[size_t(d)];
  }

 private:
  std::pair<int64_t, int64_t> range(int64_t r) const {
    auto clamp = [r](int64_t v) {
      if (v < 0) v += r;
      return std::min(std::max<int64_t>(v, 0), r);
    };
    int64_t b = clamp(start_), e = has_end_ ? clamp(end_) : r;
    return {b, std::max(b, e)};
  }
  bool size_;
  int64_t start_ = 0, end_ = 0;
  bool has_end_ = false;
};

}  // namespace

void register_reshape_ops() {
  auto reshape = [](const OpBuildContext& c) { return std::make_unique<ReshapeOp>(c); };
  register_op("", "Reshape", 1, kTensorMaxOpset, reshape);
  register_op("", "Flatten", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<FlattenOp>(c); });
  register_op("", "Squeeze", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<SqueezeOp>(c, false); });
  register_op("", "Unsqueeze", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<SqueezeOp>(c, true); });
  register_op("", "Identity", 1, kTensorMaxOpset,
              [](const OpBuildContext&) { return std::make_unique<IdentityOp>(); });
  // Dropout 22 changes type constraints only (adds float8); keep to the range we know.
  register_op("", "Dropout", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<DropoutOp>(c); });
  register_op("", "Shape", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<ShapeOp>(c, false); });
  register_op("", "Size", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<ShapeOp>(c, true); });
}

}  // namespace li
