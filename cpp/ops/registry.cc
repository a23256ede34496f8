#include <map>
#include <mutex>
#include <tuple>

#include "ops/op.h"

namespace li {

namespace {

struct Entry {
  int64_t since, until;
  OpFactory factory;
};

using Table = std::map<std::pair<std::string, std::string>, std::vector<Entry>>;

Table& table() {
  static Table t;
  return t;
}

// Registration happens once, before any lookup; after that the table is read-only, so it is
// safe to share between threads, worker_threads and Electron contexts.
void ensure_registered() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_misc_ops();
    register_elementwise_ops();
    register_math_ops();
    register_tensor_ops();
    register_control_flow_ops();
    register_indexing_ops();
    register_rnn_ops();
    register_quant_ops();
    register_vision_ops();
    register_sequence_ops();
  });
}

}  // namespace

void register_op(const std::string& domain, const std::string& op_type, int64_t since,
                 int64_t until, OpFactory factory) {
  std::string d = domain == "ai.onnx" ? "" : domain;
  table()[{d, op_type}].push_back(Entry{since, until, std::move(factory)});
}

const OpFactory* find_op(const std::string& domain, const std::string& op_type, int64_t opset) {
  ensure_registered();
  std::string d = domain == "ai.onnx" ? "" : domain;
  auto it = table().find({d, op_type});
  if (it == table().end()) return nullptr;
  for (const Entry& e : it->second)
    if (opset >= e.since && opset <= e.until) return &e.factory;
  return nullptr;
}

std::vector<OpRegistration> registered_ops() {
  ensure_registered();
  std::vector<OpRegistration> r;
  for (auto& [key, entries] : table())
    for (const Entry& e : entries) r.push_back({key.first, key.second, e.since, e.until});
  return r;
}

bool InferContext::input_ints(size_t i, std::vector<int64_t>* out) const {
  const TensorInfo* in = input(i);
  if (!in || !in->value) return false;
  *out = in->value->to_int64_vector();
  return true;
}

}  // namespace li
