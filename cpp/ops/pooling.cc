// MaxPool, AveragePool (1-3 spatial dims), GlobalAveragePool, GlobalMaxPool (any rank >= 3);
// float32, NCHW (MaxPool also float64, float16, int8, uint8 through a plain reference loop).
// Work is split over the N*C planes.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/conv_kernels.h"
#include "ops/conv_attrs.h"
#include "ops/eltwise_util.h"
#include "ops/misc_ops.h"  // elem_to_double, elem_from_double

namespace li {

namespace {

void check_f32(const InferContext& ctx, const std::string& desc) {
  const TensorInfo& x = need_input(ctx, 0);
  if (x.dtype != DType::Float32)
    fail(ErrorCode::UnsupportedOp, desc, ": X has dtype ", dtype_name(x.dtype),
         "; only float32 is supported");
  if (x.shape.size() < 3)
    ctx.error("X must have rank >= 3 (N, C, spatial...), got ", shape_str(x.shape));
}

// MaxPool of one plane for the dtypes other than float32: the same contract as
// f32_maxpool__ref (indices flat inside the plane; an all-padding window gives the lowest value).
template <class T>
void maxpool_plane__ref(const Geom3& g, const T* x, T* y, int64_t* indices) {
  auto key = [](T v) { return elem_to_double(v); };
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh)
      for (int64_t ow = 0; ow < g.out[2]; ++ow) {
        double best = -std::numeric_limits<double>::infinity();
        int64_t arg = -1;
        for (int64_t kd = 0; kd < g.k[0]; ++kd) {
          const int64_t id = od * g.s[0] - g.pb[0] + kd * g.d[0];
          if (id < 0 || id >= g.in[0]) continue;
          for (int64_t kh = 0; kh < g.k[1]; ++kh) {
            const int64_t ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
            if (ih < 0 || ih >= g.in[1]) continue;
            for (int64_t kw = 0; kw < g.k[2]; ++kw) {
              const int64_t iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
              if (iw < 0 || iw >= g.in[2]) continue;
              const int64_t pos = (id * g.in[1] + ih) * g.in[2] + iw;
              const double v = key(x[pos]);
              if (arg < 0 || v > best) { best = v; arg = pos; }  // NaN taps never win
            }
          }
        }
        const int64_t o = (od * g.out[1] + oh) * g.out[2] + ow;
        if constexpr (std::is_integral_v<T>) y[o] = arg < 0 ? std::numeric_limits<T>::lowest() : x[arg];
        else y[o] = arg < 0 ? elem_from_double<T>(-std::numeric_limits<double>::infinity()) : x[arg];
        if (indices) indices[o] = arg < 0 ? 0 : arg;
      }
}

int64_t plane_grain(int64_t work_per_plane) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, work_per_plane));
}

class PoolOp : public Op {
 public:
  PoolOp(const OpBuildContext& b, bool is_max) : desc_(b.node.describe()), max_(is_max) {
    kernel_ = b.node.get_ints("kernel_shape");
    strides_ = b.node.get_ints("strides");
    dilations_ = b.node.get_ints("dilations");
    pads_ = b.node.get_ints("pads");
    auto_pad_ = read_auto_pad(b);
    ceil_ = b.node.get_int("ceil_mode", 0) != 0;
    count_include_pad_ = b.node.get_int("count_include_pad", 0) != 0;
    storage_order_ = b.node.get_int("storage_order", 0);
    if (kernel_.empty()) b.invalid("kernel_shape is required");
    if (kernel_.size() > 3)
      b.unsupported("pooling over ", kernel_.size(), " spatial dims; at most 3 are supported");
    for (int64_t v : kernel_) if (v < 1) b.invalid("kernel_shape must be >= 1, got ", v);
    for (int64_t v : strides_) if (v < 1) b.invalid("strides must be >= 1, got ", v);
    for (int64_t v : dilations_) if (v < 1) b.invalid("dilations must be >= 1, got ", v);
    for (int64_t v : pads_) if (v < 0) b.invalid("pads must be >= 0, got ", v);
    if (storage_order_ != 0 && storage_order_ != 1)
      b.invalid("storage_order must be 0 or 1, got ", storage_order_);
    if (!is_max && b.node.outputs.size() > 1 && !b.node.outputs[1].empty())
      b.invalid("AveragePool has one output, got ", b.node.outputs.size());
  }

