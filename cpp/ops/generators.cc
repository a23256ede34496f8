// Ops that generate values rather than move them: ConstantOfShape, Range, EyeLike, OneHot,
// Trilu, NonZero. Shapes that depend on input values (ConstantOfShape, Range, OneHot depth,
// NonZero) make infer() return false until the values are known.
#include <algorithm>
#include <cmath>

#include "ops/tensor_util.h"

namespace li {

namespace {

class ConstantOfShapeOp : public Op {
 public:
  explicit ConstantOfShapeOp(const OpBuildContext& ctx) {
    const Tensor* v = ctx.node.get_tensor("value");
    if (v) {
      if (v->numel() != 1) ctx.invalid("attribute 'value' must have one element, got ", v->numel());
      if (v->dtype == DType::String || dtype_size(v->dtype) == 0)
        ctx.unsupported("a 'value' of dtype ", dtype_name(v->dtype));
      dtype_ = v->dtype;
      std::memcpy(&value_, v->data, dtype_size(v->dtype));
    }
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& s = need_input(ctx, 0, "input");
    if (s.dtype != DType::Int64) ctx.error("input must be int64, got ", dtype_name(s.dtype));
    if (s.shape.size() > 1) ctx.error("input must be 1-D, got shape ", shape_str(s.shape));
    std::vector<int64_t> dims;
    if (!ctx.input_ints(0, &dims)) return false;
    for (int64_t d : dims)
      if (d < 0) ctx.error("shape ", ints_str(dims), " has a negative dimension");
    shape_numel(dims);
    ctx.outputs[0] = {dtype_, dims, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    Tensor& y = *ctx.outputs[0];
    const int64_t n = y.numel();
    const size_t es = dtype_size(dtype_);
    ctx.pool.parallel_for(n, kCopyGrainBytes / int64_t(es), [&](int64_t b, int64_t e) {
      fill_bytes(dtype_, static_cast<char*>(y.data) + b * int64_t(es), e - b, &value_);
    });
  }

 private:
  DType dtype_ = DType::Float32;
  uint64_t value_ = 0;  // the element's bytes (float 0 by default)
};

// Range: start + i * delta for i < max(ceil((limit - start) / delta), 0).
class RangeOp : public Op {
 public:
  bool infer(InferContext& ctx) const override {
    const TensorInfo& s = need_input(ctx, 0, "start");
    need_input(ctx, 1, "limit");
    need_input(ctx, 2, "delta");
    check_same_dtype(ctx, 1, "limit");
    check_same_dtype(ctx, 2, "delta");
    DType t = s.dtype;
    if (t != DType::Float32 && t != DType::Float64 && t != DType::Int16 && t != DType::Int32 &&
        t != DType::Int64)
      ctx.error("dtype ", dtype_name(t), " is not supported (float32, float64, int16, int32, int64)");
    for (size_t i = 0; i < 3; ++i)
      if (shape_numel(ctx.input(i)->shape) != 1)
        ctx.error("input ", i, " must be a scalar, got shape ", shape_str(ctx.input(i)->shape));
    if (!s.value || !ctx.input(1)->value || !ctx.input(2)->value) return false;
    ctx.outputs[0] = {t, {count(ctx, *s.value, *ctx.input(1)->value, *ctx.input(2)->value)}, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    Tensor& y = *ctx.outputs[0];
    const Tensor &s = *ctx.inputs[0], &d = *ctx.inputs[2];
    const int64_t n = y.numel();
    switch (y.dtype) {
      case DType::Float32: {
        float a = s.ptr<float>()[0], k = d.ptr<float>()[0];
        for (int64_t i = 0; i < n; ++i) y.ptr<float>()[i] = a + float(i) * k;
        break;
      }
      case DType::Float64: {
        double a = s.ptr<double>()[0], k = d.ptr<double>()[0];
        for (int64_t i = 0; i < n; ++i) y.ptr<double>()[i] = a + double(i) * k;
        break;
      }
      case DType::Int16: fill_int<int16_t>(s, d, y, n); break;
      case DType::Int32: fill_int<int32_t>(s, d, y, n); break;
      default: fill_int<int64_t>(s, d, y, n); break;
    }
  }

 private:
  template <class T>
  static void fill_int(const Tensor& s, const Tensor& d, Tensor& y, int64_t n) {
    int64_t a = s.ptr<T>()[0], k = d.ptr<T>()[0];
    for (int64_t i = 0; i < n; ++i) y.ptr<T>()[i] = T(a + i * k);
  }
  static int64_t count(const InferContext& ctx, const Tensor& s, const Tensor& l, const Tensor& d) {
    if (dtype_is_float(s.dtype)) {
      double a = s.scalar_as_double(0), b = l.scalar_as_double(0), k = d.scalar_as_double(0);
      if (k == 0) ctx.error("delta must not be zero");
      double n = std::ceil((b - a) / k);
      if (!(n < double(int64_t(1) << 40))) {
        if (n > 0 || std::isnan(n))
          ctx.error("start ", a, ", limit ", b, ", delta ", k, " give too many elements");
      }
      return n > 0 ? int64_t(n) : 0;
    }
    int64_t a = s.to_int64_vector()[0], b = l.to_int64_vector()[0], k = d.to_int64_vector()[0];
    if (k == 0) ctx.error("delta must not be zero");
    // ceil((b - a) / k) on magnitudes in uint64: the difference of two int64 may overflow
    // int64 but its magnitude fits uint64 (no __int128: 32-bit ARM has none).
    if (b == a || (b > a) != (k > 0)) return 0;
    const uint64_t diff = b > a ? uint64_t(b) - uint64_t(a) : uint64_t(a) - uint64_t(b);
    const uint64_t step = k > 0 ? uint64_t(k) : uint64_t(0) - uint64_t(k);
    const uint64_t n = diff / step + (diff % step != 0 ? 1 : 0);
    if (n > (uint64_t(1) << 40))
      ctx.error("start ", a, ", limit ", b, ", delta ", k, " give too many elements");
    return int64_t(n);
  }
};

class EyeLikeOp : public Op {
 public:
  explicit EyeLikeOp(const OpBuildContext& ctx) : k_(ctx.node.get_int("k", 0)) {
    if (ctx.node.has("dtype")) {
      int64_t raw = ctx.node.get_int("dtype", 0);
      if (!dtype_valid(int32_t(raw)) || DType(raw) == DType::String)
        ctx.unsupported("dtype ", raw);
      dtype_ = DType(raw);
    }
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    if (x.shape.size() != 2) ctx.error("input must be 2-D, got shape ", shape_str(x.shape));
    DType t = dtype_ == DType::Undefined ? x.dtype : dtype_;
    if (t == DType::String) ctx.error("string output is not supported");
    ctx.outputs[0] = {t, x.shape, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    Tensor& y = *ctx.outputs[0];
    const int64_t rows = y.shape[0], cols = y.shape[1];
    const size_t es = dtype_size(y.dtype);
    std::memset(y.data, 0, y.nbytes());
    uint64_t one = 0;
    store_scalar(y.dtype, 1.0, &one);
    for (int64_t i = 0; i < rows; ++i) {
      int64_t j = i + k_;
      if (j >= 0 && j < cols)
        std::memcpy(static_cast<char*>(y.data) + size_t(i * cols + j) * es, &one, es);
    }
  }

 private:
  int64_t k_;
  DType dtype_ = DType::Undefined;
};

class OneHotOp : public Op {
 public:
  explicit OneHotOp(const OpBuildContext& ctx)
      : axis_(ctx.node.get_int("axis", -1)), negative_ok_(ctx.opset >= 11) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& ind = need_input(ctx, 0, "indices");
    const TensorInfo& depth = need_input(ctx, 1, "depth");
    const TensorInfo& values = need_input(ctx, 2, "values");
    if (ind.dtype == DType::String || ind.dtype == DType::Bool || depth.dtype == DType::String)
      ctx.error("'indices' and 'depth' must be numeric");
    if (shape_numel(depth.shape) != 1)
      ctx.error("'depth' must have one element, got shape ", shape_str(depth.shape));
    if (shape_numel(values.shape) != 2)
      ctx.error("'values' must have two elements [off, on], got shape ", shape_str(values.shape));
    std::vector<double> dv;
    if (!input_doubles(ctx, 1, &dv)) return false;
    if (!(dv[0] >= 0) || dv[0] > 1e12) ctx.error("depth ", dv[0], " must be non-negative");
    const int64_t d = int64_t(dv[0]);
    const int64_t r = int64_t(ind.shape.size());
    const int64_t a = norm_axis(ctx, axis_, r + 1, "axis");
    Shape out = ind.shape;
    out.insert(out.begin() + a, d);
    ctx.outputs[0] = {values.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& ind = *ctx.inputs[0];
    const Tensor& values = *ctx.inputs[2];
    Tensor& y = *ctx.outputs[0];
    const int64_t r = ind.rank();
    const int64_t a = axis_ < 0 ? axis_ + r + 1 : axis_;
    const int64_t depth = y.shape[size_t(a)];
    const int64_t outer = dims_product(ind.shape, 0, size_t(a));
    const int64_t inner = dims_product(ind.shape, size_t(a), ind.shape.size());
    if (y.numel() == 0) return;
    visit_elem(y.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T off = elems<T>(values)[0], on = elems<T>(values)[1];
      T* dst = elems<T>(y);
      std::fill(dst, dst + y.numel(), off);
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          double v = ind.scalar_as_double(o * inner + i);
          int64_t k = int64_t(v);
          if (k < 0 && negative_ok_) k += depth;
          if (k >= 0 && k < depth) dst[(o * depth + k) * inner + i] = on;
        }
    });
  }

