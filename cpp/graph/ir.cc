#include "graph/ir.h"

#include "core/error.h"

namespace li {

namespace {
const Attribute* find_typed(const Node& n, const std::string& a, Attribute::Type type) {
  auto it = n.attrs.find(a);
  if (it == n.attrs.end()) return nullptr;
  if (it->second.type != type)
    fail(ErrorCode::InvalidModel, n.describe(), ": attribute '", a, "' has type ",
         int(it->second.type), ", expected ", int(type));
  return &it->second;
}
}  // namespace

int64_t Node::get_int(const std::string& a, int64_t def) const {
  const Attribute* at = find_typed(*this, a, Attribute::Int);
  return at ? at->i : def;
}
float Node::get_float(const std::string& a, float def) const {
  const Attribute* at = find_typed(*this, a, Attribute::Float);
  return at ? at->f : def;
}
std::string Node::get_string(const std::string& a, const std::string& def) const {
  const Attribute* at = find_typed(*this, a, Attribute::String);
  return at ? at->s : def;
}
std::vector<int64_t> Node::get_ints(const std::string& a, const std::vector<int64_t>& def) const {
  const Attribute* at = find_typed(*this, a, Attribute::Ints);
  return at ? at->ints : def;
}
std::vector<float> Node::get_floats(const std::string& a, const std::vector<float>& def) const {
  const Attribute* at = find_typed(*this, a, Attribute::Floats);
  return at ? at->floats : def;
}
const Tensor* Node::get_tensor(const std::string& a) const {
  const Attribute* at = find_typed(*this, a, Attribute::TensorT);
  return at ? &at->t : nullptr;
}
std::string Node::describe() const {
  return cat(op_type, " node '", name, "'");
}
size_t Node::num_inputs() const {
  size_t n = inputs.size();
  while (n > 0 && inputs[n - 1].empty()) --n;
  return n;
}

int64_t Model::opset(const std::string& domain) const {
  auto it = opsets.find(domain);
  if (it == opsets.end() && domain == "ai.onnx") it = opsets.find("");
  return it == opsets.end() ? 0 : it->second;
}

}  // namespace li
