// Graph rewrites that need no kernels (constant folding needs ops and lives in runtime/).
// Each pass keeps the graph topologically sorted and returns how many rewrites it made.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace li {

// How many times each value name is read: node inputs, graph outputs and names referenced from
// subgraphs (outer-scope reads count as uses, so no pass rewrites a value a subgraph needs).
std::map<std::string, int> value_use_counts(const Graph& g);
bool is_graph_output(const Graph& g, const std::string& name);
// The float32 constant (initializer) named `name`, or nullptr.
const Tensor* constant_f32(const Graph& g, const std::string& name);
// Node index of each value's producer.
std::map<std::string, size_t> producers(const Graph& g);
// Drops the nodes marked in `erase` (the rest keep their order).
void erase_nodes(Graph& g, const std::vector<bool>& erase);

// Removes nodes that no graph output depends on, and initializers nobody reads.
int remove_dead_nodes(Graph& g);
// Conv (constant W, optional constant B) followed by inference BatchNormalization with constant
// parameters: scales W and B so the BatchNormalization node disappears.
int fold_batchnorm_into_conv(Graph& g);
// x * 0.5 * (1 + erf(x / sqrt 2)) written out (Div or Mul, Erf, Add, Mul, Mul): one liteinfer
// Gelu node.
int fuse_gelu(Graph& g);
// x * sigmoid(x) written out (Sigmoid read only by a Mul with x): one liteinfer SiLU node.
int fuse_silu(Graph& g);
// MatMul by a constant [K, N] matrix, then Add of a constant [N] bias: one liteinfer MatMul
// with the bias as its third input.
int fuse_matmul_bias(Graph& g);
// Conv/Gemm/MatMul (also their liteinfer forms without an activation yet) followed by an
// activation (Relu, Clip with constant bounds, LeakyRelu, Sigmoid, HardSigmoid, HardSwish,
// Tanh, Gelu, SiLU) whose input has no other reader: one fused node.
int fuse_activations(Graph& g);

}  // namespace li