 private:
  int64_t axis_;
  bool negative_ok_;
};

class TriluOp : public Op {
 public:
  explicit TriluOp(const OpBuildContext& ctx) : upper_(ctx.node.get_int("upper", 1) != 0) {}
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    if (x.shape.size() < 2) ctx.error("input must have rank >= 2, got shape ", shape_str(x.shape));
    if (const TensorInfo* k = ctx.input(1)) {
      if (k->dtype != DType::Int64) ctx.error("input 'k' must be int64, got ", dtype_name(k->dtype));
      if (shape_numel(k->shape) != 1)
        ctx.error("input 'k' must be a scalar, got shape ", shape_str(k->shape));
    }
    ctx.outputs[0] = {x.dtype, x.shape, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    const int64_t k = ctx.input(1) ? ctx.inputs[1]->ptr<int64_t>()[0] : 0;
    const size_t r = x.shape.size();
    const int64_t rows = x.shape[r - 2], cols = x.shape[r - 1];
    const int64_t mats = rows * cols == 0 ? 0 : x.numel() / (rows * cols);
    visit_elem(x.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = elems<T>(x);
      T* dst = elems<T>(y);
      int64_t grain = std::max<int64_t>(1, copy_grain<T>() / std::max<int64_t>(1, cols));
      ctx.pool.parallel_for(mats * rows, grain, [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
          const int64_t i = row % rows;
          const T* s = src + row * cols;
          T* d = dst + row * cols;
          // Kept columns: j >= i + k (upper) or j <= i + k (lower).
          int64_t edge = i + k;
          for (int64_t j = 0; j < cols; ++j) d[j] = (upper_ ? j >= edge : j <= edge) ? s[j] : T{};
        }
      });
    });
  }

