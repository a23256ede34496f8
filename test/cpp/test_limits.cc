// Hostile sizes past the loader: the session's memory ceiling (SessionOptions::max_memory_bytes,
// the JS maxMemoryBytes) over the arena, graph outputs, dynamically shaped steps and load-time
// folding; plans made at load for fixed shapes; and the regressions the loader fuzzer
// (test/fuzz/fuzz_loader.cc) found, each as the smallest model that showed it.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "model_builder.h"
#include "onnx/loader.h"
#include "runtime/session.h"
#include "testing.h"

namespace {

li::SessionOptions ceiling(int64_t bytes) {
  li::SessionOptions o;
  o.threads = 1;
  o.max_memory_bytes = bytes;
  return o;
}

std::unique_ptr<li::Session> session(const std::string& bytes, const li::SessionOptions& o) {
  return std::make_unique<li::Session>(load(bytes), o);
}

li::Tensor int64s(const std::vector<int64_t>& v) {
  li::Tensor t = li::Tensor::allocate(li::DType::Int64, {int64_t(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.ptr<int64_t>()[i] = v[i];
  return t;
}

// ConstantOfShape(shape) -> y, the shape an initializer or an input.
std::string constant_of_shape(bool shape_is_input, const std::vector<int64_t>& shape = {}) {
  G g;
  g.nodes.push_back(node("ConstantOfShape", {"shape"}, {"y"}, "cos"));
  if (shape_is_input) {
    g.inputs.push_back(value_info("shape", 7, {"2"}));
  } else {
    Pb t = tensor_head("shape", 7, {int64_t(shape.size())});
    t.packed(7, shape);
    g.inits.push_back(t);
  }
  g.outputs.push_back(value_info("y", 1, {}));
  return model(g.build());
}

#define CHECK_OOM(stmt, fragment) CHECK_LI_ERROR(stmt, li::ErrorCode::OutOfMemory, fragment)

}  // namespace

TEST(limits_ceiling_counts_graph_outputs_at_load) {
  // No inputs, so the one plan is made at load: a 2 GiB output fails the load under a 64 MiB
  // ceiling, before anything is allocated; without a ceiling the load plans it and succeeds.
  std::string m = constant_of_shape(false, {1 << 16, 1 << 13});
  CHECK_OOM(session(m, ceiling(64 << 20)), "2147483648 bytes of outputs), above maxMemoryBytes 67108864");
  auto s = session(m, ceiling(0));
  CHECK_EQ(s->memory_info().plans_cached, int64_t(1));
  // A small one runs under the ceiling.
  auto small = session(constant_of_shape(false, {4, 4}), ceiling(64 << 20));
  CHECK_EQ(small->run({}, {})[0].numel(), int64_t(16));
}

TEST(limits_ceiling_counts_dynamic_steps_at_run) {
  // The shape is data: known only when fed. The step's output is counted before it is made.
  auto s = session(constant_of_shape(true), ceiling(64 << 20));
  std::vector<li::Tensor> out = s->run({{"shape", int64s({3, 5})}}, {});
  CHECK(out[0].shape == (li::Shape{3, 5}));
  CHECK_OOM(s->run({{"shape", int64s({1 << 16, 1 << 13})}}, {}),
            "take 2147483648 bytes; with the 0 bytes this run holds already that is above maxMemoryBytes 67108864");
  // The session is still usable.
  CHECK_EQ(s->run({{"shape", int64s({2, 2})}}, {})[0].numel(), int64_t(4));
}

TEST(limits_fixed_declared_shapes_past_the_ceiling_fail_at_load) {
  G g;
  g.nodes.push_back(node("Neg", {"x"}, {"n"}));
  g.nodes.push_back(node("Relu", {"n"}, {"y"}));
  g.inputs.push_back(value_info("x", 1, {"1000000", "1000000"}));
  g.outputs.push_back(value_info("y", 1, {}));
  std::string m = model(g.build());
  CHECK_OOM(session(m, ceiling(1 << 30)), "above maxMemoryBytes 1073741824");
  session(m, ceiling(0));  // no ceiling: loads (a run needs 4 TB fed, which no caller has)
  // Symbolic dims are planned when fed.
  G h;
  h.nodes.push_back(node("Neg", {"x"}, {"n"}));
  h.nodes.push_back(node("Relu", {"n"}, {"y"}));
  h.inputs.push_back(value_info("x", 1, {"n", "256"}));
  h.outputs.push_back(value_info("y", 1, {}));
  auto s = session(model(h.build()), ceiling(64 << 10));
  li::Tensor small = li::Tensor::allocate(li::DType::Float32, {4, 256});
  CHECK_EQ(s->run({{"x", small}}, {})[0].numel(), int64_t(1024));
  li::Tensor big = li::Tensor::allocate(li::DType::Float32, {256, 256});
  CHECK_OOM(s->run({{"x", big}}, {}), "an arena of 262144 bytes");
}

TEST(limits_load_time_folding_stays_under_the_ceiling) {
  // Six ConstantOfShape of 8 MiB each feeding Neg: folding all would build 96 MiB of
  // constants (and 48 MiB for the Neg outputs) from a model of a few hundred bytes.
  G g;
  Pb shape = tensor_head("shape", 7, {1});
  shape.packed(7, {int64_t(2) << 20});
  g.inits.push_back(shape);
  for (int k = 0; k < 6; ++k) {
    std::string c = "c" + std::to_string(k), y = "y" + std::to_string(k);
    g.nodes.push_back(node("ConstantOfShape", {"shape"}, {c}));
    g.nodes.push_back(node("Neg", {c}, {y}));
    g.outputs.push_back(value_info(y, 1, {}));
  }
  std::string m = model(g.build());
  auto s = session(m, ceiling(200 << 20));
  int64_t folded = s->memory_info().weights_bytes;
  CHECK(folded <= int64_t(200) << 20);
  // Under a ceiling of 20 MiB at most two 8 MiB values fold; the rest runs, and the run's
  // outputs (48 MiB) are past it: the load fails naming the ceiling.
  CHECK_OOM(session(m, ceiling(20 << 20)), "above maxMemoryBytes 20971520");
  auto roomy = session(m, ceiling(int64_t(1) << 30));
  CHECK(roomy->memory_info().weights_bytes <= int64_t(1) << 30);
  std::vector<li::Tensor> out = roomy->run({}, {});
  CHECK_EQ(out.size(), size_t(6));
  CHECK_EQ(out[5].numel(), int64_t(2) << 20);
}

TEST(limits_subgraphs_get_the_ceiling) {
  // If(cond) whose branch makes ConstantOfShape(shape) from an outer input.
  Pb then_g = G{{node("ConstantOfShape", {"shape"}, {"t"})}, {}, {}, {value_info("t", 1, {})}, {}, "then"}.build();
  Pb else_g = G{{node("ConstantOfShape", {"shape"}, {"e"})}, {}, {}, {value_info("e", 1, {})}, {}, "else"}.build();
  G g;
  g.nodes.push_back(node("If", {"cond"}, {"y"}, "if", {attr_graph("then_branch", then_g), attr_graph("else_branch", else_g)}));
  g.inputs.push_back(value_info("cond", 9, {}));
  g.inputs.push_back(value_info("shape", 7, {"2"}));
  g.outputs.push_back(value_info("y", 1, {}));
  auto s = session(model(g.build()), ceiling(64 << 20));
  li::Tensor cond = li::Tensor::allocate(li::DType::Bool, {});
  cond.ptr<uint8_t>()[0] = 1;
  CHECK_EQ(s->run({{"cond", cond}, {"shape", int64s({2, 3})}}, {})[0].numel(), int64_t(6));
  CHECK_OOM(s->run({{"cond", cond}, {"shape", int64s({1 << 16, 1 << 13})}}, {}), "above maxMemoryBytes 67108864");
}

// ---- regressions found by the loader fuzzer --------------------------------------------------

TEST(fuzz_regression_pool_without_input) {
  // Fuzzer, run 1 (UBSan: reference binding to null in PoolOp::infer): a MaxPool node with no
  // inputs in a model without inputs, planned at load. Now INVALID_MODEL naming the node.
  for (const char* op : {"MaxPool", "AveragePool", "GlobalMaxPool", "GlobalAveragePool", "LpPool"}) {
    G g;
    g.nodes.push_back(node(op, {}, {"y"}, "pool", {attr_ints("kernel_shape", {2, 2})}));
    g.outputs.push_back(value_info("y", 1, {}));
    std::string m = model(g.build());
    try {
      auto s = session(m, ceiling(0));
      CHECK_INVALID(s->run({}, {}), "'pool'");
    } catch (const li::Error& e) {  // or refused at load
      CHECK(e.code() == li::ErrorCode::InvalidModel || e.code() == li::ErrorCode::UnsupportedOp);
    }
  }
}

TEST(fuzz_regression_output_bytes_overflow) {
  // Fuzzer, run 4 (UBSan: signed overflow summing the plan's output bytes): a graph output of
  // 2^61 float32 elements (2^63 bytes) made from a constant shape. Refused under a ceiling,
  // planned (not run) without one.
  std::string m = constant_of_shape(false, {int64_t(1) << 61});
  CHECK_OOM(session(m, ceiling(64 << 20)), "above maxMemoryBytes 67108864");
  session(m, ceiling(0));
  std::string two = constant_of_shape(false, {int64_t(1) << 30, int64_t(1) << 30});
  CHECK_OOM(session(two, ceiling(64 << 20)), "above maxMemoryBytes");
}
