// Sequence and optional ops (ai.onnx): SequenceEmpty, SequenceConstruct, SequenceAt,
// SequenceInsert, SequenceErase, SequenceLength, SplitToSequence, ConcatFromSequence (opset 11+),
// Optional, OptionalHasElement, OptionalGetElement (opset 15+; 18 lets the last two take a plain
// tensor or sequence, and OptionalHasElement an omitted input). SequenceMap, which runs a
// subgraph, lives with the other control-flow ops (control_flow.cc).
//
// Sequence and optional values are Tensors of kind Sequence / Optional (core/tensor.h) whose
// elements own their data and are never written: inserting, erasing or reading an element
// shares the others. These ops make values the plan cannot know, so they always run
// dynamically and assign their outputs (Op::outputs_from_run).
#include <algorithm>

#include "ops/tensor_util.h"

namespace li {

namespace {

class ValueOp : public Op {
 public:
  explicit ValueOp(const OpBuildContext& ctx) : desc_(ctx.node.describe()) {}
  bool infer(InferContext&) const override { return false; }
  bool outputs_from_run() const override { return true; }
  bool takes_any_value() const override { return true; }

 protected:
  template <class... Args>
  [[noreturn]] void bad_input(Args&&... args) const {
    fail(ErrorCode::InvalidInput, desc_, ": ", std::forward<Args>(args)...);
  }

  const Tensor& input(const ExecContext& ctx, size_t i, const char* name, ValueKind kind) const {
    const Tensor* t = ctx.input(i);
    if (!t) fail(ErrorCode::InvalidModel, desc_, ": input '", name, "' is missing");
    if (t->kind != kind)
      fail(ErrorCode::InvalidModel, desc_, ": input '", name, "' must be a ", value_kind_name(kind), ", got a ",
           value_kind_name(t->kind));
    return *t;
  }

  // A position input (int32 or int64, one element) checked against [-n, n - 1], or [-n, n]
  // when `end_ok` (an insertion point); returned non-negative.
  int64_t position(const Tensor& p, int64_t n, bool end_ok) const {
    if (!p.is_tensor() || (p.dtype != DType::Int64 && p.dtype != DType::Int32) || p.numel() != 1)
      bad_input("input 'position' must be an int32 or int64 tensor with one element, got ",
                dtype_name(p.dtype), " ", p.is_tensor() ? shape_str(p.shape) : value_kind_name(p.kind));
    const int64_t pos = p.dtype == DType::Int64 ? *p.ptr<int64_t>() : int64_t(*p.ptr<int32_t>());
    const int64_t hi = end_ok ? n : n - 1;
    if (pos < -n || pos > hi)
      bad_input("position ", pos, " is out of range for a sequence of length ", n, " (allowed: [", -n, ", ", hi, "])");
    return pos < 0 ? pos + n : pos;
  }

  void check_elem(const Tensor& seq, const Tensor& t, const char* what) const {
    if (!t.is_tensor()) bad_input(what, " must be a tensor, got a ", value_kind_name(t.kind));
    if (seq.dtype != DType::Undefined && t.dtype != seq.dtype)
      bad_input(what, " has dtype ", dtype_name(t.dtype), ", the sequence holds ", dtype_name(seq.dtype));
  }

  static void set(ExecContext& ctx, size_t i, Tensor t) {
    if (i < ctx.outputs.size() && ctx.outputs[i]) *ctx.outputs[i] = std::move(t);
  }

  std::string desc_;
};

DType dtype_attr(const OpBuildContext& ctx, DType def) {
  const int64_t d = ctx.node.get_int("dtype", int64_t(def));
  if (d < 0 || d > 0x7fffffff || !dtype_valid(int32_t(d)) || DType(d) == DType::Undefined)
    ctx.invalid("attribute 'dtype' ", d, " is not a tensor element type");
  return DType(d);
}

// ---- SequenceEmpty, SequenceConstruct, SequenceLength ----------------------------------------

class SequenceEmptyOp : public ValueOp {
 public:
  explicit SequenceEmptyOp(const OpBuildContext& ctx) : ValueOp(ctx), dtype_(dtype_attr(ctx, DType::Float32)) {}
  void run(ExecContext& ctx) const override { set(ctx, 0, Tensor::sequence(dtype_, {})); }

