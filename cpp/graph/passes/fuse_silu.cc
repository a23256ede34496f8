// SiLU (swish) as exporters write it, x * sigmoid(x): Sigmoid(x) read only by a Mul whose other
// input is x (either operand order) becomes one node (domain liteinfer, op SiLU). One pass over
// the data instead of two, and an activation the next pass can fuse into the Conv, Gemm or
// MatMul that produces x (EfficientNet's convolutions: its Sigmoid and Mul nodes took a third
// of its run time).
#include "graph/passes/passes.h"
#include "ops/fused.h"

namespace li {

int fuse_silu(Graph& g) {
  auto uses = value_use_counts(g);
  std::map<std::string, size_t> sigmoid_of;  // Sigmoid output -> its node
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    if (n.domain.empty() && n.op_type == "Sigmoid" && n.inputs.size() == 1 && n.outputs.size() == 1)
      sigmoid_of[n.outputs[0]] = k;
  }
  std::vector<bool> erase(g.nodes.size(), false);
  int fused = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    Node& mul = g.nodes[k];
    if (!mul.domain.empty() || mul.op_type != "Mul" || mul.inputs.size() != 2 || mul.outputs.size() != 1)
      continue;
    for (int i = 0; i < 2; ++i) {
      const std::string& s = mul.inputs[size_t(i)];
      auto it = sigmoid_of.find(s);
      if (it == sigmoid_of.end() || erase[it->second] || uses[s] != 1 || is_graph_output(g, s)) continue;
      const std::string x = g.nodes[it->second].inputs[0];
      if (mul.inputs[size_t(1 - i)] != x) continue;
      // Same shape and type as x (the Mul broadcasts nothing), so one unary node replaces both.
      erase[it->second] = true;
      mul.domain = kFusedDomain;
      mul.op_type = "SiLU";
      mul.inputs = {x};
      mul.attrs.clear();
      ++fused;
      break;
    }
  }
  if (fused) erase_nodes(g, erase);
  return fused;
}

}  // namespace li
