// Graph fusion rewrites e.g. Conv -> Relu into one node: domain "liteinfer", the same op_type,
// and the activation recorded as attributes:
//   activation: "Relu" | "Clip" | "LeakyRelu" | "Sigmoid" | "HardSigmoid" | "HardSwish" | "Tanh" |
//               "SiLU" | "Gelu"
//   activation_alpha, activation_beta: floats (Clip min/max, LeakyRelu slope, HardSigmoid a/b)
// Ops that accept fusion register for both domains and read the activation with this helper.
#pragma once
#include "graph/ir.h"
#include "kernels/activation.h"

namespace li {

constexpr const char* kFusedDomain = "liteinfer";

Activation read_fused_activation(const Node& node);
// Inverse: records `a` on `node` (used by the fusion pass).
void write_fused_activation(Node& node, const Activation& a);
// Activation name <-> kind; returns false for an unknown name.
bool activation_from_name(const std::string& name, Activation::Kind* kind);
const char* activation_name(Activation::Kind kind);

}  // namespace li
