// Index-driven data movement: Gather, GatherElements, GatherND, ScatterElements (and the
// deprecated Scatter), ScatterND. Indices may be negative (counted from the end). Out-of-range
// indices are an error: validated in infer() when the indices are constants, and always in run()
// before any element moves (run() throws InvalidInput outside the parallel loops), so no kernel
// can read or write out of bounds.
#include <algorithm>

#include "ops/tensor_util.h"

namespace li {

namespace {

// Index i of an int32/int64 tensor.
inline int64_t index_at(const Tensor& t, int64_t i) {
  return t.dtype == DType::Int32 ? int64_t(t.ptr<int32_t>()[i]) : t.ptr<int64_t>()[i];
}

// Throws (InvalidModel from infer with ctx, InvalidInput from run) when an index of `ind` is
// outside [-dims[j], dims[j]) where j = position % ncomp (ncomp index components per tuple,
// component j addressing axis first_axis + j of 'data').
void check_indices(const InferContext* ctx, const std::string& desc, const Tensor& ind,
                   const int64_t* dims, int64_t ncomp, int64_t first_axis) {
  const int64_t n = ind.numel();
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = index_at(ind, i), dim = dims[i % ncomp];
    if (v >= -dim && v < dim) continue;
    std::string msg = cat("index ", v, " at position ", i, " of 'indices' is out of range for axis ",
                          first_axis + i % ncomp, " of 'data' (size ", dim, ", expected ", -dim,
                          "..", dim - 1, ")");
    if (ctx) ctx->error(msg);
    fail(ErrorCode::InvalidInput, desc, ": ", msg);
  }
}

// ---- Gather ----------------------------------------------------------------------------------
class GatherOp : public Op {
 public:
  explicit GatherOp(const OpBuildContext& ctx)
      : axis_(ctx.node.get_int("axis", 0)), desc_(ctx.node.describe()),
        const_ind_(ctx.const_input(1) != nullptr) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    const TensorInfo& ind = need_input(ctx, 1, "indices");
    check_int_input(ctx, 1, "indices", true);
    const int64_t r = int64_t(x.shape.size());
    if (r == 0) ctx.error("input 'data' must have rank >= 1, got a scalar");
    const int64_t a = norm_axis(ctx, axis_, r, "axis");
    if (const_ind_ && ind.value) check_indices(&ctx, desc_, *ind.value, &x.shape[size_t(a)], 1, a);
    Shape out(x.shape.begin(), x.shape.begin() + a);
    out.insert(out.end(), ind.shape.begin(), ind.shape.end());
    out.insert(out.end(), x.shape.begin() + a + 1, x.shape.end());
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const Tensor& ind = *ctx.inputs[1];
    const int64_t a = axis_ < 0 ? axis_ + x.rank() : axis_;
    const int64_t n = x.shape[size_t(a)];
    check_indices(nullptr, desc_, ind, &n, 1, a);
    const int64_t outer = dims_product(x.shape, 0, size_t(a));
    const int64_t inner = dims_product(x.shape, size_t(a) + 1, x.shape.size());
    const int64_t m = ind.numel();
    if (outer * m * inner == 0) return;
    visit_elem(x.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = elems<T>(x);
      T* dst = elems<T>(*ctx.outputs[0]);
      int64_t grain = std::max<int64_t>(1, copy_grain<T>() / inner);
      ctx.pool.parallel_for(outer * m, grain, [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
          int64_t o = row / m, j = index_at(ind, row % m);
          if (j < 0) j += n;
          const T* s = src + (o * n + j) * inner;
          if (inner == 1) dst[row] = *s;
          else std::copy_n(s, inner, dst + row * inner);
        }
      });
    });
  }

 private:
  int64_t axis_;
  std::string desc_;
  bool const_ind_;  // constant indices: a bad one is a model error, caught in infer()
};