 private:
  DType dtype_;
};

class SequenceConstructOp : public ValueOp {
 public:
  explicit SequenceConstructOp(const OpBuildContext& ctx) : ValueOp(ctx) {
    if (ctx.node.num_inputs() < 1) ctx.invalid("needs at least one input");
  }
  void run(ExecContext& ctx) const override {
    std::vector<Tensor> items;
    DType dtype = DType::Undefined;
    for (size_t i = 0; i < ctx.inputs.size(); ++i) {
      const Tensor* t = ctx.input(i);
      if (!t) fail(ErrorCode::InvalidModel, desc_, ": input ", i, " is missing");
      if (!t->is_tensor()) bad_input("input ", i, " must be a tensor, got a ", value_kind_name(t->kind));
      if (i == 0) dtype = t->dtype;
      else if (t->dtype != dtype)
        bad_input("input ", i, " has dtype ", dtype_name(t->dtype), ", input 0 ", dtype_name(dtype),
                  ": a sequence holds one dtype");
      items.push_back(t->owned());
    }
    set(ctx, 0, Tensor::sequence(dtype, std::move(items)));
  }
};

class SequenceLengthOp : public ValueOp {
 public:
  using ValueOp::ValueOp;
  void run(ExecContext& ctx) const override {
    const Tensor& s = input(ctx, 0, "input_sequence", ValueKind::Sequence);
    Tensor out = Tensor::allocate(DType::Int64, {});
    *out.ptr<int64_t>() = int64_t(s.size());
    set(ctx, 0, std::move(out));
  }
};

// ---- SequenceAt, SequenceInsert, SequenceErase -----------------------------------------------

class SequenceAtOp : public ValueOp {
 public:
  using ValueOp::ValueOp;
  void run(ExecContext& ctx) const override {
    const Tensor& s = input(ctx, 0, "input_sequence", ValueKind::Sequence);
    const Tensor* p = ctx.input(1);
    if (!p) fail(ErrorCode::InvalidModel, desc_, ": input 'position' is missing");
    set(ctx, 0, (*s.items)[size_t(position(*p, int64_t(s.size()), false))]);
  }
};

class SequenceInsertOp : public ValueOp {
 public:
  using ValueOp::ValueOp;
  void run(ExecContext& ctx) const override {
    const Tensor& s = input(ctx, 0, "input_sequence", ValueKind::Sequence);
    const Tensor* t = ctx.input(1);
    if (!t) fail(ErrorCode::InvalidModel, desc_, ": input 'tensor' is missing");
    check_elem(s, *t, "input 'tensor'");
    const int64_t n = int64_t(s.size());
    const int64_t at = ctx.input(2) ? position(*ctx.input(2), n, true) : n;
    std::vector<Tensor> items(s.items->begin(), s.items->end());
    items.insert(items.begin() + at, t->owned());
    set(ctx, 0, Tensor::sequence(t->dtype, std::move(items)));
  }
};

class SequenceEraseOp : public ValueOp {
 public:
  using ValueOp::ValueOp;
  void run(ExecContext& ctx) const override {
    const Tensor& s = input(ctx, 0, "input_sequence", ValueKind::Sequence);
    const int64_t n = int64_t(s.size());
    if (n == 0) bad_input("cannot erase from an empty sequence");
    const int64_t at = ctx.input(1) ? position(*ctx.input(1), n, false) : n - 1;
    std::vector<Tensor> items(s.items->begin(), s.items->end());
    items.erase(items.begin() + at);
    set(ctx, 0, Tensor::sequence(s.dtype, std::move(items)));
  }
};

// ---- SplitToSequence, ConcatFromSequence -----------------------------------------------------

// Copies `rows` rows of `row_elems` elements from src (rows contiguous) into dst, whose rows are
// `dst_stride` elements apart, starting at element dst_offset: one concat / split block.
void copy_rows(ThreadPool& pool, DType dtype, const Tensor& src, int64_t src_offset, int64_t src_stride, Tensor& dst,
               int64_t dst_offset, int64_t dst_stride, int64_t rows, int64_t row_elems) {
  if (rows == 0 || row_elems == 0) return;
  visit_elem(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* s = elems<T>(src) + src_offset;
    T* d = elems<T>(dst) + dst_offset;
    const int64_t grain = std::max<int64_t>(1, copy_grain<T>() / row_elems);
    pool.parallel_for(rows, grain, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) std::copy(s + r * src_stride, s + r * src_stride + row_elems, d + r * dst_stride);
    });
  });
}

class SplitToSequenceOp : public ValueOp {
 public:
  explicit SplitToSequenceOp(const OpBuildContext& ctx)
      : ValueOp(ctx), axis_(ctx.node.get_int("axis", 0)), keepdims_(ctx.node.get_int("keepdims", 1) != 0) {}

