// The graph IR: what the ONNX loader produces and the passes rewrite. Values are named by
// strings as in ONNX (an empty name is an omitted optional input); the runtime maps names to
// dense indices when it compiles a plan.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace li {

struct Graph;

// A dimension is a number, a symbol ("batch"), or unknown (no value, empty symbol).
struct Dim {
  int64_t value = -1;
  std::string symbol;
  bool known() const { return value >= 0; }
};

struct ValueInfo {
  std::string name;
  DType dtype = DType::Undefined;  // a sequence's or optional's: the (innermost) element dtype
  bool has_shape = false;  // false: rank unknown (always for sequences and optionals)
  std::vector<Dim> dims;
  ValueKind kind = ValueKind::Tensor;
  ValueKind elem_kind = ValueKind::Tensor;  // what a sequence or optional holds
};

struct Attribute {
  // Numbering follows onnx AttributeProto.AttributeType.
  enum Type : int32_t {
    Undefined = 0, Float = 1, Int = 2, String = 3, TensorT = 4, GraphT = 5,
    Floats = 6, Ints = 7, Strings = 8, Tensors = 9, Graphs = 10, TypeProtoT = 13,
  };
  Type type = Undefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::shared_ptr<Graph> g;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<std::shared_ptr<Graph>> graphs;
  ValueInfo tp;  // TypeProtoT (Optional's 'type'): kind, elem_kind and dtype; no name
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;  // "" (= ai.onnx) or e.g. "com.microsoft"; "liteinfer" for fused internals
  std::vector<std::string> inputs;   // "" = omitted optional input
  std::vector<std::string> outputs;  // "" = unused optional output
  std::map<std::string, Attribute> attrs;

  bool has(const std::string& a) const { return attrs.count(a) != 0; }
  // Typed attribute getters with the spec's default; they throw InvalidModel naming the node
  // when the attribute exists with another type.
  int64_t get_int(const std::string& a, int64_t def) const;
  float get_float(const std::string& a, float def) const;
  std::string get_string(const std::string& a, const std::string& def) const;
  std::vector<int64_t> get_ints(const std::string& a, const std::vector<int64_t>& def = {}) const;
  std::vector<float> get_floats(const std::string& a, const std::vector<float>& def = {}) const;
  const Tensor* get_tensor(const std::string& a) const;  // nullptr when absent
  // "Conv node 'conv1'" for error messages.
  std::string describe() const;
  // Number of inputs that are present (trailing omitted ones do not count).
  size_t num_inputs() const;
  bool input_present(size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;                     // topologically sorted after load
  std::vector<ValueInfo> inputs;               // excluding initializers
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_info;
  std::map<std::string, Tensor> initializers;  // constants, including folded ones
};

struct Model {
  int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::map<std::string, int64_t> opsets;  // domain ("" = ai.onnx) -> version
  Graph graph;

  int64_t opset(const std::string& domain) const;  // 0 if not imported
};

}  // namespace li
