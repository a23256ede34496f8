#include "ops/fused.h"

#include "core/error.h"

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

}  // namespace li
