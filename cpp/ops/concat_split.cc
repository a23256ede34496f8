// Concat and Split. Both view the tensors as [outer, axis * inner] rows: an output row of Concat
// is the inputs' rows side by side; Split cuts input rows into segments. The work is split over
// output elements, so one big input and many small ones balance the same way.
#include <algorithm>

#include "ops/tensor_util.h"

namespace li {

namespace {

class ConcatOp : public Op {
 public:
  explicit ConcatOp(const OpBuildContext& ctx) {
    if (ctx.opset >= 4 && !ctx.node.has("axis")) ctx.invalid("attribute 'axis' is required");
    axis_ = ctx.node.get_int("axis", 1);
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo* first = nullptr;
    for (size_t i = 0; i < ctx.num_inputs(); ++i)
      if (ctx.input(i)) { first = ctx.input(i); break; }
    if (!first) ctx.error("needs at least one input");
    const int64_t r = int64_t(first->shape.size());
    if (r == 0) ctx.error("cannot concatenate scalars (inputs must have rank >= 1)");
    const int64_t a = norm_axis(ctx, axis_, r, "axis");
    Shape out = first->shape;
    out[size_t(a)] = 0;
    for (size_t i = 0; i < ctx.num_inputs(); ++i) {
      const TensorInfo* t = ctx.input(i);
      if (!t) continue;
      if (t->dtype != first->dtype)
        ctx.error("input ", i, " has dtype ", dtype_name(t->dtype), ", expected ",
                  dtype_name(first->dtype), " like the first input");
      bool ok = int64_t(t->shape.size()) == r;
      for (int64_t d = 0; ok && d < r; ++d)
        if (d != a && t->shape[size_t(d)] != first->shape[size_t(d)]) ok = false;
      if (!ok)
        ctx.error("input ", i, " has shape ", shape_str(t->shape), ", incompatible with ",
                  shape_str(first->shape), " for concatenation on axis ", a);
      out[size_t(a)] += t->shape[size_t(a)];
    }
    ctx.outputs[0] = {first->dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    Tensor& y = *ctx.outputs[0];
    const int64_t a = axis_ < 0 ? axis_ + y.rank() : axis_;
    const int64_t outer = dims_product(y.shape, 0, size_t(a));
    const int64_t inner = dims_product(y.shape, size_t(a) + 1, y.shape.size());
    std::vector<const Tensor*> ins;
    std::vector<int64_t> seg_end;  // cumulative end of each input's segment within a row
    int64_t row = 0;
    for (const Tensor* t : ctx.inputs) {
      if (!t || t->numel() == 0) continue;
      ins.push_back(t);
      row += t->shape[size_t(a)] * inner;
      seg_end.push_back(row);
    }
    if (row == 0 || outer == 0) return;
    visit_elem(y.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* dst = elems<T>(y);
      std::vector<const T*> srcs;
      for (const Tensor* t : ins) srcs.push_back(elems<T>(*t));
      ctx.pool.parallel_for(outer * row, copy_grain<T>(), [&](int64_t b, int64_t e) {
        int64_t o = b / row, c = b % row;
        size_t s = size_t(std::upper_bound(seg_end.begin(), seg_end.end(), c) - seg_end.begin());
        for (int64_t k = b; k < e;) {
          int64_t seg_begin = s ? seg_end[s - 1] : 0;
          int64_t n = std::min(seg_end[s] - c, e - k);
          int64_t len = seg_end[s] - seg_begin;
          std::copy_n(srcs[s] + o * len + (c - seg_begin), n, dst + k);
          k += n;
          c += n;
          if (c == seg_end[s]) {
            if (++s == seg_end.size()) { s = 0; c = 0; ++o; }
          }
        }
      });
    });
  }

