// Runs one op through the registry exactly as the executor does (build -> infer -> allocate ->
// run), for op tests in C++ without a model file.
#pragma once
#include <string>
#include <vector>

#include "ops/op.h"

namespace testing {

struct OpCall {
  std::string op_type;
  std::string domain;
  int64_t opset = 17;
  std::vector<li::Tensor> inputs;          // an empty Tensor (dtype Undefined) = omitted input
  std::vector<bool> const_inputs;          // which inputs are constants at build time
  std::map<std::string, li::Attribute> attrs;
  int num_outputs = 1;
  int threads = 2;
};

// Returns the outputs; throws li::Error on an unsupported op or a bad node.
std::vector<li::Tensor> run_op(const OpCall& call);

// Attribute builders.
li::Attribute attr_int(int64_t v);
li::Attribute attr_float(float v);
li::Attribute attr_string(const std::string& v);
li::Attribute attr_ints(const std::vector<int64_t>& v);
li::Attribute attr_floats(const std::vector<float>& v);
li::Attribute attr_tensor(const li::Tensor& t);

// Tensor builders.
li::Tensor tensor_f32(const li::Shape& shape, const std::vector<float>& data);
li::Tensor tensor_i64(const li::Shape& shape, const std::vector<int64_t>& data);
li::Tensor tensor_random(const li::Shape& shape, uint32_t seed, float lo = -1.f, float hi = 1.f);

}  // namespace testing
