// A minimal protobuf writer for building ONNX models byte by byte in C++ tests.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace testing {

struct PbWriter {
  std::string out;
  void varint(uint64_t v) {
    while (v >= 0x80) { out.push_back(char(v | 0x80)); v >>= 7; }
    out.push_back(char(v));
  }
  void key(uint32_t field, uint32_t wire) { varint((uint64_t(field) << 3) | wire); }
  PbWriter& int_field(uint32_t field, int64_t v) { key(field, 0); varint(uint64_t(v)); return *this; }
  PbWriter& bytes_field(uint32_t field, const std::string& s) { key(field, 2); varint(s.size()); out += s; return *this; }
  PbWriter& msg(uint32_t field, const PbWriter& m) { return bytes_field(field, m.out); }
  PbWriter& float_field(uint32_t field, float f) {
    key(field, 5);
    char b[4];
    std::memcpy(b, &f, 4);
    out.append(b, 4);
    return *this;
  }
  PbWriter& packed_ints(uint32_t field, const std::vector<int64_t>& v) {
    PbWriter p;
    for (int64_t x : v) p.varint(uint64_t(x));
    return bytes_field(field, p.out);
  }
  PbWriter& packed_floats(uint32_t field, const std::vector<float>& v) {
    std::string s(v.size() * 4, '\0');
    if (!v.empty()) std::memcpy(s.data(), v.data(), s.size());
    return bytes_field(field, s);
  }
};

// ONNX helpers built on PbWriter (field numbers from onnx.proto).
inline PbWriter tensor_proto(const std::string& name, int32_t dtype, const std::vector<int64_t>& dims,
                             const std::string& raw) {
  PbWriter t;
  for (int64_t d : dims) t.int_field(1, d);
  t.int_field(2, dtype).bytes_field(8, name).bytes_field(9, raw);
  return t;
}

inline std::string raw_floats(const std::vector<float>& v) {
  std::string s(v.size() * 4, '\0');
  if (!v.empty()) std::memcpy(s.data(), v.data(), s.size());
  return s;
}

inline PbWriter value_info(const std::string& name, int32_t dtype, const std::vector<std::string>& dims) {
  PbWriter shape;
  for (const std::string& d : dims) {
    PbWriter dim;
    if (!d.empty() && (d[0] >= '0' && d[0] <= '9')) dim.int_field(1, std::stoll(d));
    else dim.bytes_field(2, d);
    shape.msg(1, dim);
  }
  PbWriter tt;
  tt.int_field(1, dtype).msg(2, shape);
  PbWriter tp;
  tp.msg(1, tt);
  PbWriter vi;
  vi.bytes_field(1, name).msg(2, tp);
  return vi;
}

inline PbWriter node_proto(const std::string& op, const std::vector<std::string>& inputs,
                           const std::vector<std::string>& outputs, const std::string& name = "") {
  PbWriter n;
  for (auto& i : inputs) n.bytes_field(1, i);
  for (auto& o : outputs) n.bytes_field(2, o);
  if (!name.empty()) n.bytes_field(3, name);
  n.bytes_field(4, op);
  return n;
}

inline std::string model_proto(const PbWriter& graph, int64_t opset = 17) {
  PbWriter opset_id;
  opset_id.bytes_field(1, "").int_field(2, opset);
  PbWriter m;
  m.int_field(1, 8).bytes_field(2, "liteinfer-test").msg(7, graph).msg(8, opset_id);
  return m.out;
}

}  // namespace testing
