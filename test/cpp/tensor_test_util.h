// Helpers shared by the tensor-op tests: typed tensor builders, value extraction, a naive
// strided reference, and a one-line op call.
#pragma once
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "op_runner.h"
#include "testing.h"

namespace tt {

using li::DType;
using li::Shape;
using li::Tensor;

template <class T>
Tensor make(DType dt, const Shape& shape, const std::vector<T>& v) {
  Tensor t = Tensor::allocate(dt, shape);
  if (size_t(t.numel()) != v.size()) {
    testing::record_failure(__FILE__, __LINE__, "tensor builder: value count mismatch");
    return t;
  }
  if (!v.empty()) std::memcpy(t.data, v.data(), v.size() * sizeof(T));
  return t;
}
inline Tensor f32(const Shape& s, const std::vector<float>& v) { return make(DType::Float32, s, v); }
inline Tensor i64(const Shape& s, const std::vector<int64_t>& v) { return make(DType::Int64, s, v); }
inline Tensor i32(const Shape& s, const std::vector<int32_t>& v) { return make(DType::Int32, s, v); }
inline Tensor u8(const Shape& s, const std::vector<uint8_t>& v) { return make(DType::UInt8, s, v); }
inline Tensor boolean(const Shape& s, const std::vector<uint8_t>& v) { return make(DType::Bool, s, v); }
inline Tensor str(const Shape& s, const std::vector<std::string>& v) {
  Tensor t = Tensor::allocate(DType::String, s);
  *t.strings = v;
  return t;
}
// 0, 1, 2, ... as float / int64.
inline Tensor iota_f32(const Shape& s) {
  Tensor t = Tensor::allocate(DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.ptr<float>()[i] = float(i);
  return t;
}
inline Tensor iota_i64(const Shape& s, int64_t start = 0) {
  Tensor t = Tensor::allocate(DType::Int64, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.ptr<int64_t>()[i] = start + i;
  return t;
}

inline std::vector<float> fv(const Tensor& t) {
  return std::vector<float>(t.ptr<float>(), t.ptr<float>() + t.numel());
}
inline std::vector<int64_t> iv(const Tensor& t) { return t.to_int64_vector(); }
inline std::vector<std::string> sv(const Tensor& t) { return *t.strings; }

template <class T>
std::string vec_str(const std::vector<T>& v) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
  s << "]";
  return s.str();
}
inline std::string shp(const Shape& s) { return vec_str(s); }

// One op call: inputs are all constants unless `dynamic` is set.
struct Call {
  testing::OpCall c;
  Call(const std::string& op, int64_t opset = 17) { c.op_type = op; c.opset = opset; }
  Call& in(const Tensor& t) { c.inputs.push_back(t); c.const_inputs.push_back(true); return *this; }
  Call& none() { c.inputs.push_back(Tensor()); c.const_inputs.push_back(false); return *this; }
  Call& attr(const std::string& k, const li::Attribute& a) { c.attrs[k] = a; return *this; }
  Call& outs(int n) { c.num_outputs = n; return *this; }
  Call& threads(int n) { c.threads = n; return *this; }
  Call& dynamic() { for (size_t i = 0; i < c.const_inputs.size(); ++i) c.const_inputs[i] = false; return *this; }
  std::vector<Tensor> run() const { return testing::run_op(c); }
  Tensor run1() const { return testing::run_op(c)[0]; }
};

}  // namespace tt

#define CHECK_VEC(a, b)                                                                      \
  do {                                                                                       \
    auto va2_ = (a);                                                                         \
    decltype(va2_) vb2_ = (b);                                                               \
    if (!(va2_ == vb2_))                                                                     \
      testing::record_failure(__FILE__, __LINE__,                                            \
                              "CHECK_VEC(" #a ", " #b "): " + tt::vec_str(va2_) + " vs " +   \
                                  tt::vec_str(vb2_));                                        \
  } while (0)