// ---- GatherElements / ScatterElements (shared addressing) -------------------------------------
// For each element of `indices` (shape ishape): the flat offset in a tensor of shape dshape of
// the same position with the axis coordinate replaced by the index. Calls f(k, offset) for
// elements [b, e) in order.
template <class F>
void for_each_element_offset(const Shape& ishape, const Shape& dshape, int64_t axis,
                             const Tensor& ind, int64_t b, int64_t e, F f) {
  const size_t r = ishape.size();
  std::vector<int64_t> dstride = shape_strides(dshape);
  const int64_t last = ishape[r - 1];
  const int64_t dim = dshape[size_t(axis)];
  for (int64_t k = b; k < e;) {
    // Row base (all coordinates but the last, the axis one excluded).
    int64_t row = k / last, col = k % last, base = 0;
    for (size_t d = r - 1; d-- > 0;) {
      int64_t i = row % ishape[d];
      row /= ishape[d];
      if (int64_t(d) != axis) base += i * dstride[d];
    }
    int64_t stop = std::min(e, k + (last - col));
    for (; k < stop; ++k, ++col) {
      int64_t j = index_at(ind, k);
      if (j < 0) j += dim;
      int64_t off = base + j * dstride[size_t(axis)];
      if (int64_t(r - 1) != axis) off += col;
      f(k, off);
    }
  }
}

// Checks shared by GatherElements and ScatterElements: same rank, indices within data's dims.
int64_t check_elements_shapes(const InferContext& ctx, const Shape& data, const Shape& ind,
                              int64_t axis_attr) {
  const int64_t r = int64_t(data.size());
  if (r == 0) ctx.error("input 'data' must have rank >= 1, got a scalar");
  const int64_t a = norm_axis(ctx, axis_attr, r, "axis");
  if (int64_t(ind.size()) != r)
    ctx.error("'indices' ", shape_str(ind), " must have the rank of 'data' ", shape_str(data));
  for (int64_t d = 0; d < r; ++d)
    if (d != a && ind[size_t(d)] > data[size_t(d)])
      ctx.error("'indices' ", shape_str(ind), " exceeds 'data' ", shape_str(data), " on axis ", d);
  return a;
}

class GatherElementsOp : public Op {
 public:
  explicit GatherElementsOp(const OpBuildContext& ctx)
      : axis_(ctx.node.get_int("axis", 0)), desc_(ctx.node.describe()),
        const_ind_(ctx.const_input(1) != nullptr) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    const TensorInfo& ind = need_input(ctx, 1, "indices");
    check_int_input(ctx, 1, "indices", true);
    int64_t a = check_elements_shapes(ctx, x.shape, ind.shape, axis_);
    if (const_ind_ && ind.value) check_indices(&ctx, desc_, *ind.value, &x.shape[size_t(a)], 1, a);
    ctx.outputs[0] = {x.dtype, ind.shape, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const Tensor& ind = *ctx.inputs[1];
    const int64_t a = axis_ < 0 ? axis_ + x.rank() : axis_;
    check_indices(nullptr, desc_, ind, &x.shape[size_t(a)], 1, a);
    const int64_t n = ind.numel();
    if (n == 0) return;
    visit_elem(x.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = elems<T>(x);
      T* dst = elems<T>(*ctx.outputs[0]);
      ctx.pool.parallel_for(n, copy_grain<T>() / 4, [&](int64_t b, int64_t e) {
        for_each_element_offset(ind.shape, x.shape, a, ind, b, e,
                                [&](int64_t k, int64_t off) { dst[k] = src[off]; });
      });
    });
  }

 private:
  int64_t axis_;
  std::string desc_;
  bool const_ind_;  // constant indices: a bad one is a model error, caught in infer()
};

