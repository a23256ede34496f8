// A tiny protobuf writer and ONNX model helpers for the engine's C++ tests: models are built
// byte by byte (field numbers from onnx/onnx.proto3), so tests can write exactly the malformed
// or hostile model they need. Shared by test_loader.cc and test_limits.cc.
#pragma once
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "onnx/loader.h"
#include "testing.h"

namespace {

// ---- a tiny protobuf writer -------------------------------------------------------------------

struct Pb {
  std::string b;
  Pb& raw_varint(uint64_t v) {
    while (v >= 0x80) { b += char(uint8_t(v) | 0x80); v >>= 7; }
    b += char(uint8_t(v));
    return *this;
  }
  Pb& key(uint32_t field, int wire) { return raw_varint(uint64_t(field) << 3 | uint32_t(wire)); }
  Pb& i(uint32_t field, int64_t v) { return key(field, 0).raw_varint(uint64_t(v)); }
  Pb& fixed32(uint32_t field, uint32_t v) {
    key(field, 5);
    for (int k = 0; k < 4; ++k) b += char(uint8_t(v >> (8 * k)));
    return *this;
  }
  Pb& fixed64(uint32_t field, uint64_t v) {
    key(field, 1);
    for (int k = 0; k < 8; ++k) b += char(uint8_t(v >> (8 * k)));
    return *this;
  }
  Pb& f32(uint32_t field, float v) { uint32_t u; std::memcpy(&u, &v, 4); return fixed32(field, u); }
  Pb& f64(uint32_t field, double v) { uint64_t u; std::memcpy(&u, &v, 8); return fixed64(field, u); }
  Pb& str(uint32_t field, const std::string& s) { key(field, 2).raw_varint(s.size()); b += s; return *this; }
  Pb& msg(uint32_t field, const Pb& m) { return str(field, m.b); }
  Pb& packed(uint32_t field, const std::vector<int64_t>& v) {
    Pb p;
    for (int64_t x : v) p.raw_varint(uint64_t(x));
    return str(field, p.b);
  }
  Pb& packed_f32(uint32_t field, const std::vector<float>& v) {
    std::string s(v.size() * 4, '\0');
    if (!v.empty()) std::memcpy(&s[0], v.data(), s.size());  // little-endian test hosts
    return str(field, s);
  }
  Pb& packed_f64(uint32_t field, const std::vector<double>& v) {
    std::string s(v.size() * 8, '\0');
    if (!v.empty()) std::memcpy(&s[0], v.data(), s.size());
    return str(field, s);
  }
};

template <class T>
inline std::string raw_of(const std::vector<T>& v) {
  std::string s(v.size() * sizeof(T), '\0');
  if (!v.empty()) std::memcpy(&s[0], v.data(), s.size());
  return s;
}

// TensorProto: dims=1, data_type=2, name=8, raw_data=9 (onnx.proto3).
inline Pb tensor_head(const std::string& name, int dtype, const std::vector<int64_t>& dims) {
  Pb t;
  if (!dims.empty()) t.packed(1, dims);
  t.i(2, dtype);
  if (!name.empty()) t.str(8, name);
  return t;
}
inline Pb tensor_raw(const std::string& name, int dtype, const std::vector<int64_t>& dims, const std::string& raw) {
  Pb t = tensor_head(name, dtype, dims);
  t.str(9, raw);
  return t;
}
inline Pb tensor_f32(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& v) {
  return tensor_raw(name, 1, dims, raw_of(v));
}

// ValueInfoProto{name=1, type=2}; TypeProto{tensor_type=1}; Tensor{elem_type=1, shape=2};
// TensorShapeProto{dim=1}; Dimension{dim_value=1, dim_param=2}. A dim "" is unknown.
inline Pb value_info(const std::string& name, int elem, const std::vector<std::string>& dims, bool has_shape = true) {
  Pb shape;
  for (const std::string& d : dims) {
    Pb dim;
    if (!d.empty() && (std::isdigit(uint8_t(d[0])) || d[0] == '-')) dim.i(1, std::stoll(d));
    else if (!d.empty()) dim.str(2, d);
    shape.msg(1, dim);
  }
  Pb tt;
  tt.i(1, elem);
  if (has_shape) tt.msg(2, shape);
  Pb type;
  type.msg(1, tt);
  Pb v;
  v.str(1, name).msg(2, type);
  return v;
}

// AttributeProto{name=1, f=2, i=3, s=4, t=5, g=6, floats=7, ints=8, strings=9, tensors=10,
// graphs=11, type=20}.
inline Pb attr(const std::string& name, int type) { Pb a; a.str(1, name); if (type) a.i(20, type); return a; }
inline Pb attr_int(const std::string& name, int64_t v) { return attr(name, 2).i(3, v); }
inline Pb attr_float(const std::string& name, float v) { return attr(name, 1).f32(2, v); }
inline Pb attr_string(const std::string& name, const std::string& v) { return attr(name, 3).str(4, v); }
inline Pb attr_ints(const std::string& name, const std::vector<int64_t>& v) { return attr(name, 7).packed(8, v); }
inline Pb attr_floats(const std::string& name, const std::vector<float>& v) { return attr(name, 6).packed_f32(7, v); }
inline Pb attr_tensor(const std::string& name, const Pb& t) { return attr(name, 4).msg(5, t); }
inline Pb attr_graph(const std::string& name, const Pb& g) { return attr(name, 5).msg(6, g); }

// NodeProto{input=1, output=2, name=3, op_type=4, attribute=5, domain=7}.
inline Pb node(const std::string& op, const std::vector<std::string>& in, const std::vector<std::string>& out,
        const std::string& name = "", const std::vector<Pb>& attrs = {}, const std::string& domain = "") {
  Pb n;
  for (auto& s : in) n.str(1, s);
  for (auto& s : out) n.str(2, s);
  if (!name.empty()) n.str(3, name);
  n.str(4, op);
  for (auto& a : attrs) n.msg(5, a);
  if (!domain.empty()) n.str(7, domain);
  return n;
}

// GraphProto{node=1, name=2, initializer=5, input=11, output=12, value_info=13}.
struct G {
  std::vector<Pb> nodes, inits, inputs, outputs, infos;
  std::string name = "g";
  Pb build() const {
    Pb g;
    for (auto& n : nodes) g.msg(1, n);
    g.str(2, name);
    for (auto& t : inits) g.msg(5, t);
    for (auto& v : inputs) g.msg(11, v);
    for (auto& v : outputs) g.msg(12, v);
    for (auto& v : infos) g.msg(13, v);
    return g;
  }
};

// ModelProto{ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8};
// OperatorSetIdProto{domain=1, version=2}.
inline std::string model(const Pb& graph, std::vector<std::pair<std::string, int64_t>> opsets = {{"", 13}}) {
  Pb m;
  m.i(1, 8).str(2, "pbtest").str(3, "0.1").msg(7, graph);
  for (auto& [d, v] : opsets) {
    Pb o;
    if (!d.empty()) o.str(1, d);
    o.i(2, v);
    m.msg(8, o);
  }
  return m.b;
}

inline const uint8_t* u8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
inline li::Model load(const std::string& bytes, const li::LoadOptions& o = {}) { return li::load_model(u8(bytes), bytes.size(), o); }
inline li::Tensor tensor(const Pb& t, std::string* name = nullptr, const li::LoadOptions& o = {}) {
  return li::parse_tensor_proto(u8(t.b), t.b.size(), o, name);
}

// Expects fn to throw li::Error with the code and a message containing `fragment`.
#define CHECK_LI_ERROR(stmt, code_, fragment)                                                    \
  do {                                                                                         \
    bool thrown_ = false;                                                                      \
    try { stmt; } catch (const li::Error& e_) {                                                \
      thrown_ = true;                                                                          \
      if (e_.code() != (code_))                                                                \
        testing::record_failure(__FILE__, __LINE__, std::string("wrong code ") +               \
                                li::error_code_name(e_.code()) + ": " + e_.what());            \
      if (std::string(e_.what()).find(fragment) == std::string::npos)                          \
        testing::record_failure(__FILE__, __LINE__, std::string("message lacks '") + (fragment) + "': " + e_.what()); \
    } catch (const std::exception& e_) {                                                       \
      thrown_ = true;                                                                          \
      testing::record_failure(__FILE__, __LINE__, std::string("not an li::Error: ") + e_.what()); \
    }                                                                                          \
    if (!thrown_) testing::record_failure(__FILE__, __LINE__, "expected a throw: " #stmt);     \
  } while (0)
#define CHECK_INVALID(stmt, fragment) CHECK_LI_ERROR(stmt, li::ErrorCode::InvalidModel, fragment)
#define CHECK_UNSUPPORTED(stmt, fragment) CHECK_LI_ERROR(stmt, li::ErrorCode::UnsupportedOp, fragment)

}  // namespace
