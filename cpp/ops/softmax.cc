// Softmax, LogSoftmax, Hardmax.
//   opset 1-12: the input is coerced to 2D at `axis` (default 1): [prod(d[:axis]), prod(d[axis:])]
//               and each row is normalized;
//   opset 13+:  normalization along the single `axis` (default -1).
// Both become [outer, A, inner] with the reduction over A (inner = 1 for the 2D form and for
// the last axis). float32 uses the SIMD row kernels (inner = 1) or column-wise vector kernels
// (inner > 1); float64 a scalar loop; float16/bfloat16 go through float.
#include <cmath>
#include <limits>

#include "kernels/elementwise.h"
#include "ops/eltwise_util.h"

namespace li {

namespace {

enum class Kind { Softmax, LogSoftmax, Hardmax };

// Scalar reference along a strided axis, for double (and Hardmax of every type via float).
template <class T>
void softmax_scalar(const T* x, T* y, int64_t a_len, int64_t stride, Kind kind) {
  T m = x[0];
  int64_t arg = 0;
  for (int64_t a = 1; a < a_len; ++a) {
    T v = x[a * stride];
    if (v > m) { m = v; arg = a; }  // first occurrence of the max
  }
  if (kind == Kind::Hardmax) {
    for (int64_t a = 0; a < a_len; ++a) y[a * stride] = T(a == arg ? 1 : 0);
    return;
  }
  T s = 0;
  for (int64_t a = 0; a < a_len; ++a) s += std::exp(x[a * stride] - m);
  if (kind == Kind::LogSoftmax) {
    T ls = std::log(s);
    for (int64_t a = 0; a < a_len; ++a) y[a * stride] = x[a * stride] - m - ls;
  } else {
    for (int64_t a = 0; a < a_len; ++a) y[a * stride] = std::exp(x[a * stride] - m) / s;
  }
}

// float32 along a non-innermost axis: columns [c0, c1) of one outer slice, vectorized across
// columns with the accumulate kernels.
void softmax_f32_columns(const ElementwiseKernels& k, const float* x, float* y, int64_t a_len,
                         int64_t inner, int64_t c0, int64_t c1, bool log, float* tmp) {
  const int64_t w = c1 - c0;
  float* m = tmp;
  float* s = tmp + w;
  float* e = tmp + 2 * w;
  std::memcpy(m, x + c0, size_t(w) * sizeof(float));
  for (int64_t a = 1; a < a_len; ++a) k.acc_max(m, x + a * inner + c0, w);
  std::memset(s, 0, size_t(w) * sizeof(float));
  for (int64_t a = 0; a < a_len; ++a) {
    const float* xa = x + a * inner + c0;
    float* ya = y + a * inner + c0;
    k.binary[int(BinOp::Sub)](xa, m, ya, w);  // y = x - m (y may alias x)
    if (log) {
      k.unary[int(UnOp::Exp)](ya, e, w);
      k.acc_add(s, e, w);
    } else {
      k.unary[int(UnOp::Exp)](ya, ya, w);
      k.acc_add(s, ya, w);
    }
  }
  if (log) k.unary[int(UnOp::Log)](s, s, w);
  else for (int64_t i = 0; i < w; ++i) s[i] = 1.f / s[i];
  for (int64_t a = 0; a < a_len; ++a) {
    float* ya = y + a * inner + c0;
    k.binary[int(log ? BinOp::Sub : BinOp::Mul)](ya, s, ya, w);
  }
}

constexpr int64_t kColumnBlock = 512;

void softmax_f32(ThreadPool& pool, const float* x, float* y, int64_t outer, int64_t a_len,
                 int64_t inner, Kind kind) {
  const ElementwiseKernels& k = elementwise_kernels();
  const int64_t grain_rows = std::max<int64_t>(1, kEltwiseGrain / std::max<int64_t>(1, a_len));
  if (kind == Kind::Hardmax) {
    pool.parallel_for(outer * inner, grain_rows, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        int64_t o = r / inner, c = r % inner;
        softmax_scalar(x + o * a_len * inner + c, y + o * a_len * inner + c, a_len, inner, kind);
      }
    });
    return;
  }
  if (inner == 1) {
    RowFn row = kind == Kind::Softmax ? k.softmax_row : k.log_softmax_row;
    pool.parallel_for(outer, grain_rows, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) row(x + r * a_len, y + r * a_len, a_len);
    });
    return;
  }
  const int64_t nblk = (inner + kColumnBlock - 1) / kColumnBlock;
  const int64_t grain = std::max<int64_t>(1, kEltwiseGrain / (a_len * std::min(inner, kColumnBlock)));
  pool.parallel_for(outer * nblk, grain, [&](int64_t b, int64_t e) {
    std::vector<float> tmp(size_t(3 * kColumnBlock));
    for (int64_t u = b; u < e; ++u) {
      int64_t o = u / nblk, c0 = (u % nblk) * kColumnBlock, c1 = std::min(inner, c0 + kColumnBlock);
      softmax_f32_columns(k, x + o * a_len * inner, y + o * a_len * inner, a_len, inner, c0, c1,
                          kind == Kind::LogSoftmax, tmp.data());
    }
  });
}