// ---- GatherND --------------------------------------------------------------------------------
class GatherNDOp : public Op {
 public:
  explicit GatherNDOp(const OpBuildContext& ctx)
      : batch_dims_(ctx.opset >= 12 ? ctx.node.get_int("batch_dims", 0) : 0),
        desc_(ctx.node.describe()), const_ind_(ctx.const_input(1) != nullptr) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    const TensorInfo& ind = need_input(ctx, 1, "indices");
    if (ctx.input(1)->dtype != DType::Int64)
      ctx.error("input 'indices' must be int64, got ", dtype_name(ind.dtype));
    const int64_t r = int64_t(x.shape.size()), q = int64_t(ind.shape.size()), b = batch_dims_;
    if (r < 1 || q < 1) ctx.error("'data' and 'indices' must have rank >= 1");
    if (b < 0 || b >= std::min(r, q))
      ctx.error("batch_dims ", b, " must be in [0, min(rank(data), rank(indices)) = ",
                std::min(r, q), ")");
    for (int64_t d = 0; d < b; ++d)
      if (x.shape[size_t(d)] != ind.shape[size_t(d)])
        ctx.error("the first batch_dims=", b, " dims of 'data' ", shape_str(x.shape),
                  " and 'indices' ", shape_str(ind.shape), " must match");
    const int64_t k = ind.shape[size_t(q - 1)];
    if (k < 1 || k > r - b)
      ctx.error("the last dim of 'indices' ", shape_str(ind.shape), " is ", k, ", expected 1..",
                r - b);
    if (const_ind_ && ind.value) check_indices(&ctx, desc_, *ind.value, &x.shape[size_t(b)], k, b);
    Shape out(ind.shape.begin(), ind.shape.end() - 1);
    out.insert(out.end(), x.shape.begin() + b + k, x.shape.end());
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const Tensor& ind = *ctx.inputs[1];
    const size_t b = size_t(batch_dims_);
    const int64_t k = ind.shape.back();
    check_indices(nullptr, desc_, ind, &x.shape[b], k, int64_t(b));
    const int64_t batches = dims_product(x.shape, 0, b);
    const int64_t slab = dims_product(x.shape, b, x.shape.size());       // data per batch
    const int64_t chunk = dims_product(x.shape, b + size_t(k), x.shape.size());  // per tuple
    const int64_t tuples = batches == 0 ? 0 : ind.numel() / k / batches;  // per batch
    std::vector<int64_t> strides = shape_strides(Shape(x.shape.begin() + long(b), x.shape.end()));
    const int64_t* pi = ind.ptr<int64_t>();
    if (batches * tuples * chunk == 0) return;
    visit_elem(x.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = elems<T>(x);
      T* dst = elems<T>(*ctx.outputs[0]);
      int64_t grain = std::max<int64_t>(1, copy_grain<T>() / chunk);
      ctx.pool.parallel_for(batches * tuples, grain, [&](int64_t lo, int64_t hi) {
        for (int64_t t = lo; t < hi; ++t) {
          int64_t off = (t / tuples) * slab;
          for (int64_t j = 0; j < k; ++j) {
            int64_t v = pi[t * k + j];
            if (v < 0) v += x.shape[b + size_t(j)];
            off += v * strides[size_t(j)];
          }
          std::copy_n(src + off, chunk, dst + t * chunk);
        }
      });
    });
  }

 private:
  int64_t batch_dims_;
  std::string desc_;
  bool const_ind_;  // constant indices: a bad one is a model error, caught in infer()
};

// ---- Scatter reductions ----------------------------------------------------------------------
enum class Reduction { None, Add, Mul, Max, Min };

Reduction parse_reduction(const OpBuildContext& ctx) {
  std::string r = ctx.node.get_string("reduction", "none");
  if (r == "none") return Reduction::None;
  if (ctx.opset >= 16 && r == "add") return Reduction::Add;
  if (ctx.opset >= 16 && r == "mul") return Reduction::Mul;
  if (ctx.opset >= 18 && r == "max") return Reduction::Max;
  if (ctx.opset >= 18 && r == "min") return Reduction::Min;
  ctx.unsupported("reduction '", r, "' (expected none, add, mul from opset 16, max, min from 18)");
}

struct F16 { uint16_t bits; };
struct BF16 { uint16_t bits; };
template <class T> inline float as_float(T v) { return float(v); }
inline float as_float(F16 v) { return half_to_float(v.bits); }
inline float as_float(BF16 v) { return bf16_to_float(v.bits); }

