#include "graph/passes/passes.h"
#include "ops/fused.h"

namespace li {

namespace {

// The activation a node computes, if it is one we can fuse (Clip needs constant bounds).
bool as_activation(const Graph& g, const Node& n, Activation* a) {
  if (n.outputs.size() != 1) return false;
  const std::string& t = n.op_type;
  if (n.domain == kFusedDomain && t == "Gelu") { a->kind = Activation::Gelu; return true; }
  if (n.domain == kFusedDomain && t == "SiLU") { a->kind = Activation::SiLU; return true; }
  if (!n.domain.empty()) return false;
  if (t == "Gelu" && n.get_string("approximate", "none") == "none") { a->kind = Activation::Gelu; return true; }
  if (t == "Relu") { a->kind = Activation::Relu; return true; }
  if (t == "Sigmoid") { a->kind = Activation::Sigmoid; return true; }
  if (t == "Tanh") { a->kind = Activation::Tanh; return true; }
  if (t == "HardSwish") { a->kind = Activation::HardSwish; return true; }
  if (t == "LeakyRelu") {
    a->kind = Activation::LeakyRelu;
    a->alpha = n.get_float("alpha", 0.01f);
    return true;
  }
  if (t == "HardSigmoid") {
    a->kind = Activation::HardSigmoid;
    a->alpha = n.get_float("alpha", 0.2f);
    a->beta = n.get_float("beta", 0.5f);
    return true;
  }
  if (t == "Clip") {
    a->kind = Activation::Clip;
    a->alpha = -INFINITY;
    a->beta = INFINITY;
    if (n.has("min") || n.has("max")) {  // opset < 11: attributes
      a->alpha = n.get_float("min", -INFINITY);
      a->beta = n.get_float("max", INFINITY);
      return true;
    }
    for (size_t i = 1; i < 3; ++i) {
      if (!n.input_present(i)) continue;
      auto it = g.initializers.find(n.inputs[i]);
      if (it == g.initializers.end() || it->second.dtype != DType::Float32 ||
          it->second.numel() != 1)
        return false;
      (i == 1 ? a->alpha : a->beta) = it->second.ptr<float>()[0];
    }
    return true;
  }
  return false;
}

bool fusable_producer(const Node& n) {
  // A liteinfer node qualifies while it has no activation yet (a MatMul with a fused bias).
  const bool plain = n.domain.empty() || (n.domain == kFusedDomain && !n.has("activation"));
  return plain && (n.op_type == "Conv" || n.op_type == "Gemm" || n.op_type == "MatMul");
}

}  // namespace

int fuse_activations(Graph& g) {
  auto uses = value_use_counts(g);
  const std::map<std::string, size_t> producer = producers(g);
  int fused = 0;
  std::vector<bool> erase(g.nodes.size(), false);
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& act_node = g.nodes[k];
    Activation a;
    if (act_node.inputs.empty() || !as_activation(g, act_node, &a)) continue;
    const std::string& x = act_node.inputs[0];
    auto pit = producer.find(x);
    if (pit == producer.end() || uses[x] != 1 || is_graph_output(g, x)) continue;
    Node& prod = g.nodes[pit->second];
    if (!fusable_producer(prod) || prod.outputs.size() != 1) continue;
    prod.domain = kFusedDomain;
    write_fused_activation(prod, a);
    prod.outputs[0] = act_node.outputs[0];
    erase[k] = true;
    ++fused;
  }
  if (fused) erase_nodes(g, erase);
  return fused;
}

}  // namespace li
