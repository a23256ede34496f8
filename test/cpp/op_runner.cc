#include "op_runner.h"

#include <cstring>

#include "testing.h"

namespace testing {

std::vector<li::Tensor> run_op(const OpCall& call) {
  li::Node node;
  node.name = "test_" + call.op_type;
  node.op_type = call.op_type;
  node.domain = call.domain;
  node.attrs = call.attrs;
  for (size_t i = 0; i < call.inputs.size(); ++i)
    node.inputs.push_back(call.inputs[i].empty() ? "" : "in" + std::to_string(i));
  for (int i = 0; i < call.num_outputs; ++i) node.outputs.push_back("out" + std::to_string(i));

  const li::OpFactory* factory = li::find_op(call.domain, call.op_type, call.opset);
  if (!factory)
    li::fail(li::ErrorCode::UnsupportedOp, "unsupported op ", call.op_type, " opset ", call.opset);
  li::OpBuildContext bctx{node, call.opset, {}};
  for (size_t i = 0; i < call.inputs.size(); ++i) {
    bool is_const = i < call.const_inputs.size() && call.const_inputs[i];
    bctx.const_inputs.push_back(is_const && !call.inputs[i].empty() ? &call.inputs[i] : nullptr);
  }
  std::unique_ptr<li::Op> op = (*factory)(bctx);

  std::vector<li::TensorInfo> infos(call.inputs.size());
  li::InferContext ictx{node, {}, std::vector<li::TensorInfo>(size_t(call.num_outputs)), 0};
  for (size_t i = 0; i < call.inputs.size(); ++i) {
    if (call.inputs[i].empty()) { ictx.inputs.push_back(nullptr); continue; }
    infos[i].dtype = call.inputs[i].dtype;
    infos[i].shape = call.inputs[i].shape;
    infos[i].value = &call.inputs[i];  // all values known: the executor's run-time path
    ictx.inputs.push_back(&infos[i]);
  }
  if (!op->infer(ictx)) li::fail(li::ErrorCode::Internal, "infer failed with all values known");

  std::vector<li::Tensor> outs;
  for (auto& o : ictx.outputs) outs.push_back(li::Tensor::allocate(o.dtype, o.shape));
  li::ThreadPool pool(call.threads);
  std::shared_ptr<void> scratch = li::aligned_alloc_shared(ictx.scratch_bytes);
  li::ExecContext ectx{{}, {}, pool, scratch.get()};
  for (auto& t : call.inputs) ectx.inputs.push_back(t.empty() ? nullptr : &t);
  for (auto& t : outs) ectx.outputs.push_back(&t);
  op->run(ectx);
  return outs;
}

li::Attribute attr_int(int64_t v) { li::Attribute a; a.type = li::Attribute::Int; a.i = v; return a; }
li::Attribute attr_float(float v) { li::Attribute a; a.type = li::Attribute::Float; a.f = v; return a; }
li::Attribute attr_string(const std::string& v) {
  li::Attribute a; a.type = li::Attribute::String; a.s = v; return a;
}
li::Attribute attr_ints(const std::vector<int64_t>& v) {
  li::Attribute a; a.type = li::Attribute::Ints; a.ints = v; return a;
}
li::Attribute attr_floats(const std::vector<float>& v) {
  li::Attribute a; a.type = li::Attribute::Floats; a.floats = v; return a;
}
li::Attribute attr_tensor(const li::Tensor& t) {
  li::Attribute a; a.type = li::Attribute::TensorT; a.t = t; return a;
}

li::Tensor tensor_f32(const li::Shape& shape, const std::vector<float>& data) {
  li::Tensor t = li::Tensor::allocate(li::DType::Float32, shape);
  if (!data.empty()) std::memcpy(t.data, data.data(), data.size() * 4);
  return t;
}
li::Tensor tensor_i64(const li::Shape& shape, const std::vector<int64_t>& data) {
  li::Tensor t = li::Tensor::allocate(li::DType::Int64, shape);
  if (!data.empty()) std::memcpy(t.data, data.data(), data.size() * 8);
  return t;
}
li::Tensor tensor_random(const li::Shape& shape, uint32_t seed, float lo, float hi) {
  li::Tensor t = li::Tensor::allocate(li::DType::Float32, shape);
  auto v = random_floats(size_t(t.numel()), seed, lo, hi);
  std::memcpy(t.data, v.data(), v.size() * 4);
  return t;
}

}  // namespace testing