template <class T>
inline void reduce_into(T& d, const T& s, Reduction r) {
  if constexpr (std::is_same_v<T, std::string>) {
    d = s;  // strings only scatter without a reduction
  } else if constexpr (std::is_same_v<T, F16> || std::is_same_v<T, BF16>) {
    float a = as_float(d), b = as_float(s), y = a;
    switch (r) {
      case Reduction::None: d = s; return;
      case Reduction::Add: y = a + b; break;
      case Reduction::Mul: y = a * b; break;
      case Reduction::Max: y = std::max(a, b); break;
      case Reduction::Min: y = std::min(a, b); break;
    }
    d.bits = std::is_same_v<T, F16> ? float_to_half(y) : float_to_bf16(y);
  } else {
    switch (r) {
      case Reduction::None: d = s; return;
      case Reduction::Add: d = T(d + s); return;
      case Reduction::Mul: d = T(d * s); return;
      case Reduction::Max: d = std::max(d, s); return;
      case Reduction::Min: d = std::min(d, s); return;
    }
  }
}

// Calls f(ElemTag<T>{}) with the arithmetic type of a numeric dtype; false for others.
template <class F>
bool visit_numeric(DType t, F&& f) {
  switch (t) {
    case DType::Float32: f(ElemTag<float>{}); return true;
    case DType::Float64: f(ElemTag<double>{}); return true;
    case DType::Float16: f(ElemTag<F16>{}); return true;
    case DType::BFloat16: f(ElemTag<BF16>{}); return true;
    case DType::Int8: f(ElemTag<int8_t>{}); return true;
    case DType::Int16: f(ElemTag<int16_t>{}); return true;
    case DType::Int32: f(ElemTag<int32_t>{}); return true;
    case DType::Int64: f(ElemTag<int64_t>{}); return true;
    case DType::UInt8: f(ElemTag<uint8_t>{}); return true;
    case DType::UInt16: f(ElemTag<uint16_t>{}); return true;
    case DType::UInt32: f(ElemTag<uint32_t>{}); return true;
    case DType::UInt64: f(ElemTag<uint64_t>{}); return true;
    default: return false;
  }
}

// Runs f with the element type for a scatter: any type for reduction none (moved by size),
// the arithmetic type otherwise.
template <class F>
void visit_scatter(DType t, Reduction r, F&& f) {
  if (r == Reduction::None) { visit_elem(t, f); return; }
  if (!visit_numeric(t, f)) fail(ErrorCode::Internal, "scatter reduction on ", dtype_name(t));
}

void check_reduction_dtype(const InferContext& ctx, DType t, Reduction r) {
  if (r != Reduction::None && (t == DType::String || t == DType::Bool))
    ctx.error("a reduction needs a numeric 'data', got ", dtype_name(t));
}

// ---- ScatterElements / Scatter ---------------------------------------------------------------
class ScatterElementsOp : public Op {
 public:
  explicit ScatterElementsOp(const OpBuildContext& ctx)
      : axis_(ctx.node.get_int("axis", 0)), reduction_(parse_reduction(ctx)),
        desc_(ctx.node.describe()), const_ind_(ctx.const_input(1) != nullptr) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    const TensorInfo& ind = need_input(ctx, 1, "indices");
    const TensorInfo& upd = need_input(ctx, 2, "updates");
    check_int_input(ctx, 1, "indices", true);
    check_same_dtype(ctx, 2, "updates");
    check_reduction_dtype(ctx, x.dtype, reduction_);
    int64_t a = check_elements_shapes(ctx, x.shape, ind.shape, axis_);
    if (upd.shape != ind.shape)
      ctx.error("'updates' ", shape_str(upd.shape), " must have the shape of 'indices' ",
                shape_str(ind.shape));
    if (const_ind_ && ind.value) check_indices(&ctx, desc_, *ind.value, &x.shape[size_t(a)], 1, a);
    ctx.outputs[0] = {x.dtype, x.shape, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const Tensor& ind = *ctx.inputs[1];
    const Tensor& upd = *ctx.inputs[2];
    Tensor& y = *ctx.outputs[0];
    const int64_t a = axis_ < 0 ? axis_ + x.rank() : axis_;
    check_indices(nullptr, desc_, ind, &x.shape[size_t(a)], 1, a);
    copy_tensor_data(ctx.pool, x, y);
    // Sequential: duplicate indices apply in order (reductions would race otherwise).
    visit_scatter(x.dtype, reduction_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* u = elems<T>(upd);
      T* dst = elems<T>(y);
      for_each_element_offset(ind.shape, x.shape, a, ind, 0, ind.numel(),
                              [&](int64_t k, int64_t off) { reduce_into(dst[off], u[k], reduction_); });
    });
  }

 private:
  int64_t axis_;
  Reduction reduction_;
  std::string desc_;
  bool const_ind_;  // constant indices: a bad one is a model error, caught in infer()
};