  void run(ExecContext& ctx) const override {
    const Tensor& x = input(ctx, 0, "input", ValueKind::Tensor);
    const int64_t rank = x.rank();
    if (axis_ < -rank || axis_ >= rank || rank == 0)
      bad_input("axis ", axis_, " is out of range for input of shape ", shape_str(x.shape));
    const size_t axis = size_t(axis_ < 0 ? axis_ + rank : axis_);
    const int64_t dim = x.shape[axis];
    std::vector<int64_t> sizes;
    bool squeeze = false;
    const Tensor* sp = ctx.input(1);
    if (!sp) {
      sizes.assign(size_t(dim), 1);
      squeeze = !keepdims_;
    } else {
      if (!sp->is_tensor() || (sp->dtype != DType::Int64 && sp->dtype != DType::Int32) || sp->rank() > 1)
        bad_input("input 'split' must be an int32 or int64 scalar or 1-D tensor");
      std::vector<int64_t> v = sp->to_int64_vector();
      if (sp->rank() == 0) {
        if (v[0] <= 0) bad_input("split size ", v[0], " must be positive");
        for (int64_t at = 0; at < dim; at += v[0]) sizes.push_back(std::min(v[0], dim - at));
      } else {
        int64_t sum = 0;
        for (int64_t s : v) {
          if (s < 0) bad_input("split lengths ", ints_str(v), " must not be negative");
          sum += s;
        }
        if (sum != dim)
          bad_input("split lengths ", ints_str(v), " sum to ", sum, ", axis ", axis, " of ", shape_str(x.shape),
                    " has ", dim);
        sizes = v;
      }
    }
    const int64_t outer = dims_product(x.shape, 0, axis), inner = dims_product(x.shape, axis + 1, x.shape.size());
    std::vector<Tensor> items;
    int64_t at = 0;
    for (int64_t len : sizes) {
      Shape shape = x.shape;
      shape[axis] = len;
      Tensor part = Tensor::allocate_uninitialized(x.dtype, shape);
      copy_rows(ctx.pool, x.dtype, x, at * inner, dim * inner, part, 0, len * inner, outer, len * inner);
      if (squeeze) part.shape.erase(part.shape.begin() + int64_t(axis));
      items.push_back(std::move(part));
      at += len;
    }
    set(ctx, 0, Tensor::sequence(x.dtype, std::move(items)));
  }

 private:
  int64_t axis_;
  bool keepdims_;
};

class ConcatFromSequenceOp : public ValueOp {
 public:
  explicit ConcatFromSequenceOp(const OpBuildContext& ctx)
      : ValueOp(ctx), new_axis_(ctx.node.get_int("new_axis", 0)) {
    if (!ctx.node.has("axis")) ctx.invalid("needs the attribute 'axis'");
    axis_ = ctx.node.get_int("axis", 0);
    if (new_axis_ != 0 && new_axis_ != 1) ctx.invalid("attribute 'new_axis' must be 0 or 1, got ", new_axis_);
  }

  void run(ExecContext& ctx) const override {
    const Tensor& s = input(ctx, 0, "input_sequence", ValueKind::Sequence);
    if (s.size() == 0) bad_input("cannot concatenate an empty sequence");
    const Tensor& first = (*s.items)[0];
    const int64_t rank = first.rank(), out_rank = rank + new_axis_;
    if (axis_ < -out_rank || axis_ >= out_rank || out_rank == 0)
      bad_input("axis ", axis_, " is out of range for elements of shape ", shape_str(first.shape),
                new_axis_ ? " with new_axis" : "");
    const size_t axis = size_t(axis_ < 0 ? axis_ + out_rank : axis_);
    // Each element as the output sees it: with new_axis, a 1 inserted at `axis`.
    auto view_shape = [&](const Tensor& t) {
      Shape sh = t.shape;
      if (new_axis_) sh.insert(sh.begin() + int64_t(axis), 1);
      return sh;
    };
    Shape out = view_shape(first);
    out[axis] = 0;
    for (size_t k = 0; k < s.size(); ++k) {
      const Tensor& t = (*s.items)[k];
      Shape sh = view_shape(t);
      bool ok = t.dtype == first.dtype && sh.size() == out.size();
      for (size_t d = 0; ok && d < sh.size(); ++d) ok = d == axis || sh[d] == out[d];
      if (!ok)
        bad_input("element ", k, " is ", dtype_name(t.dtype), " ", shape_str(t.shape), ", element 0 ",
                  dtype_name(first.dtype), " ", shape_str(first.shape), ": elements must agree except on axis ",
                  new_axis_ ? "(none with new_axis)" : std::to_string(axis));
      out[axis] += sh[axis];
    }
    Tensor y = Tensor::allocate_uninitialized(first.dtype, out);
    const int64_t outer = dims_product(out, 0, axis), inner = dims_product(out, axis + 1, out.size());
    int64_t at = 0;
    for (const Tensor& t : *s.items) {
      const int64_t len = view_shape(t)[axis];
      copy_rows(ctx.pool, first.dtype, t, 0, len * inner, y, at * inner, out[axis] * inner, outer, len * inner);
      at += len;
    }
    set(ctx, 0, std::move(y));
  }