class SoftmaxOp : public Op {
 public:
  SoftmaxOp(Kind kind, int64_t axis, bool coerce_2d) : kind_(kind), axis_(axis), coerce_(coerce_2d) {}

  bool infer(InferContext& ctx) const override {
    check_dtype(ctx, 0, kFloatTypes);
    const Shape& s = ctx.inputs[0]->shape;
    int64_t r = int64_t(s.size());
    if (coerce_) {
      // Opset 1-12: axis in [-r, r]; axis == r gives rows of one element.
      if (axis_ < -r || axis_ > r) ctx.error("axis ", axis_, " is out of range for rank ", r);
    } else if (r > 0 || (axis_ != 0 && axis_ != -1)) {
      normalize_axis(ctx, axis_, r, "axis");
    }
    ctx.outputs[0].dtype = ctx.inputs[0]->dtype;
    ctx.outputs[0].shape = s;
    return true;
  }

  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    int64_t r = x.rank(), outer = 1, a_len = 1, inner = 1;
    if (coerce_) {
      int64_t axis = axis_ < 0 ? axis_ + r : axis_;
      for (int64_t d = 0; d < r; ++d) (d < axis ? outer : a_len) *= x.shape[size_t(d)];
    } else if (r > 0) {
      int64_t axis = axis_ < 0 ? axis_ + r : axis_;
      for (int64_t d = 0; d < r; ++d) {
        int64_t v = x.shape[size_t(d)];
        if (d < axis) outer *= v; else if (d == axis) a_len = v; else inner *= v;
      }
    }
    if (outer * a_len * inner == 0) return;
    if (x.dtype == DType::Float32) {
      softmax_f32(ctx.pool, x.ptr<float>(), y.ptr<float>(), outer, a_len, inner, kind_);
    } else if (x.dtype == DType::Float64) {
      const double* px = x.ptr<double>();
      double* py = y.ptr<double>();
      ctx.pool.parallel_for(outer * inner, std::max<int64_t>(1, kEltwiseGrain / a_len),
                            [&](int64_t b, int64_t e) {
        for (int64_t u = b; u < e; ++u) {
          int64_t o = u / inner, c = u % inner;
          softmax_scalar(px + o * a_len * inner + c, py + o * a_len * inner + c, a_len, inner, kind_);
        }
      });
    } else {
      // float16 / bfloat16: through a float copy.
      int64_t n = x.numel();
      std::vector<float> buf(static_cast<size_t>(n));
      if (x.dtype == DType::Float16) to_float_n(x.ptr<Half>(), buf.data(), n);
      else to_float_n(x.ptr<BFloat>(), buf.data(), n);
      softmax_f32(ctx.pool, buf.data(), buf.data(), outer, a_len, inner, kind_);
      if (x.dtype == DType::Float16) from_float_n(buf.data(), y.ptr<Half>(), n);
      else from_float_n(buf.data(), y.ptr<BFloat>(), n);
    }
  }

  int inplace_input(int) const override { return 0; }

 private:
  Kind kind_;
  int64_t axis_;
  bool coerce_;
};

void reg(const char* name, Kind kind) {
  register_op("", name, 1, 12, [kind](const OpBuildContext& b) -> std::unique_ptr<Op> {
    return std::make_unique<SoftmaxOp>(kind, b.node.get_int("axis", 1), true);
  });
  register_op("", name, 13, kEltwiseMaxOpset, [kind](const OpBuildContext& b) -> std::unique_ptr<Op> {
    return std::make_unique<SoftmaxOp>(kind, b.node.get_int("axis", -1), false);
  });
}

}  // namespace

void register_softmax_ops() {
  reg("Softmax", Kind::Softmax);
  reg("LogSoftmax", Kind::LogSoftmax);
  reg("Hardmax", Kind::Hardmax);
}

}  // namespace li