  bool infer(InferContext& ctx) const override {
    const DType xt = ctx.input(0) ? ctx.input(0)->dtype : DType::Float32;
    const bool other = max_ && (xt == DType::Float64 || xt == DType::Float16 || xt == DType::Int8 || xt == DType::UInt8);
    if (!other) check_f32(ctx, desc_);
    else if (ctx.inputs[0]->shape.size() < 3)
      ctx.error("X must have rank >= 3 (N, C, spatial...), got ", shape_str(ctx.inputs[0]->shape));
    Geom3 g = geometry(ctx.inputs[0]->shape);
    const Shape& xs = ctx.inputs[0]->shape;
    Shape out{xs[0], xs[1]};
    const size_t r = kernel_.size();
    for (size_t d = 0; d < r; ++d) out.push_back(g.out[3 - r + d]);
    ctx.outputs[0] = {xt, out, nullptr};
    if (ctx.outputs.size() > 1) ctx.outputs[1] = {DType::Int64, out, nullptr};
    return true;
  }

  void run(ExecContext& ctx) const override {
    visit_dtype(ctx.inputs[0]->dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, Half> ||
                    std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>)
        run_typed<T>(ctx);
    });
  }

  template <class T>
  void run_typed(ExecContext& ctx) const {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    Tensor* ind = ctx.outputs.size() > 1 ? ctx.outputs[1] : nullptr;
    const Geom3 g = geometry(x.shape);
    const int64_t planes = x.shape[0] * x.shape[1], in_sz = g.in_size(), out_sz = g.out_size();
    if (planes * out_sz == 0) return;
    const T* px = static_cast<const T*>(x.data);
    T* py = static_cast<T*>(y.data);
    int64_t* pi = ind ? ind->ptr<int64_t>() : nullptr;
    ctx.pool.parallel_for(planes, plane_grain(out_sz * g.k_size()), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const T* xp = px + i * in_sz;
        T* yp = py + i * out_sz;
        int64_t* ip = pi ? pi + i * out_sz : nullptr;
        if constexpr (std::is_same_v<T, float>) {
          if (!max_) {
            f32_avgpool__ref(g, xp, yp, count_include_pad_);
            continue;
          }
          f32_maxpool(g, xp, yp, ip);
        } else {
          maxpool_plane__ref(g, xp, yp, ip);
        }
        if (!ip) continue;
        // ONNX Indices are flat over the whole tensor; storage_order 1 is column-major.
        for (int64_t j = 0; j < out_sz; ++j) {
          int64_t v = ip[j];
          if (storage_order_ == 1) {
            const int64_t i2 = v % g.in[2], i1 = (v / g.in[2]) % g.in[1], i0 = v / (g.in[2] * g.in[1]);
            v = i0 + i1 * g.in[0] + i2 * g.in[0] * g.in[1];
          }
          ip[j] = i * in_sz + v;
        }
      }
    });
  }

 private:
  Geom3 geometry(const Shape& xs) const {
    auto err = [&](auto&&... a) { fail(ErrorCode::InvalidModel, desc_, ": ", a...); };
    const size_t r = kernel_.size();
    if (xs.size() != r + 2)
      err("X must have rank ", r + 2, " for kernel_shape ", shape_str(kernel_), ", got ", shape_str(xs));
    auto spatial = [&](const std::vector<int64_t>& v, const char* name) {
      if (v.empty()) return std::vector<int64_t>(r, 1);
      if (v.size() != r) err(name, " must have ", r, " values, got ", v.size());
      return v;
    };
    std::vector<int64_t> in(xs.begin() + 2, xs.end()), out(r), pb(r, 0), pe(r, 0);
    std::vector<int64_t> s = spatial(strides_, "strides"), d = spatial(dilations_, "dilations");
    if (!pads_.empty() && pads_.size() != 2 * r)
      err("pads must have ", 2 * r, " values, got ", pads_.size());
    for (size_t i = 0; i < r; ++i) {
      if (!pads_.empty()) {
        pb[i] = pads_[i];
        pe[i] = pads_[i + r];
        if (auto_pad_ == AutoPad::NotSet && (pb[i] >= (kernel_[i] - 1) * d[i] + 1 ||
                                             pe[i] >= (kernel_[i] - 1) * d[i] + 1))
          err("pads (", pb[i], ", ", pe[i], ") must be smaller than the kernel extent ",
              (kernel_[i] - 1) * d[i] + 1, " in spatial dim ", i);
      }
      out[i] = conv_out_dim(in[i], kernel_[i], s[i], d[i], auto_pad_, ceil_, &pb[i], &pe[i]);
      if (out[i] < 1)
        err("output spatial dim ", i, " would be ", out[i], " (input ", in[i], ", kernel ",
            kernel_[i], ", pads ", pb[i], "+", pe[i], "); expected >= 1");
    }
    return make_geom3(in, out, kernel_, s, d, pb, pe);
  }

  std::string desc_;
  bool max_;
  std::vector<int64_t> kernel_, strides_, dilations_, pads_;
  AutoPad auto_pad_ = AutoPad::NotSet;
  bool ceil_ = false, count_include_pad_ = false;
  int64_t storage_order_ = 0;
};