 private:
  int64_t axis_ = 0, new_axis_ = 0;
};

// ---- Optional, OptionalHasElement, OptionalGetElement ----------------------------------------

class OptionalOp : public ValueOp {
 public:
  explicit OptionalOp(const OpBuildContext& ctx) : ValueOp(ctx) {
    auto it = ctx.node.attrs.find("type");
    if (it != ctx.node.attrs.end()) {
      if (it->second.type != Attribute::TypeProtoT) ctx.invalid("attribute 'type' must be a type");
      dtype_ = it->second.tp.dtype;
    }
    if (!ctx.node.input_present(0) && it == ctx.node.attrs.end())
      ctx.invalid("an Optional without input needs the attribute 'type'");
  }
  void run(ExecContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (x && x->kind == ValueKind::Optional) bad_input("input must be a tensor or a sequence, got an optional");
    set(ctx, 0, Tensor::optional(x ? x->dtype : dtype_, x));
  }

 private:
  DType dtype_ = DType::Undefined;
};

class OptionalHasElementOp : public ValueOp {
 public:
  explicit OptionalHasElementOp(const OpBuildContext& ctx) : ValueOp(ctx), opset_(ctx.opset) {
    if (opset_ < 18 && !ctx.node.input_present(0)) ctx.invalid("needs an input before opset 18");
  }
  void run(ExecContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (x && opset_ < 18 && x->kind != ValueKind::Optional)
      fail(ErrorCode::InvalidModel, desc_, ": input must be an optional before opset 18, got a ",
           value_kind_name(x->kind));
    Tensor out = Tensor::allocate(DType::Bool, {});
    *out.ptr<uint8_t>() = x && (x->kind != ValueKind::Optional || x->size() == 1);
    set(ctx, 0, std::move(out));
  }

 private:
  int64_t opset_;
};

class OptionalGetElementOp : public ValueOp {
 public:
  explicit OptionalGetElementOp(const OpBuildContext& ctx) : ValueOp(ctx), opset_(ctx.opset) {}
  void run(ExecContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) fail(ErrorCode::InvalidModel, desc_, ": input is missing");
    if (x->kind != ValueKind::Optional) {
      if (opset_ < 18)
        fail(ErrorCode::InvalidModel, desc_, ": input must be an optional before opset 18, got a ",
             value_kind_name(x->kind));
      set(ctx, 0, *x);
      return;
    }
    if (x->size() == 0) bad_input("the optional input has no value");
    set(ctx, 0, (*x->items)[0]);
  }

 private:
  int64_t opset_;
};

template <class T>
OpFactory make() {
  return [](const OpBuildContext& c) { return std::make_unique<T>(c); };
}

}  // namespace

void register_sequence_ops() {
  register_op("", "SequenceEmpty", 11, kTensorMaxOpset, make<SequenceEmptyOp>());
  register_op("", "SequenceConstruct", 11, kTensorMaxOpset, make<SequenceConstructOp>());
  register_op("", "SequenceLength", 11, kTensorMaxOpset, make<SequenceLengthOp>());
  register_op("", "SequenceAt", 11, kTensorMaxOpset, make<SequenceAtOp>());
  register_op("", "SequenceInsert", 11, kTensorMaxOpset, make<SequenceInsertOp>());
  register_op("", "SequenceErase", 11, kTensorMaxOpset, make<SequenceEraseOp>());
  register_op("", "SplitToSequence", 11, kTensorMaxOpset, make<SplitToSequenceOp>());
  register_op("", "ConcatFromSequence", 11, kTensorMaxOpset, make<ConcatFromSequenceOp>());
  register_op("", "Optional", 15, kTensorMaxOpset, make<OptionalOp>());
  register_op("", "OptionalHasElement", 15, kTensorMaxOpset, make<OptionalHasElementOp>());
  register_op("", "OptionalGetElement", 15, kTensorMaxOpset, make<OptionalGetElementOp>());
}

}  // namespace li