// ---- ScatterND -------------------------------------------------------------------------------
class ScatterNDOp : public Op {
 public:
  explicit ScatterNDOp(const OpBuildContext& ctx)
      : reduction_(parse_reduction(ctx)), desc_(ctx.node.describe()),
        const_ind_(ctx.const_input(1) != nullptr) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    const TensorInfo& ind = need_input(ctx, 1, "indices");
    const TensorInfo& upd = need_input(ctx, 2, "updates");
    if (ind.dtype != DType::Int64)
      ctx.error("input 'indices' must be int64, got ", dtype_name(ind.dtype));
    check_same_dtype(ctx, 2, "updates");
    check_reduction_dtype(ctx, x.dtype, reduction_);
    const int64_t r = int64_t(x.shape.size()), q = int64_t(ind.shape.size());
    if (r < 1 || q < 1) ctx.error("'data' and 'indices' must have rank >= 1");
    const int64_t k = ind.shape.back();
    if (k < 1 || k > r)
      ctx.error("the last dim of 'indices' ", shape_str(ind.shape), " is ", k, ", expected 1..", r);
    Shape want(ind.shape.begin(), ind.shape.end() - 1);
    want.insert(want.end(), x.shape.begin() + k, x.shape.end());
    if (upd.shape != want)
      ctx.error("'updates' has shape ", shape_str(upd.shape), ", expected ", shape_str(want));
    if (const_ind_ && ind.value) check_indices(&ctx, desc_, *ind.value, x.shape.data(), k, 0);
    ctx.outputs[0] = {x.dtype, x.shape, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const Tensor& ind = *ctx.inputs[1];
    const Tensor& upd = *ctx.inputs[2];
    Tensor& y = *ctx.outputs[0];
    const int64_t k = ind.shape.back();
    check_indices(nullptr, desc_, ind, x.shape.data(), k, 0);
    copy_tensor_data(ctx.pool, x, y);
    const int64_t chunk = dims_product(x.shape, size_t(k), x.shape.size());
    const int64_t tuples = ind.numel() / k;
    std::vector<int64_t> strides = shape_strides(x.shape);
    const int64_t* pi = ind.ptr<int64_t>();
    visit_scatter(x.dtype, reduction_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* u = elems<T>(upd);
      T* dst = elems<T>(y);
      for (int64_t t = 0; t < tuples; ++t) {
        int64_t off = 0;
        for (int64_t j = 0; j < k; ++j) {
          int64_t v = pi[t * k + j];
          if (v < 0) v += x.shape[size_t(j)];
          off += v * strides[size_t(j)];
        }
        for (int64_t c = 0; c < chunk; ++c) reduce_into(dst[off + c], u[t * chunk + c], reduction_);
      }
    });
  }

 private:
  Reduction reduction_;
  std::string desc_;
  bool const_ind_;  // constant indices: a bad one is a model error, caught in infer()
};

}  // namespace

void register_gather_ops() {
  register_op("", "Gather", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<GatherOp>(c); });
  register_op("", "GatherElements", 11, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<GatherElementsOp>(c); });
  register_op("", "GatherND", 11, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<GatherNDOp>(c); });
  auto scatter_elements = [](const OpBuildContext& c) {
    return std::make_unique<ScatterElementsOp>(c);
  };
  register_op("", "Scatter", 9, 10, scatter_elements);  // deprecated alias, no reduction
  register_op("", "ScatterElements", 11, kTensorMaxOpset, scatter_elements);
  register_op("", "ScatterND", 11, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<ScatterNDOp>(c); });
}

}  // namespace li