 private:
  int64_t axis_;
};

// Split: sizes from the `split` attribute (opset < 13; opset 1 also as input 1), input 1
// (opset 13+), `num_outputs` (opset 18: chunks of ceil(dim / n), the last one smaller), or
// else equal parts over the node's outputs.
class SplitOp : public Op {
 public:
  explicit SplitOp(const OpBuildContext& ctx) {
    axis_ = ctx.node.get_int("axis", 0);
    n_outputs_ = int64_t(ctx.node.outputs.size());
    if (ctx.opset < 13 && ctx.node.has("split")) {
      has_split_attr_ = true;
      split_attr_ = ctx.node.get_ints("split");
    }
    split_input_ = (ctx.opset >= 13 || ctx.opset == 1) && ctx.node.input_present(1);
    if (ctx.opset >= 18 && ctx.node.has("num_outputs")) {
      num_outputs_ = ctx.node.get_int("num_outputs", 0);
      if (split_input_) ctx.invalid("input 'split' and attribute 'num_outputs' are exclusive");
      if (num_outputs_ != n_outputs_)
        ctx.invalid("num_outputs is ", num_outputs_, " but the node has ", n_outputs_, " outputs");
    }
    if (n_outputs_ < 1) ctx.invalid("needs at least one output");
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    const int64_t r = int64_t(x.shape.size());
    if (r == 0) ctx.error("cannot split a scalar");
    const int64_t a = norm_axis(ctx, axis_, r, "axis");
    const int64_t dim = x.shape[size_t(a)];
    std::vector<int64_t> sizes;
    if (split_input_) {
      check_int_input(ctx, 1, "split", false);
      if (!ctx.input_ints(1, &sizes)) return false;
    } else if (has_split_attr_) {
      sizes = split_attr_;
    }
    if (!sizes.empty()) {  // an empty split (input or attribute) means equal parts
      if (int64_t(sizes.size()) != n_outputs_)
        ctx.error("split ", ints_str(sizes), " has ", sizes.size(), " entries but the node has ",
                  n_outputs_, " outputs");
      int64_t sum = 0;
      for (int64_t s : sizes) {
        if (s < 0) ctx.error("split ", ints_str(sizes), " has a negative size");
        sum += s;
      }
      if (sum != dim)
        ctx.error("split ", ints_str(sizes), " sums to ", sum, " but axis ", a, " of input ",
                  shape_str(x.shape), " has size ", dim);
    } else {
      if (num_outputs_ == 0 && dim % n_outputs_ != 0)
        ctx.error("axis ", a, " of input ", shape_str(x.shape), " (size ", dim,
                  ") cannot be split evenly into ", n_outputs_, " outputs");
      sizes = equal_sizes(dim);
    }
    for (size_t i = 0; i < ctx.outputs.size(); ++i) {
      Shape s = x.shape;
      s[size_t(a)] = sizes[i];
      ctx.outputs[i] = {x.dtype, s, nullptr};
    }
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const int64_t a = axis_ < 0 ? axis_ + x.rank() : axis_;
    const int64_t outer = dims_product(x.shape, 0, size_t(a));
    const int64_t inner = dims_product(x.shape, size_t(a) + 1, x.shape.size());
    const int64_t row = x.shape[size_t(a)] * inner;
    // Sizes as infer() validated them; unused outputs still take their part of each row.
    std::vector<int64_t> sizes = split_attr_;
    if (split_input_) sizes = ctx.inputs[1]->to_int64_vector();
    if (sizes.empty()) sizes = equal_sizes(x.shape[size_t(a)]);
    int64_t offset = 0;
    for (size_t i = 0; i < ctx.outputs.size(); ++i) {
      Tensor* y = ctx.outputs[i];
      const int64_t len = sizes[i] * inner;
      if (y && len > 0 && outer > 0) {
        visit_elem(x.dtype, [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* src = elems<T>(x) + offset;
          T* dst = elems<T>(*y);
          ctx.pool.parallel_for(outer * len, copy_grain<T>(), [&](int64_t b, int64_t e) {
            for (int64_t k = b; k < e;) {
              int64_t o = k / len, c = k % len, n = std::min(len - c, e - k);
              std::copy_n(src + o * row + c, n, dst + k);
              k += n;
            }
          });
        });
      }
      offset += len;
    }
  }

 private:
  // Equal parts over the outputs; with num_outputs (opset 18) chunks of ceil(dim / n).
  std::vector<int64_t> equal_sizes(int64_t dim) const {
    std::vector<int64_t> sizes;
    int64_t chunk = (dim + n_outputs_ - 1) / n_outputs_;
    for (int64_t i = 0; i < n_outputs_; ++i)
      sizes.push_back(std::min(chunk, std::max<int64_t>(0, dim - chunk * i)));
    return sizes;
  }

  int64_t axis_ = 0, n_outputs_ = 0, num_outputs_ = 0;
  bool has_split_attr_ = false, split_input_ = false;
  std::vector<int64_t> split_attr_;
};

}  // namespace

void register_concat_split_ops() {
  register_op("", "Concat", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<ConcatOp>(c); });
  register_op("", "Split", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<SplitOp>(c); });
}

}  // namespace li