 private:
  bool upper_;
};

class NonZeroOp : public Op {
 public:
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "X");
    if (x.dtype == DType::String) ctx.error("string input is not supported");
    if (!x.value) return false;  // the output length is the count of non-zeros
    int64_t r = std::max<int64_t>(1, int64_t(x.shape.size()));
    ctx.outputs[0] = {DType::Int64, {r, count(*x.value)}, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    const int64_t nnz = y.shape[1], n = x.numel();
    const size_t r = std::max<size_t>(1, x.shape.size());
    Shape shape = x.shape.empty() ? Shape{1} : x.shape;
    std::vector<int64_t> idx(r, 0);
    int64_t* out = y.ptr<int64_t>();
    int64_t col = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (nonzero(x, i) && col < nnz) {
        for (size_t d = 0; d < r; ++d) out[int64_t(d) * nnz + col] = idx[d];
        ++col;
      }
      for (size_t d = r; d-- > 0;) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
  }

 private:
  static bool nonzero(const Tensor& x, int64_t i) {
    switch (x.dtype) {
      case DType::Float32: return x.ptr<float>()[i] != 0.f;
      case DType::Float64: return x.ptr<double>()[i] != 0.0;
      case DType::Float16: case DType::BFloat16: return (x.ptr<uint16_t>()[i] & 0x7fff) != 0;
      default: break;
    }
    const uint8_t* p = static_cast<const uint8_t*>(x.data) + size_t(i) * dtype_size(x.dtype);
    for (size_t b = 0; b < dtype_size(x.dtype); ++b)
      if (p[b]) return true;
    return false;
  }
  static int64_t count(const Tensor& x) {
    int64_t c = 0;
    for (int64_t i = 0; i < x.numel(); ++i) c += nonzero(x, i);
    return c;
  }
};

}  // namespace

void register_generator_ops() {
  register_op("", "ConstantOfShape", 9, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<ConstantOfShapeOp>(c); });
  register_op("", "Range", 11, kTensorMaxOpset,
              [](const OpBuildContext&) { return std::make_unique<RangeOp>(); });
  register_op("", "EyeLike", 9, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<EyeLikeOp>(c); });
  register_op("", "OneHot", 9, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<OneHotOp>(c); });
  register_op("", "Trilu", 14, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<TriluOp>(c); });
  register_op("", "NonZero", 9, kTensorMaxOpset,
              [](const OpBuildContext&) { return std::make_unique<NonZeroOp>(); });
}

}  // namespace li