class GlobalPoolOp : public Op {
 public:
  GlobalPoolOp(const OpBuildContext& b, bool is_max) : desc_(b.node.describe()), max_(is_max) {}

  bool infer(InferContext& ctx) const override {
    check_f32(ctx, desc_);
    Shape out = ctx.inputs[0]->shape;
    std::fill(out.begin() + 2, out.end(), 1);
    ctx.outputs[0] = {DType::Float32, out, nullptr};
    return true;
  }

  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    const int64_t planes = x.shape[0] * x.shape[1];
    const int64_t sz = planes ? x.numel() / planes : 0;
    const float* px = x.ptr<float>();
    float* py = ctx.outputs[0]->ptr<float>();
    if (sz == 0) {  // empty spatial extent: the mean is NaN, the max -inf
      for (int64_t i = 0; i < planes; ++i)
        py[i] = max_ ? -std::numeric_limits<float>::infinity() : std::nanf("");
      return;
    }
    ctx.pool.parallel_for(planes, plane_grain(sz), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const float* p = px + i * sz;
        if (max_) {
          float m = p[0];
          for (int64_t j = 1; j < sz; ++j) m = p[j] > m ? p[j] : m;
          py[i] = m;
        } else {
          // Four partial sums: vectorizable without -ffast-math, and less rounding drift.
          float s[4] = {0.f, 0.f, 0.f, 0.f};
          int64_t j = 0;
          for (; j + 4 <= sz; j += 4)
            for (int k = 0; k < 4; ++k) s[k] += p[j + k];
          for (; j < sz; ++j) s[0] += p[j];
          py[i] = ((s[0] + s[1]) + (s[2] + s[3])) / float(sz);
        }
      }
    });
  }

 private:
  std::string desc_;
  bool max_;
};

}  // namespace

void register_pooling_ops() {
  register_op("", "MaxPool", 1, kEltwiseMaxOpset, [](const OpBuildContext& b) -> std::unique_ptr<Op> {
    return std::make_unique<PoolOp>(b, true);
  });
  register_op("", "AveragePool", 1, kEltwiseMaxOpset,
              [](const OpBuildContext& b) -> std::unique_ptr<Op> {
    return std::make_unique<PoolOp>(b, false);
  });
  register_op("", "GlobalMaxPool", 1, kEltwiseMaxOpset,
              [](const OpBuildContext& b) -> std::unique_ptr<Op> {
    return std::make_unique<GlobalPoolOp>(b, true);
  });
  register_op("", "GlobalAveragePool", 1, kEltwiseMaxOpset,
              [](const OpBuildContext& b) -> std::unique_ptr<Op> {
    return std::make_unique<GlobalPoolOp>(b, false);
  });
}

}  // namespace li
