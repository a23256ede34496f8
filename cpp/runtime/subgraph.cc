#include "runtime/subgraph.h"

#include <memory>

#include "runtime/session.h"

namespace li {

namespace {

class NestedSession : public CompiledSubgraph {
 public:
  // `bound`: per run() input, true when it is an outer constant compiled into the subgraph.
  NestedSession(Model model, ThreadPool& pool, std::vector<bool> bound, int64_t max_memory_bytes)
      : session_(std::move(model), options(pool, max_memory_bytes)), bound_(std::move(bound)) {
    for (const IoInfo& io : session_.inputs()) names_.push_back(io.name);
  }

  std::vector<Tensor> run(const std::vector<const Tensor*>& inputs) override {
    if (inputs.size() != bound_.size())
      fail(ErrorCode::Internal, "subgraph run with ", inputs.size(), " inputs, the subgraph takes ", bound_.size());
    std::vector<NamedTensor> feeds;
    feeds.reserve(names_.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (bound_[i]) continue;
      const std::string& name = names_[feeds.size()];
      if (!inputs[i]) fail(ErrorCode::Internal, "subgraph input '", name, "' has no value");
      feeds.push_back(NamedTensor{name, *inputs[i]});
    }
    return session_.run(feeds, {});
  }

 private:
  static SessionOptions options(ThreadPool& pool, int64_t max_memory_bytes) {
    SessionOptions o;
    o.shared_pool = &pool;
    o.max_memory_bytes = max_memory_bytes;
    return o;
  }

  Session session_;
  std::vector<bool> bound_;
  std::vector<std::string> names_;
};

}  // namespace

SubgraphCompiler make_subgraph_compiler(const std::map<std::string, int64_t>& opsets, ThreadPool& pool,
                                        const std::map<std::string, Tensor>* constants,
                                        int64_t max_memory_bytes) {
  ThreadPool* shared = &pool;
  // Shared, so that copying the compiler into each node's OpBuildContext stays cheap.
  auto imports = std::make_shared<const std::map<std::string, int64_t>>(opsets);
  return [imports, shared, constants, max_memory_bytes](const Graph& graph, const std::vector<std::string>& outer_names) {
    Model m;
    m.opsets = *imports;
    m.graph = graph;
    // A subgraph's declared input shapes are not checked: Loop-carried values may change shape
    // from one iteration to the next (opset 11+), and the op, not the caller, feeds them.
    for (ValueInfo& v : m.graph.inputs) {
      v.has_shape = false;
      v.dims.clear();
    }
    std::vector<bool> bound(m.graph.inputs.size(), false);
    for (const std::string& name : outer_names) {
      // An outer constant (e.g. a weight the main graph shares with If branches) becomes a
      // constant of the subgraph, so the nested session folds and pre-packs with it.
      auto c = constants ? constants->find(name) : std::map<std::string, Tensor>::const_iterator();
      if (constants && c != constants->end()) {
        m.graph.initializers[name] = c->second;  // shares the data
        bound.push_back(true);
      } else {
        m.graph.inputs.push_back(ValueInfo{name, DType::Undefined, false, {}});
        bound.push_back(false);
      }
    }
    return std::unique_ptr<CompiledSubgraph>(new NestedSession(std::move(m), *shared, std::move(bound), max_memory_bytes));
  };
}

}  // namespace li
