#include "ops/fused.h"

#include <cmath>

#include "core/dtype.h"
#include "core/error.h"
#include "ops/op.h"

namespace li {

namespace {
struct NamedKind { const char* name; Activation::Kind kind; };
constexpr NamedKind kKinds[] = {
    {"Relu", Activation::Relu},       {"Clip", Activation::Clip},
    {"LeakyRelu", Activation::LeakyRelu}, {"Sigmoid", Activation::Sigmoid},
    {"HardSigmoid", Activation::HardSigmoid}, {"HardSwish", Activation::HardSwish},
    {"Tanh", Activation::Tanh},       {"SiLU", Activation::SiLU},
    {"Gelu", Activation::Gelu},
};
}  // namespace

bool activation_from_name(const std::string& name, Activation::Kind* kind) {
  for (auto& k : kKinds)
    if (name == k.name) { *kind = k.kind; return true; }
  return false;
}

const char* activation_name(Activation::Kind kind) {
  for (auto& k : kKinds)
    if (kind == k.kind) return k.name;
  return "None";
}

Activation read_fused_activation(const Node& node) {
  Activation a;
  std::string name = node.get_string("activation", "");
  if (name.empty()) return a;
  if (!activation_from_name(name, &a.kind))
    fail(ErrorCode::InvalidModel, node.describe(), ": unknown fused activation '", name, "'");
  a.alpha = node.get_float("activation_alpha", 0.f);
  a.beta = node.get_float("activation_beta", 0.f);
  return a;
}

void write_fused_activation(Node& node, const Activation& a) {
  Attribute name;
  name.type = Attribute::String;
  name.s = activation_name(a.kind);
  node.attrs["activation"] = name;
  Attribute alpha;
  alpha.type = Attribute::Float;
  alpha.f = a.alpha;
  node.attrs["activation_alpha"] = alpha;
  Attribute beta = alpha;
  beta.f = a.beta;
  node.attrs["activation_beta"] = beta;
}

namespace {

// liteinfer Gelu (the exact, erf form) and SiLU (x * sigmoid(x)), made by the graph passes that
// recognize them written out: elementwise, in place. float32 runs the SIMD activation kernels;
// the other float types (a pattern the passes cannot tell apart by type) compute in double
// (float64) or through float32 (float16, bfloat16), as their ops written out would.
class ActivationOp : public Op {
 public:
  explicit ActivationOp(Activation::Kind kind) { act_.kind = kind; }

  bool infer(InferContext& ctx) const override {
    const TensorInfo* x = ctx.input(0);
    if (!x) ctx.error("needs an input");
    if (!dtype_is_float(x->dtype)) ctx.error("input must be a float type, got ", dtype_name(x->dtype));
    ctx.outputs[0] = {x->dtype, x->shape, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    Tensor& y = *ctx.outputs[0];
    const int64_t n = x.numel();
    switch (x.dtype) {
      case DType::Float32: {
        const float* px = x.ptr<float>();
        float* py = y.ptr<float>();
        ctx.pool.parallel_for(n, 16384, [&](int64_t b, int64_t e) { activation_f32(act_, px + b, py + b, e - b); });
        return;
      }
      case DType::Float64: {
        const double* px = x.ptr<double>();
        double* py = y.ptr<double>();
        for (int64_t i = 0; i < n; ++i) py[i] = apply(px[i]);
        return;
      }
      case DType::Float16: case DType::BFloat16: {
        const bool half = x.dtype == DType::Float16;
        const uint16_t* px = x.ptr<uint16_t>();
        uint16_t* py = y.ptr<uint16_t>();
        for (int64_t i = 0; i < n; ++i) {
          const float v = act_.apply(half ? half_to_float(px[i]) : bf16_to_float(px[i]));
          py[i] = half ? float_to_half(v) : float_to_bf16(v);
        }
        return;
      }
      default: return;  // infer() admits float types only
    }
  }
  int inplace_input(int) const override { return 0; }

 private:
  double apply(double v) const {
    return act_.kind == Activation::SiLU ? v / (1.0 + std::exp(-v)) : 0.5 * v * (1.0 + std::erf(v * M_SQRT1_2));
  }
  Activation act_;
};

}  // namespace

void register_fused_ops() {
  register_op(kFusedDomain, "Gelu", 1, 1, [](const OpBuildContext&) { return std::make_unique<ActivationOp>(Activation::Gelu); });
  register_op(kFusedDomain, "SiLU", 1, 1, [](const OpBuildContext&) { return std::make_unique<ActivationOp>(Activation::SiLU); });
}

}  // namespace li
