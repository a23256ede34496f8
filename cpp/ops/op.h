// The op interface. An Op is created once per graph node at load (where it reads attributes,
// validates them and pre-packs constant weights), then used by every run:
//   infer(): output dtypes and shapes from the inputs' dtypes, shapes and (when known) values;
//   run():   compute, writing into outputs the executor has already allocated.
// run() is const and must be safe to call from several runs at once.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "core/thread_pool.h"
#include "graph/ir.h"

namespace li {

// What is known about a value when planning: dtype and shape always; the value itself when it
// is a constant or was computed from shapes at plan time (Shape -> Gather -> Concat chains).
struct TensorInfo {
  DType dtype = DType::Undefined;
  Shape shape;
  const Tensor* value = nullptr;
};

struct InferContext {
  const Node& node;
  std::vector<const TensorInfo*> inputs;  // nullptr for an omitted optional input
  std::vector<TensorInfo> outputs;        // sized to the node's outputs; infer fills dtype+shape
  size_t scratch_bytes = 0;               // per-run scratch the op needs (im2col, packing)

  const TensorInfo* input(size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
  size_t num_inputs() const { return inputs.size(); }
  // The value of input i as int64s, or false when it is not known at plan time.
  bool input_ints(size_t i, std::vector<int64_t>* out) const;
  // Throws InvalidModel naming the node, e.g. "Add node 'a': ...".
  template <class... Args>
  [[noreturn]] void error(Args&&... args) const {
    fail(ErrorCode::InvalidModel, node.describe(), ": ", std::forward<Args>(args)...);
  }
};

struct ExecContext {
  std::vector<const Tensor*> inputs;  // nullptr for an omitted optional input
  std::vector<Tensor*> outputs;       // allocated with the shapes infer() gave; nullptr if unused
  ThreadPool& pool;
  void* scratch = nullptr;            // scratch_bytes from infer(), 64-byte aligned
  const Tensor* input(size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
};

class Op {
 public:
  virtual ~Op() = default;
  // Fills ctx.outputs. Returns false when an output shape depends on input data that is not
  // known yet; the executor then calls infer() again at run time with every value known.
  virtual bool infer(InferContext& ctx) const = 0;
  virtual void run(ExecContext& ctx) const = 0;
  // Output i may share input j's buffer (elementwise ops): the planner may then run in place, so
  // run() must be correct when outputs[i]->data == inputs[j]->data.
  virtual int inplace_input(int /*output*/) const { return -1; }
  // Reshape-like ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity) whose output 0 holds exactly
  // input 0's bytes under a new shape: the executor may alias the buffer and skip run(). run()
  // must still copy correctly, for when aliasing is impossible (e.g. the output is a graph output).
  virtual bool is_view() const { return false; }
  // Ops with subgraphs (If, Loop, Scan): the outer-scope values their subgraphs read. The session
  // appends them to the node's inputs, after the declared ones, so infer() and run() see them
  // there and the planner keeps them alive until the node has run.
  virtual std::vector<std::string> implicit_inputs() const { return {}; }
  // Output shapes that only running can tell (a subgraph's results): infer() may return false
  // with every input known; run() then assigns each used output (*ctx.outputs[i] = tensor)
  // instead of filling a preallocated one.
  virtual bool outputs_from_run() const { return false; }
  // Ops that read sequence and optional values (Identity, If, Loop, the sequence and optional
  // ops). Other ops get only tensors: the executor rejects a model feeding them anything else.
  // Such values are never known to the plan, so their readers always run dynamically.
  virtual bool takes_any_value() const { return false; }
};

// A subgraph (If branch, Loop or Scan body) compiled by the session that builds the op and run
// by the same executor (runtime/subgraph.h). run() takes the graph's inputs, then the values of
// the outer-scope names given at compile time, all by position; it returns the graph's outputs
// as tensors the caller owns. Runs are serialized per subgraph.
class CompiledSubgraph {
 public:
  virtual ~CompiledSubgraph() = default;
  virtual std::vector<Tensor> run(const std::vector<const Tensor*>& inputs) = 0;
};
using SubgraphCompiler = std::function<std::unique_ptr<CompiledSubgraph>(
    const Graph& graph, const std::vector<std::string>& outer_names)>;

struct OpBuildContext {
  const Node& node;
  int64_t opset;                            // the opset imported for the node's domain
  std::vector<const Tensor*> const_inputs;  // an input's value if it is a constant, else nullptr
  // Compiles a subgraph attribute (for If, Loop, Scan); empty where no session builds the op.
  SubgraphCompiler compile_subgraph = {};
  const Tensor* const_input(size_t i) const {
    return i < const_inputs.size() ? const_inputs[i] : nullptr;
  }
  template <class... Args>
  [[noreturn]] void unsupported(Args&&... args) const {
    fail(ErrorCode::UnsupportedOp, node.describe(), " (opset ", opset, "): ",
         std::forward<Args>(args)...);
  }
  template <class... Args>
  [[noreturn]] void invalid(Args&&... args) const {
    fail(ErrorCode::InvalidModel, node.describe(), ": ", std::forward<Args>(args)...);
  }
};

using OpFactory = std::function<std::unique_ptr<Op>(const OpBuildContext&)>;

// Registers an op for a domain ("" = ai.onnx) and an inclusive opset range.
void register_op(const std::string& domain, const std::string& op_type, int64_t since_opset,
                 int64_t until_opset, OpFactory factory);
// Finds the factory for (domain, op_type, opset); nullptr when unsupported.
const OpFactory* find_op(const std::string& domain, const std::string& op_type, int64_t opset);
// Every registered (domain, op_type, since, until): for docs/operators.md and `inspect`.
struct OpRegistration { std::string domain, op_type; int64_t since, until; };
std::vector<OpRegistration> registered_ops();

// One function per op family registers its ops; registry.cc calls them all once.
void register_misc_ops();          // ops/misc_ops.cc: losses, text, windows, random, ...
void register_elementwise_ops();   // ops/elementwise.cc, ops/activation.cc
void register_math_ops();          // ops/gemm.cc, ops/conv.cc, ops/pool.cc, ops/norm.cc, ...
void register_tensor_ops();        // ops/shape_ops.cc, ops/gather.cc, ...
void register_control_flow_ops();  // ops/control_flow.cc: If, Loop, Scan
void register_indexing_ops();      // ops/indexing.cc, topk.cc, unique.cc, einsum.cc, col2im.cc
void register_rnn_ops();           // ops/rnn.cc: RNN LSTM GRU
void register_quant_ops();         // ops/quantize.cc, ops/qlinear_conv.cc
void register_vision_ops();        // ops/vision_ops.cc: NonMaxSuppression RoiAlign GridSample DFT STFT
void register_sequence_ops();      // ops/sequence.cc: Sequence*, SplitToSequence, ConcatFromSequence, Optional*

}  // namespace li
