// The ONNX loader on models built byte by byte (test/cpp/model_builder.h): every
// dtype in raw and typed encodings, attributes of each type, Constant folding, external data
// confinement, topological order, limits, and hostile input (every prefix of a model, a few
// thousand byte flips, huge declared shapes) ending in li::Error, never a crash.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "onnx/loader.h"
#include "model_builder.h"
#include "testing.h"

namespace {

std::vector<std::string> node_names(const li::Graph& g) {
  std::vector<std::string> v;
  for (auto& n : g.nodes) v.push_back(n.name);
  return v;
}

// x[batch,3] -> Add(w) -> Relu -> Mul(two, a Constant) -> If(cond) -> y; the If's branches
// read outer values; attributes of several types on a Custom node.
std::string sample_model() {
  Pb then_g = G{{node("Identity", {"r"}, {"t_out"}, "then_id")}, {}, {}, {value_info("t_out", 1, {})}, {}, "then"}.build();
  Pb else_g = G{{node("Neg", {"m"}, {"e_out"}, "else_neg")}, {}, {}, {value_info("e_out", 1, {})}, {}, "else"}.build();
  G g;
  g.name = "sample";
  g.nodes.push_back(node("Add", {"x", "w"}, {"s"}, "add"));
  g.nodes.push_back(node("Relu", {"s"}, {"r"}, "relu"));
  g.nodes.push_back(node("Constant", {}, {"two"}, "const", {attr_float("value_float", 2.0f)}));
  g.nodes.push_back(node("Mul", {"r", "two"}, {"m"}, "mul"));
  g.nodes.push_back(node("If", {"cond"}, {"y"}, "if", {attr_graph("then_branch", then_g), attr_graph("else_branch", else_g)}));
  g.nodes.push_back(node("Custom", {"m", "", "idx"}, {"z", ""}, "custom",
                         {attr_int("axis", -2), attr_floats("scales", {0.5f, 2.f}), attr_ints("pads", {1, -1, 300}),
                          attr_string("mode", "linear"), attr_tensor("t", tensor_f32("", {2}, {3, 4}))},
                         "com.example"));
  g.inits.push_back(tensor_f32("w", {3}, {1, -1, 0.5f}));
  Pb idx = tensor_head("idx", 7, {2});
  idx.packed(7, {-1, 5});
  g.inits.push_back(idx);
  g.inputs.push_back(value_info("x", 1, {"batch", "3"}));
  g.inputs.push_back(value_info("cond", 9, {}));
  g.inputs.push_back(value_info("w", 1, {"3"}));  // IR < 4 style: also an initializer
  g.outputs.push_back(value_info("y", 1, {"batch", "3"}));
  g.outputs.push_back(value_info("z", 1, {"", "3"}));
  g.infos.push_back(value_info("s", 1, {"batch", "3"}));
  return model(g.build(), {{"", 13}, {"ai.onnx", 14}, {"com.example", 1}});
}

// ---- temp folders for external data -----------------------------------------------------------

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/li_loader_XXXXXX";
    const char* p = mkdtemp(tmpl);
    path = p ? p : "";
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string write(const std::string& rel, const std::string& bytes) const {
    std::string full = path + "/" + rel;
    FILE* f = std::fopen(full.c_str(), "wb");
    if (f) { std::fwrite(bytes.data(), 1, bytes.size(), f); std::fclose(f); }
    return full;
  }
};

// TensorProto with data_location EXTERNAL (14) and external_data entries (13).
Pb external_tensor(const std::string& name, const std::vector<int64_t>& dims,
                   const std::vector<std::pair<std::string, std::string>>& entries) {
  Pb t = tensor_head(name, 1, dims);
  for (auto& [k, v] : entries) {
    Pb e;
    e.str(1, k).str(2, v);
    t.msg(13, e);
  }
  t.i(14, 1);
  return t;
}

std::string model_with_init(const Pb& init) {
  G g;
  g.nodes.push_back(node("Relu", {"w"}, {"y"}, "relu"));
  g.inits.push_back(init);
  g.outputs.push_back(value_info("y", 1, {}));
  return model(g.build());
}

// Loads, or throws li::Error; anything else (another exception type) is a test failure.
// Returns true when it loaded.
bool loads_or_li_error(const std::function<void()>& fn, const char* what, size_t i) {
  try {
    fn();
    return true;
  } catch (const li::Error&) {
    return false;
  } catch (const std::exception& e) {
    testing::record_failure(__FILE__, __LINE__, li::cat(what, " #", i, ": not an li::Error: ", e.what()));
    return false;
  }
}

}  // namespace

// ---- the model and its graph ------------------------------------------------------------------

TEST(loader_reads_a_model) {
  li::Model m = load(sample_model());
  CHECK_EQ(m.ir_version, 8);
  CHECK_EQ(m.producer_name, std::string("pbtest"));
  CHECK_EQ(m.producer_version, std::string("0.1"));
  CHECK_EQ(m.opsets.size(), size_t(2));
  CHECK_EQ(m.opset(""), 14);  // "ai.onnx" is the default domain; the later entry wins
  CHECK_EQ(m.opset("com.example"), 1);
  const li::Graph& g = m.graph;
  CHECK_EQ(g.name, std::string("sample"));
  CHECK((node_names(g) == std::vector<std::string>{"add", "relu", "mul", "if", "custom"}));
  // Inputs: x and cond; w is an initializer (IR < 4 style) and no longer a required feed.
  CHECK_EQ(g.inputs.size(), size_t(2));
  CHECK_EQ(g.inputs[0].name, std::string("x"));
  CHECK(g.inputs[0].dtype == li::DType::Float32);
  CHECK(g.inputs[0].has_shape);
  CHECK_EQ(g.inputs[0].dims.size(), size_t(2));
  CHECK_EQ(g.inputs[0].dims[0].symbol, std::string("batch"));
  CHECK(!g.inputs[0].dims[0].known());
  CHECK_EQ(g.inputs[0].dims[1].value, 3);
  CHECK(g.inputs[1].dtype == li::DType::Bool);
  CHECK_EQ(g.outputs.size(), size_t(2));
  CHECK(!g.outputs[1].dims[0].known() && g.outputs[1].dims[0].symbol.empty());
  CHECK_EQ(g.value_info.size(), size_t(1));
  // Initializers: w, idx and the Constant's output.
  CHECK_EQ(g.initializers.size(), size_t(3));
  const li::Tensor& w = g.initializers.at("w");
  CHECK(w.dtype == li::DType::Float32 && w.shape == li::Shape{3});
  CHECK_EQ(w.ptr<float>()[2], 0.5f);
  const li::Tensor& two = g.initializers.at("two");
  CHECK(two.dtype == li::DType::Float32 && two.shape.empty());
  CHECK_EQ(two.ptr<float>()[0], 2.0f);
  CHECK_EQ(g.initializers.at("idx").ptr<int64_t>()[0], -1);
  // Node fields and attributes.
  const li::Node& c = g.nodes[4];
  CHECK_EQ(c.domain, std::string("com.example"));
  CHECK((c.inputs == std::vector<std::string>{"m", "", "idx"}));
  CHECK((c.outputs == std::vector<std::string>{"z", ""}));
  CHECK_EQ(c.get_int("axis", 0), -2);
  CHECK((c.get_floats("scales") == std::vector<float>{0.5f, 2.f}));
  CHECK((c.get_ints("pads") == std::vector<int64_t>{1, -1, 300}));
  CHECK_EQ(c.get_string("mode", ""), std::string("linear"));
  CHECK(c.get_tensor("t") && c.get_tensor("t")->ptr<float>()[1] == 4.f);
  const li::Node& iff = g.nodes[3];
  CHECK(iff.attrs.at("then_branch").type == li::Attribute::GraphT);
  CHECK_EQ(iff.attrs.at("then_branch").g->name, std::string("then"));
  CHECK_EQ(iff.attrs.at("else_branch").g->nodes[0].op_type, std::string("Neg"));
}

TEST(loader_model_without_graph_or_empty) {
  CHECK_INVALID(load(std::string()), "empty");
  Pb m;
  m.i(1, 7).str(2, "x");
  CHECK_INVALID(load(m.b), "no graph");
  CHECK_INVALID(load("this is not a model"), "ModelProto");
}

TEST(loader_opset_defaults) {
  G g;
  g.nodes.push_back(node("Relu", {"x"}, {"y"}));
  g.inputs.push_back(value_info("x", 1, {}));
  g.outputs.push_back(value_info("y", 1, {}));
  li::Model m = load(model(g.build(), {}));
  CHECK_EQ(m.opset(""), 1);  // IR 1-2 files imply opset 1
  li::Model m2 = load(model(g.build(), {{"com.microsoft", 1}}));
  CHECK_EQ(m2.opset(""), 0);
  CHECK_EQ(m2.opset("com.microsoft"), 1);
}

// ---- tensors ---------------------------------------------------------------------------------

TEST(loader_every_dtype_via_raw_data) {
  struct Case { int dtype; size_t es; };
  const Case cases[] = {{1, 4}, {2, 1}, {3, 1}, {4, 2}, {5, 2}, {6, 4}, {7, 8}, {9, 1},
                        {10, 2}, {11, 8}, {12, 4}, {13, 8}, {16, 2}};
  for (const Case& c : cases) {
    std::string bytes;
    for (size_t k = 0; k < 6 * c.es; ++k) bytes += char(uint8_t(k * 37 + c.dtype));
    if (c.dtype == 9) bytes = std::string("\x00\x01\x01\x00\x01\x00", 6);
    std::string name;
    li::Tensor t = tensor(tensor_raw("t" + std::to_string(c.dtype), c.dtype, {2, 3}, bytes), &name);
    CHECK_EQ(int(t.dtype), c.dtype);
    CHECK(t.shape == (li::Shape{2, 3}));
    CHECK_EQ(t.nbytes(), bytes.size());
    CHECK(std::memcmp(t.data, bytes.data(), bytes.size()) == 0);
    CHECK_EQ(name, "t" + std::to_string(c.dtype));
    // One byte short names the tensor, both sizes and the shape.
    CHECK_INVALID(tensor(tensor_raw("short", c.dtype, {2, 3}, bytes.substr(1))),
                  li::cat("TensorProto 'short': raw_data has ", bytes.size() - 1, " bytes, shape [2,3] of ",
                          li::dtype_name(li::DType(c.dtype)), " needs ", bytes.size()));
  }
}

TEST(loader_every_dtype_via_typed_fields) {
  // float_data (4), packed and one value per key.
  {
    Pb t = tensor_head("f", 1, {3});
    t.packed_f32(4, {1.5f, -2.f});
    t.f32(4, 7.25f);
    li::Tensor x = tensor(t);
    CHECK(x.dtype == li::DType::Float32);
    CHECK_EQ(x.ptr<float>()[0], 1.5f);
    CHECK_EQ(x.ptr<float>()[1], -2.f);
    CHECK_EQ(x.ptr<float>()[2], 7.25f);
  }
  // double_data (10).
  {
    Pb t = tensor_head("d", 11, {2});
    t.f64(10, 1e300);
    t.packed_f64(10, {-0.125});
    li::Tensor x = tensor(t);
    CHECK_EQ(x.ptr<double>()[0], 1e300);
    CHECK_EQ(x.ptr<double>()[1], -0.125);
  }
  // int64_data (7), negative values as 10-byte varints.
  {
    Pb t = tensor_head("i64", 7, {3});
    t.packed(7, {-1, INT64_MIN});
    t.i(7, INT64_MAX);
    li::Tensor x = tensor(t);
    CHECK_EQ(x.ptr<int64_t>()[0], -1);
    CHECK_EQ(x.ptr<int64_t>()[1], INT64_MIN);
    CHECK_EQ(x.ptr<int64_t>()[2], INT64_MAX);
  }
  // uint64_data (11) for uint32 and uint64.
  {
    Pb t = tensor_head("u64", 13, {2});
    t.packed(11, {int64_t(~uint64_t(0)), 5});
    li::Tensor x = tensor(t);
    CHECK_EQ(x.ptr<uint64_t>()[0], ~uint64_t(0));
    CHECK_EQ(x.ptr<uint64_t>()[1], uint64_t(5));
    Pb t32 = tensor_head("u32", 12, {2});
    t32.packed(11, {4000000000LL, 7});
    li::Tensor y = tensor(t32);
    CHECK(y.dtype == li::DType::UInt32);
    CHECK_EQ(y.ptr<uint32_t>()[0], 4000000000u);
    CHECK_EQ(y.ptr<uint32_t>()[1], 7u);
  }
  // int32_data (5) carries int32 and every narrower type; negatives are sign-extended.
  auto i32 = [](int dtype, const std::vector<int64_t>& v) {
    Pb t = tensor_head("n", dtype, {int64_t(v.size())});
    t.packed(5, v);
    return tensor(t);
  };
  {
    li::Tensor x = i32(6, {-7, INT32_MAX, INT32_MIN});
    CHECK_EQ(x.ptr<int32_t>()[0], -7);
    CHECK_EQ(x.ptr<int32_t>()[1], INT32_MAX);
    CHECK_EQ(x.ptr<int32_t>()[2], INT32_MIN);
  }
  {
    li::Tensor x = i32(3, {-3, 127, -128});
    CHECK(x.dtype == li::DType::Int8);
    CHECK_EQ(int(x.ptr<int8_t>()[0]), -3);
    CHECK_EQ(int(x.ptr<int8_t>()[1]), 127);
    CHECK_EQ(int(x.ptr<int8_t>()[2]), -128);
  }
  {
    li::Tensor x = i32(5, {-300, 32767});
    CHECK_EQ(x.ptr<int16_t>()[0], -300);
    CHECK_EQ(x.ptr<int16_t>()[1], 32767);
  }
  {
    li::Tensor x = i32(2, {255, 0});
    CHECK_EQ(int(x.ptr<uint8_t>()[0]), 255);
    li::Tensor y = i32(4, {65535, 1});
    CHECK_EQ(int(y.ptr<uint16_t>()[0]), 65535);
  }
  {
    li::Tensor x = i32(9, {0, 1, 2});
    CHECK(x.dtype == li::DType::Bool);
    CHECK_EQ(int(x.ptr<uint8_t>()[0]), 0);
    CHECK_EQ(int(x.ptr<uint8_t>()[1]), 1);
    CHECK_EQ(int(x.ptr<uint8_t>()[2]), 1);  // any non-zero is true
  }
  // float16 and bfloat16 travel as bits in int32_data.
  {
    li::Tensor h = i32(10, {0x3C00, 0xBC00, 0x7C00, 0x0001});
    CHECK(h.dtype == li::DType::Float16);
    CHECK_EQ(li::half_to_float(h.ptr<uint16_t>()[0]), 1.0f);
    CHECK_EQ(li::half_to_float(h.ptr<uint16_t>()[1]), -1.0f);
    CHECK(std::isinf(li::half_to_float(h.ptr<uint16_t>()[2])));
    CHECK_EQ(h.ptr<uint16_t>()[3], uint16_t(1));  // subnormal bits kept exactly
    CHECK_EQ(h.scalar_as_double(0), 1.0);
    li::Tensor b = i32(16, {0x3F80, 0xC040});
    CHECK(b.dtype == li::DType::BFloat16);
    CHECK_EQ(li::bf16_to_float(b.ptr<uint16_t>()[0]), 1.0f);
    CHECK_EQ(li::bf16_to_float(b.ptr<uint16_t>()[1]), -3.0f);
  }
  // float16 via raw_data.
  {
    std::vector<uint16_t> bits = {li::float_to_half(0.5f), li::float_to_half(-65504.f)};
    li::Tensor h = tensor(tensor_raw("h", 10, {2}, raw_of(bits)));
    CHECK_EQ(li::half_to_float(h.ptr<uint16_t>()[1]), -65504.f);
  }
  // string_data (6).
  {
    Pb t = tensor_head("s", 8, {3});
    t.str(6, "a").str(6, "").str(6, std::string("b\0c", 3));
    li::Tensor x = tensor(t);
    CHECK(x.dtype == li::DType::String);
    CHECK_EQ(x.strings->size(), size_t(3));
    CHECK_EQ((*x.strings)[2], std::string("b\0c", 3));
    CHECK_INVALID(tensor(tensor_head("s2", 8, {2}).str(6, "only one")), "needs 2 strings, string_data has 1");
  }
  // A scalar (no dims) and an empty tensor (a zero dim, no data at all).
  {
    li::Tensor s = tensor(tensor_head("scalar", 7, {}).i(7, 42));
    CHECK(s.shape.empty());
    CHECK_EQ(s.ptr<int64_t>()[0], 42);
    li::Tensor e = tensor(tensor_head("empty", 1, {0, 5}));
    CHECK(e.shape == (li::Shape{0, 5}));
    CHECK_EQ(e.numel(), 0);
  }
}

TEST(loader_tensor_errors) {
  CHECK_INVALID(tensor(tensor_head("c", 7, {3}).packed(7, {1, 2})), "TensorProto 'c': int64_data has 2 values, shape [3] needs 3");
  CHECK_INVALID(tensor(tensor_head("wrong", 7, {1}).f32(4, 1.f)), "int64 tensor holds its data in float_data; expected int64_data");
  CHECK_INVALID(tensor(tensor_head("both", 1, {1}).f32(4, 1.f).str(9, "abcd")), "both raw_data and float_data");
  CHECK_INVALID(tensor(tensor_head("none", 1, {2})), "has no data");
  CHECK_INVALID(tensor(tensor_head("neg", 1, {2, -1})), "negative dimension -1");
  CHECK_INVALID(tensor(tensor_raw("u", 0, {1}, "abcd")), "data_type");
  CHECK_INVALID(tensor(tensor_raw("u", 99, {1}, "abcd")), "unknown data_type 99");
  CHECK_UNSUPPORTED(tensor(tensor_raw("cx", 14, {1}, "abcdefgh")), "complex");
  CHECK_UNSUPPORTED(tensor(tensor_raw("f8", 17, {1}, "a")), "float8");
  CHECK_UNSUPPORTED(tensor(tensor_raw("seg", 1, {1}, "abcd").msg(3, Pb().i(1, 0).i(2, 1))), "segment");
  CHECK_INVALID(tensor(tensor_head("str", 8, {1}).str(9, "x")), "string tensor holds its data in raw_data");
  CHECK_INVALID(tensor(tensor_head("loc", 1, {1}).str(9, "abcd").i(14, 7)), "unknown data_location 7");
  // A packed float run that is not whole floats.
  CHECK_INVALID(tensor(tensor_head("p", 1, {1}).str(4, "abcde")), "not a multiple of 4");
  // A truncated packed varint run.
  CHECK_INVALID(tensor(tensor_head("v", 7, {1}).str(7, "\x81")), "int64_data");
}

TEST(loader_huge_declared_shapes_fail_fast) {
  auto t0 = std::chrono::steady_clock::now();
  // Dims whose product overflows int64.
  CHECK_INVALID(tensor(tensor_raw("ovf", 1, {int64_t(1) << 40, int64_t(1) << 40}, "abcd")), "TensorProto 'ovf'");
  CHECK_INVALID(tensor(tensor_raw("ovf2", 1, {INT64_MAX, 2}, "abcd")), "too many elements");
  // A 1e12-element tensor declared with tiny data, in every encoding.
  CHECK_INVALID(tensor(tensor_raw("big", 2, {1000000, 1000000}, "abcd")),
                "raw_data has 4 bytes, shape [1000000,1000000] of uint8 needs 1000000000000");
  CHECK_INVALID(tensor(tensor_head("bigf", 1, {1000000, 1000000}).f32(4, 1.f)),
                "float_data has 1 values, shape [1000000,1000000] needs 1000000000000");
  CHECK_INVALID(tensor(tensor_raw("bigd", 11, {INT64_MAX / 4}, "abcd")), "needs 2305843009213693951x8");
  CHECK_INVALID(tensor(tensor_head("bigi", 3, {1000000, 1000000}).packed(5, {1, 2})), "int32_data has 2 values");
  CHECK_INVALID(tensor(tensor_head("bigs", 8, {1000000, 1000000}).str(6, "x")), "needs 1000000000000 strings");
  CHECK_INVALID(load(model_with_init(tensor_raw("w", 1, {1000000, 1000000}, "abcd"))), "TensorProto 'w'");
  // A Constant holding such a tensor, and a huge rank made of ones.
  G g;
  g.nodes.push_back(node("Constant", {}, {"c"}, "k", {attr_tensor("value", tensor_raw("", 1, {1000000, 1000000}, "ab"))}));
  g.outputs.push_back(value_info("c", 1, {}));
  CHECK_INVALID(load(model(g.build())), "NodeProto 'k'");
  std::vector<int64_t> ones(100000, 1);
  ones.push_back(3);
  li::Tensor r = tensor(tensor_raw("rank", 2, ones, "abc"));
  CHECK_EQ(r.numel(), 3);
  CHECK_INVALID(tensor(tensor_raw("rank", 2, ones, "ab")), "(rank 100001)");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(secs < 2.0);
}

TEST(loader_parse_tensor_proto_standalone) {
  // As in the ONNX backend test suite's input_0.pb: dims, data_type, name, raw_data.
  std::string name;
  li::Tensor t = tensor(tensor_f32("input_0", {1, 2, 2}, {1, 2, 3, 4}), &name);
  CHECK_EQ(name, std::string("input_0"));
  CHECK(t.shape == (li::Shape{1, 2, 2}));
  CHECK_EQ(t.ptr<float>()[3], 4.f);
  CHECK_INVALID(li::parse_tensor_proto(nullptr, 0, {}, nullptr), "data_type");
}

// ---- the wire format -------------------------------------------------------------------------

TEST(loader_wire_truncation_message) {
  // name first, then a raw_data that claims 4096 bytes with only 100 present.
  Pb t = tensor_head("conv1.weight", 1, {1024});
  t.key(9, 2).raw_varint(4096);
  t.b += std::string(100, '\0');
  CHECK_INVALID(tensor(t), "truncated TensorProto 'conv1.weight': raw_data length 4096 exceeds the remaining 100 bytes");
  // Inside a model the message also says where the tensor sits.
  G g;
  g.name = "main";
  g.outputs.push_back(value_info("w", 1, {}));
  Pb gb = g.build();
  gb.key(5, 2).raw_varint(t.b.size());
  gb.b += t.b;
  CHECK_INVALID(load(model(gb)), "truncated TensorProto 'conv1.weight' in GraphProto 'main': raw_data length 4096");
}

TEST(loader_wire_skips_unknown_fields) {
  // Unknown fields of every wire type, in every message, are skipped; so are groups.
  auto junk = [](Pb& p) {
    p.i(1000, 123456789).fixed32(1001, 7).fixed64(1002, 9).str(1003, "junk");
    p.key(1004, 3).i(1, 5).key(1005, 3).str(2, "nested").key(1005, 4).key(1004, 4);  // groups
  };
  Pb t = tensor_f32("w", {2}, {1, 2});
  junk(t);
  Pb n = node("Add", {"x", "w"}, {"y"}, "add", {attr_int("k", 1)});
  junk(n);
  G gg;
  gg.nodes.push_back(n);
  gg.inits.push_back(t);
  gg.inputs.push_back(value_info("x", 1, {"2"}));
  gg.outputs.push_back(value_info("y", 1, {"2"}));
  Pb g = gg.build();
  junk(g);
  Pb m;
  m.i(1, 8);
  junk(m);
  m.msg(7, g).msg(8, Pb().i(2, 13)).i(5, 3).str(6, "doc").str(25, "a function");
  li::Model model_ = load(m.b);
  CHECK_EQ(model_.graph.nodes.size(), size_t(1));
  CHECK_EQ(model_.graph.initializers.at("w").ptr<float>()[1], 2.f);
  CHECK_EQ(model_.graph.nodes[0].get_int("k", 0), 1);
}

TEST(loader_wire_errors) {
  std::string good = sample_model();
  // A varint of 10 bytes is fine (ir_version = 2^63 as uint64), 11 bytes is not.
  Pb m;
  m.b = good;
  m.key(1, 0);
  m.b += std::string(9, '\x80') + '\x01';
  CHECK_EQ(uint64_t(load(m.b).ir_version), uint64_t(1) << 63);
  Pb m2;
  m2.key(1, 0);
  m2.b += std::string(10, '\x80') + '\x01';
  CHECK_INVALID(load(m2.b), "longer than 10 bytes");
  CHECK_INVALID(load(std::string("\x08", 1)), "truncated ModelProto: ir_version varint runs past the end");
  CHECK_INVALID(load(std::string("\x0e\x01", 2)), "wire type 6");       // field 1, wire type 6
  CHECK_INVALID(load(std::string("\x0f\x01", 2)), "wire type 7");
  CHECK_INVALID(load(std::string("\x00\x01", 2)), "field number 0");
  CHECK_INVALID(load(std::string("\x0c", 1)), "never started");         // end-group
  CHECK_INVALID(load(Pb().key(100, 3).i(2, 1).b), "no end-group");  // an unknown group left open
  CHECK_INVALID(load(Pb().key(100, 3).key(2, 4).b), "closed by field 2");
  CHECK_INVALID(load(Pb().key(100, 5).b + "\x01\x02"), "unknown fixed32 field needs 4 bytes, only 2 remain");
  // A known field with the wrong wire type.
  CHECK_INVALID(load(Pb().str(1, "x").b), "ir_version (field 1) has wire type length-delimited, expected varint");
  CHECK_INVALID(load(Pb().i(7, 3).b), "graph (field 7) has wire type varint");
}

TEST(loader_every_prefix_loads_or_throws) {
  std::string full = sample_model();
  size_t loaded = 0;
  for (size_t n = 0; n <= full.size(); ++n) {
    std::string prefix = full.substr(0, n);
    if (loads_or_li_error([&] { load(prefix); }, "prefix", n)) ++loaded;
  }
  CHECK(loaded >= 1);  // at least the full model
  // A standalone tensor too, in typed and raw encodings.
  Pb t = tensor_head("t", 7, {4});
  t.packed(7, {1, -2, 3, 1 << 20});
  std::string tb = t.b + tensor_f32("r", {2}, {1, 2}).b;
  for (size_t n = 0; n <= tb.size(); ++n)
    loads_or_li_error([&] { li::parse_tensor_proto(u8(tb), n, {}, nullptr); }, "tensor prefix", n);
}

TEST(loader_random_byte_flips_load_or_throw) {
  std::string full = sample_model();
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;  // xorshift64
    return state;
  };
  size_t loaded = 0;
  for (size_t it = 0; it < 4000; ++it) {
    std::string bytes = full;
    int flips = 1 + int(next() % 3);
    for (int k = 0; k < flips; ++k) {
      size_t pos = size_t(next() % bytes.size());
      uint64_t r = next();
      // Mix of single-bit flips, random bytes and "big" length-like bytes.
      if (r % 3 == 0) bytes[pos] = char(bytes[pos] ^ char(1 << (r >> 8) % 8));
      else if (r % 3 == 1) bytes[pos] = char(r >> 16);
      else bytes[pos] = char(0xff);
    }
    if (loads_or_li_error([&] { load(bytes); }, "flip", it)) ++loaded;
  }
  CHECK(loaded > 0);  // some flips hit names or values only
}

// ---- attributes ------------------------------------------------------------------------------

TEST(loader_attributes_of_every_type) {
  Pb sub = G{{node("Neg", {"outer"}, {"so"}, "inner")}, {}, {}, {value_info("so", 1, {})}, {}, "sub"}.build();
  Pb sub2 = G{{}, {tensor_f32("k", {1}, {5})}, {}, {value_info("k", 1, {})}, {}, "sub2"}.build();
  std::vector<Pb> attrs = {
      attr_float("f", 0.25f),
      attr_int("i", -5),
      attr_string("s", "hello"),
      attr_tensor("t", tensor_f32("tt", {2}, {1, 2})),
      attr_graph("g", sub),
      attr_floats("floats", {1.f, -1.f}),
      attr("floats_unpacked", 6).f32(7, 3.f).f32(7, 4.f),
      attr_ints("ints", {1, -2, INT64_MAX}),
      attr("ints_unpacked", 7).i(8, -9).i(8, 10),
      attr("strings", 8).str(9, "a").str(9, "bc"),
      attr("tensors", 9).msg(10, tensor_f32("", {1}, {7})).msg(10, tensor_raw("", 7, {}, raw_of<int64_t>({8}))),
      attr("graphs", 10).msg(11, sub).msg(11, sub2),
      attr("zero_int", 2),      // proto3 omits a zero value: the type alone says INT 0
      attr("empty_ints", 7),
      attr("untyped_i", 0).i(3, 11),  // IR < 3: no type field, inferred from the value
      attr("untyped_s", 0).str(4, "u"),
  };
  G g;
  g.nodes.push_back(node("Relu", {"x"}, {"outer"}, "first"));
  g.nodes.push_back(node("Custom", {"outer"}, {"y"}, "custom", attrs));
  g.inputs.push_back(value_info("x", 1, {}));
  g.outputs.push_back(value_info("y", 1, {}));
  li::Model m = load(model(g.build()));
  const li::Node& n = m.graph.nodes[1];
  CHECK_EQ(n.attrs.size(), attrs.size());
  CHECK_EQ(n.get_float("f", 0), 0.25f);
  CHECK_EQ(n.get_int("i", 0), -5);
  CHECK_EQ(n.get_string("s", ""), std::string("hello"));
  CHECK_EQ(n.get_tensor("t")->ptr<float>()[1], 2.f);
  const li::Attribute& ga = n.attrs.at("g");
  CHECK(ga.type == li::Attribute::GraphT);
  CHECK_EQ(ga.g->nodes.size(), size_t(1));
  CHECK_EQ(ga.g->nodes[0].name, std::string("inner"));
  CHECK((n.get_floats("floats") == std::vector<float>{1.f, -1.f}));
  CHECK((n.get_floats("floats_unpacked") == std::vector<float>{3.f, 4.f}));
  CHECK((n.get_ints("ints") == std::vector<int64_t>{1, -2, INT64_MAX}));
  CHECK((n.get_ints("ints_unpacked") == std::vector<int64_t>{-9, 10}));
  CHECK((n.attrs.at("strings").strings == std::vector<std::string>{"a", "bc"}));
  const li::Attribute& ts = n.attrs.at("tensors");
  CHECK(ts.type == li::Attribute::Tensors);
  CHECK_EQ(ts.tensors.size(), size_t(2));
  CHECK_EQ(ts.tensors[1].ptr<int64_t>()[0], 8);
  const li::Attribute& gs = n.attrs.at("graphs");
  CHECK(gs.type == li::Attribute::Graphs);
  CHECK_EQ(gs.graphs.size(), size_t(2));
  CHECK_EQ(gs.graphs[1]->initializers.at("k").ptr<float>()[0], 5.f);
  CHECK_EQ(n.get_int("zero_int", 7), 0);
  CHECK(n.attrs.at("empty_ints").type == li::Attribute::Ints && n.get_ints("empty_ints").empty());
  CHECK_EQ(n.get_int("untyped_i", 0), 11);
  CHECK_EQ(n.get_string("untyped_s", ""), std::string("u"));
}

TEST(loader_attribute_errors) {
  auto with_attr = [](const Pb& a) {
    G g;
    g.nodes.push_back(node("Custom", {"x"}, {"y"}, "n1", {a}));
    g.inputs.push_back(value_info("x", 1, {}));
    g.outputs.push_back(value_info("y", 1, {}));
    return model(g.build());
  };
  CHECK_UNSUPPORTED(load(with_attr(attr("r", 2).str(21, "alpha"))), "ref_attr_name");
  CHECK_UNSUPPORTED(load(with_attr(attr("sp", 11).msg(22, Pb()))), "sparse tensor");
  CHECK_UNSUPPORTED(load(with_attr(attr("tps", 14).msg(15, Pb()))), "TYPE_PROTOS");
  {  // TYPE_PROTO (Optional's 'type') is read: an optional of a sequence of int64
    Pb opt_seq;
    opt_seq.msg(9, Pb().msg(1, Pb().msg(4, Pb().msg(1, Pb().msg(1, Pb().i(1, 7))))));
    li::Model m = load(with_attr(attr("tp", 13).msg(14, opt_seq)));
    const li::Attribute& a = m.graph.nodes[0].attrs.at("tp");
    CHECK(a.type == li::Attribute::TypeProtoT);
    CHECK(a.tp.kind == li::ValueKind::Optional && a.tp.elem_kind == li::ValueKind::Sequence);
    CHECK(a.tp.dtype == li::DType::Int64);
  }
  CHECK_INVALID(load(with_attr(attr("nothing", 0))), "AttributeProto 'nothing' in NodeProto 'n1'");
  CHECK_INVALID(load(with_attr(attr("odd", 99))), "unknown attribute type 99");
  CHECK_INVALID(load(with_attr(attr("gg", 5))), "has no graph");
  CHECK_INVALID(load(with_attr(attr("", 2).i(3, 1))), "no name");
  G g;
  g.nodes.push_back(node("Custom", {"x"}, {"y"}, "dup", {attr_int("a", 1), attr_int("a", 2)}));
  g.inputs.push_back(value_info("x", 1, {}));
  g.outputs.push_back(value_info("y", 1, {}));
  CHECK_INVALID(load(model(g.build())), "attribute 'a' appears twice");
}

// ---- Constant nodes --------------------------------------------------------------------------

TEST(loader_constant_nodes_become_initializers) {
  Pb sub = G{{node("Constant", {}, {"sc"}, "sub_const", {attr_int("value_int", 4)}),
              node("Add", {"sc", "ci"}, {"so"}, "sub_add")},
             {}, {}, {value_info("so", 7, {})}, {}, "body"}.build();
  G g;
  g.nodes.push_back(node("Constant", {}, {"ct"}, "c0", {attr_tensor("value", tensor_raw("", 6, {2}, raw_of<int32_t>({3, -4})))}));
  g.nodes.push_back(node("Constant", {}, {"cf"}, "c1", {attr_float("value_float", 1.5f)}));
  g.nodes.push_back(node("Constant", {}, {"cfs"}, "c2", {attr_floats("value_floats", {1, 2, 3})}));
  g.nodes.push_back(node("Constant", {}, {"ci"}, "c3", {attr_int("value_int", -8)}));
  g.nodes.push_back(node("Constant", {}, {"cis"}, "c4", {attr_ints("value_ints", {5, 6})}));
  g.nodes.push_back(node("Constant", {}, {"cs"}, "c5", {attr_string("value_string", "hi")}));
  g.nodes.push_back(node("Constant", {}, {"css"}, "c6", {attr("value_strings", 8).str(9, "x").str(9, "yz")}));
  g.nodes.push_back(node("Loop", {"", "", "ci"}, {"out"}, "loop", {attr_graph("body", sub)}));
  g.nodes.push_back(node("Constant", {}, {"cx"}, "ce", {attr_ints("value_ints", {})}, "ai.onnx"));
  g.outputs.push_back(value_info("out", 7, {}));
  li::Model m = load(model(g.build()));
  const auto& in = m.graph.initializers;
  CHECK_EQ(m.graph.nodes.size(), size_t(1));
  CHECK_EQ(m.graph.nodes[0].op_type, std::string("Loop"));
  CHECK(in.at("ct").dtype == li::DType::Int32 && in.at("ct").ptr<int32_t>()[1] == -4);
  CHECK(in.at("cf").dtype == li::DType::Float32 && in.at("cf").shape.empty() && in.at("cf").ptr<float>()[0] == 1.5f);
  CHECK(in.at("cfs").shape == li::Shape{3} && in.at("cfs").ptr<float>()[2] == 3.f);
  CHECK(in.at("ci").dtype == li::DType::Int64 && in.at("ci").shape.empty() && in.at("ci").ptr<int64_t>()[0] == -8);
  CHECK(in.at("cis").shape == li::Shape{2} && in.at("cis").ptr<int64_t>()[1] == 6);
  CHECK(in.at("cs").dtype == li::DType::String && (*in.at("cs").strings)[0] == "hi");
  CHECK(in.at("css").shape == li::Shape{2} && (*in.at("css").strings)[1] == "yz");
  CHECK(in.at("cx").shape == li::Shape{0});
  // The subgraph's Constant became the subgraph's initializer.
  const li::Graph& body = *m.graph.nodes[0].attrs.at("body").g;
  CHECK_EQ(body.nodes.size(), size_t(1));
  CHECK_EQ(body.initializers.at("sc").ptr<int64_t>()[0], 4);

  auto one = [](const Pb& n) {
    G g2;
    g2.nodes.push_back(n);
    g2.outputs.push_back(value_info("c", 1, {}));
    return model(g2.build());
  };
  CHECK_UNSUPPORTED(load(one(node("Constant", {}, {"c"}, "sp", {attr("sparse_value", 11).msg(22, Pb())}))), "sparse");
  CHECK_INVALID(load(one(node("Constant", {}, {"c"}, "two", {attr_int("value_int", 1), attr_float("value_float", 1)}))),
                "exactly one value attribute");
  CHECK_INVALID(load(one(node("Constant", {}, {"c"}, "bad", {attr_float("value_int", 1)}))),
                "attribute 'value_int' has type FLOAT, expected INT");
  CHECK_INVALID(load(one(node("Constant", {}, {}, "noout", {attr_int("value_int", 1)}))), "needs one named output");
  // A Constant output that repeats an initializer's name.
  G g3;
  g3.nodes.push_back(node("Constant", {}, {"w"}, "cw", {attr_int("value_int", 1)}));
  g3.inits.push_back(tensor_f32("w", {1}, {1}));
  g3.outputs.push_back(value_info("w", 1, {}));
  CHECK_INVALID(load(model(g3.build())), "already an initializer");
}

// ---- order and names -------------------------------------------------------------------------

TEST(loader_topological_sort) {
  // A chain n0 -> n1 -> ... -> n9 plus side nodes s_k reading x; written in shuffled orders.
  std::vector<Pb> nodes;
  for (int k = 0; k < 10; ++k)
    nodes.push_back(node("Add", {k == 0 ? "x" : "v" + std::to_string(k - 1), "x"}, {"v" + std::to_string(k)},
                         "n" + std::to_string(k)));
  for (int k = 0; k < 5; ++k) nodes.push_back(node("Relu", {"x"}, {"s" + std::to_string(k)}, "s" + std::to_string(k)));
  uint64_t seed = 12345;
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<size_t> perm(nodes.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = i;
    for (size_t i = perm.size() - 1; i > 0; --i) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      std::swap(perm[i], perm[size_t(seed >> 33) % (i + 1)]);
    }
    G g;
    for (size_t i : perm) g.nodes.push_back(nodes[i]);
    g.inputs.push_back(value_info("x", 1, {}));
    g.outputs.push_back(value_info("v9", 1, {}));
    li::Model m = load(model(g.build()));
    std::map<std::string, size_t> pos;
    for (size_t i = 0; i < m.graph.nodes.size(); ++i) pos[m.graph.nodes[i].name] = i;
    CHECK_EQ(pos.size(), nodes.size());
    for (int k = 1; k < 10; ++k) CHECK(pos["n" + std::to_string(k - 1)] < pos["n" + std::to_string(k)]);
    // Stable: the side nodes (always ready) keep their relative file order.
    std::vector<size_t> side_file, side_sorted;
    for (size_t i = 0; i < perm.size(); ++i)
      if (perm[i] >= 10) side_file.push_back(perm[i]);
    for (auto& n : m.graph.nodes)
      if (n.name[0] == 's') side_sorted.push_back(10 + size_t(n.name[1] - '0'));
    CHECK(side_file == side_sorted);
  }
  // A sorted file keeps its exact order.
  G g;
  for (auto& n : nodes) g.nodes.push_back(n);
  g.inputs.push_back(value_info("x", 1, {}));
  g.outputs.push_back(value_info("v9", 1, {}));
  li::Model m = load(model(g.build()));
  for (size_t i = 0; i < nodes.size(); ++i)
    CHECK_EQ(m.graph.nodes[i].name, i < 10 ? "n" + std::to_string(i) : "s" + std::to_string(i - 10));
}

TEST(loader_graph_name_errors) {
  auto graph_of = [](std::vector<Pb> nodes, std::vector<std::string> outs = {"y"}) {
    G g;
    g.nodes = std::move(nodes);
    g.inputs.push_back(value_info("x", 1, {}));
    for (auto& o : outs) g.outputs.push_back(value_info(o, 1, {}));
    return model(g.build());
  };
  CHECK_INVALID(load(graph_of({node("Add", {"x", "ghost"}, {"y"}, "add1")})),
                "Add node 'add1': input 'ghost' is not produced by any node, graph input or initializer");
  CHECK_INVALID(load(graph_of({node("Add", {"x", "ghost"}, {"y"})})), "Add node producing 'y': input 'ghost'");
  CHECK_INVALID(load(graph_of({node("Relu", {"b"}, {"a"}, "ra"), node("Relu", {"a"}, {"b"}, "rb"),
                               node("Relu", {"x"}, {"y"}, "ok")})),
                "has a cycle: Relu node 'ra' -> Relu node 'rb' -> Relu node 'ra'");
  CHECK_INVALID(load(graph_of({node("Relu", {"y"}, {"y"}, "self")})), "reads its own output 'y'");
  CHECK_INVALID(load(graph_of({node("Relu", {"x"}, {"y"}, "r1"), node("Neg", {"x"}, {"y"}, "r2")})),
                "Neg node 'r2': output 'y' is also produced by Relu node 'r1'");
  CHECK_INVALID(load(graph_of({node("Relu", {"x"}, {"x"}, "shadow")}, {"x"})), "name of a graph input or initializer");
  CHECK_INVALID(load(graph_of({node("Relu", {"x"}, {"y"}, "r")}, {"y", "nowhere"})), "graph output 'nowhere'");
  CHECK_INVALID(load(graph_of({node("", {"x"}, {"y"}, "noop")})), "no op_type");
  // Optional inputs and outputs ("") are not values.
  li::Model m = load(graph_of({node("Clip", {"x", "", ""}, {"y", ""}, "clip")}));
  CHECK_EQ(m.graph.nodes.size(), size_t(1));
}

TEST(loader_subgraph_scopes_and_order) {
  // The If sits before the node producing the outer value its branch reads: the sort moves
  // the producer first. The branch's own nodes are shuffled too.
  Pb then_g = G{{node("Add", {"t1", "outer"}, {"t2"}, "then_add"), node("Neg", {"x"}, {"t1"}, "then_neg")},
                {}, {}, {value_info("t2", 1, {})}, {}, "then"}.build();
  Pb else_g = G{{}, {}, {}, {value_info("outer", 1, {})}, {}, "else"}.build();  // an outer value as output
  G g;
  g.nodes.push_back(node("If", {"c"}, {"y"}, "if", {attr_graph("then_branch", then_g), attr_graph("else_branch", else_g)}));
  g.nodes.push_back(node("Relu", {"x"}, {"outer"}, "producer"));
  g.inputs.push_back(value_info("x", 1, {}));
  g.inputs.push_back(value_info("c", 9, {}));
  g.outputs.push_back(value_info("y", 1, {}));
  li::Model m = load(model(g.build()));
  CHECK((node_names(m.graph) == std::vector<std::string>{"producer", "if"}));
  const li::Graph& then_b = *m.graph.nodes[1].attrs.at("then_branch").g;
  CHECK((node_names(then_b) == std::vector<std::string>{"then_neg", "then_add"}));

  // A branch reading a name nobody defines: the error names the inner node and its place.
  Pb bad_g = G{{node("Neg", {"nope"}, {"b"}, "inner_neg")}, {}, {}, {value_info("b", 1, {})}, {}, "bad"}.build();
  G g2;
  g2.nodes.push_back(node("If", {"c"}, {"y"}, "if2", {attr_graph("then_branch", bad_g), attr_graph("else_branch", bad_g)}));
  g2.inputs.push_back(value_info("c", 9, {}));
  g2.outputs.push_back(value_info("y", 1, {}));
  CHECK_INVALID(load(model(g2.build())),
                "Neg node 'inner_neg' in subgraph 'bad' of If node 'if2' attribute 'else_branch': input 'nope' is not produced");
  // A subgraph reading the output of the node that owns it is a cycle.
  Pb loop_g = G{{node("Neg", {"y"}, {"b"}, "reads_y")}, {}, {}, {value_info("b", 1, {})}, {}, "cyc"}.build();
  G g3;
  g3.nodes.push_back(node("If", {"c"}, {"y"}, "if3", {attr_graph("then_branch", loop_g), attr_graph("else_branch", loop_g)}));
  g3.inputs.push_back(value_info("c", 9, {}));
  g3.outputs.push_back(value_info("y", 1, {}));
  CHECK_INVALID(load(model(g3.build())), "reads its own output 'y'");
  // Subgraph inputs stay inputs even when an initializer shares their name (bound by position).
  Pb body = G{{node("Identity", {"i"}, {"o"}, "id")}, {tensor_f32("i", {1}, {1})}, {value_info("i", 1, {})},
              {value_info("o", 1, {})}, {}, "body"}.build();
  G g4;
  g4.nodes.push_back(node("Scan", {"x"}, {"y"}, "scan", {attr_graph("body", body)}));
  g4.inputs.push_back(value_info("x", 1, {}));
  g4.outputs.push_back(value_info("y", 1, {}));
  CHECK_EQ(load(model(g4.build())).graph.nodes[0].attrs.at("body").g->inputs.size(), size_t(1));
}

TEST(loader_limits) {
  G g;
  for (int k = 0; k < 5; ++k)
    g.nodes.push_back(node("Relu", {k ? "v" + std::to_string(k - 1) : "x"}, {"v" + std::to_string(k)}));
  g.inputs.push_back(value_info("x", 1, {}));
  g.outputs.push_back(value_info("v4", 1, {}));
  std::string bytes = model(g.build());
  li::LoadOptions o;
  o.max_nodes = 5;
  CHECK_EQ(load(bytes, o).graph.nodes.size(), size_t(5));
  o.max_nodes = 4;
  CHECK_INVALID(load(bytes, o), "more than the limit of 4 nodes");

  // Subgraphs nested `levels` deep.
  auto nested = [](int levels) {
    Pb inner = G{{node("Relu", {"x"}, {"r0"})}, {}, {}, {value_info("r0", 1, {})}, {}, "level0"}.build();
    for (int k = 1; k <= levels; ++k) {
      std::string out = "r" + std::to_string(k);
      inner = G{{node("Loop", {"", "c"}, {out}, "loop" + std::to_string(k), {attr_graph("body", inner)})},
                {}, {}, {value_info(out, 1, {})}, {}, "level" + std::to_string(k)}.build();
    }
    G top;
    top.nodes.push_back(node("Loop", {"", "c"}, {"y"}, "top", {attr_graph("body", inner)}));
    top.inputs.push_back(value_info("x", 1, {}));
    top.inputs.push_back(value_info("c", 9, {}));
    top.outputs.push_back(value_info("y", 1, {}));
    return model(top.build());
  };
  li::LoadOptions d;
  d.max_subgraph_depth = 4;
  load(nested(3), d);  // depth 4 (top If's branches are depth 1)
  CHECK_INVALID(load(nested(4), d), "nested deeper than the limit of 4 levels");
  // A deep nest fails at the default limit too.
  CHECK_INVALID(load(nested(40)), "nested deeper than the limit of 32 levels");
}

TEST(loader_node_limit_counts_before_building_nodes) {
  // 1,000,001 one-node entries: refused by the count before any Node is built (fast, and the
  // model's 12 MB never become ~1 GB of IR).
  Pb one;
  one.msg(1, node("Relu", {"x"}, {"y"}));
  G g;
  g.inputs.push_back(value_info("x", 1, {"1"}));
  g.outputs.push_back(value_info("x", 1, {"1"}));
  Pb gb = g.build();
  gb.b.reserve(gb.b.size() + one.b.size() * 1000001);
  for (int k = 0; k < 1000001; ++k) gb.b += one.b;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_INVALID(load(model(gb)), "GraphProto 'g': the model has more than the limit of 1000000 nodes");
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5.0);
  // Nodes of subgraphs count toward the same limit.
  Pb body = G{{node("Neg", {"x"}, {"a"}), node("Neg", {"a"}, {"b"}), node("Neg", {"b"}, {"r"})}, {}, {}, {value_info("r", 1, {})}, {}, "body"}.build();
  G top;
  top.nodes.push_back(node("If", {"c"}, {"y"}, "if", {attr_graph("then_branch", body), attr_graph("else_branch", body)}));
  top.inputs.push_back(value_info("x", 1, {}));
  top.inputs.push_back(value_info("c", 9, {}));
  top.outputs.push_back(value_info("y", 1, {}));
  li::LoadOptions o;
  o.max_nodes = 7;
  CHECK_EQ(load(model(top.build()), o).graph.nodes.size(), size_t(1));
  o.max_nodes = 6;
  CHECK_INVALID(load(model(top.build()), o), "more than the limit of 6 nodes");
  // A malformed graph is still reported by the parse, naming the field (the count stops at it).
  Pb broken = g.build();
  broken.key(1, 2).raw_varint(1000);
  broken.b += "abc";
  CHECK_INVALID(load(model(broken)), "node length 1000 exceeds the remaining 3 bytes");
}

TEST(loader_sparse_initializer_unsupported) {
  G g;
  g.nodes.push_back(node("Relu", {"x"}, {"y"}));
  g.inputs.push_back(value_info("x", 1, {}));
  g.outputs.push_back(value_info("y", 1, {}));
  Pb gb = g.build();
  gb.msg(15, Pb());
  CHECK_UNSUPPORTED(load(model(gb)), "sparse initializers");
}

TEST(loader_value_info_types) {
  // A sequence-typed input (TypeProto.sequence_type = 4) is recorded as a sequence of its
  // element dtype, without a shape; a shape with no dims is rank 0, a missing shape is unknown rank.
  Pb seq_type;
  seq_type.msg(4, Pb().msg(1, Pb().msg(1, Pb().i(1, 1))));
  Pb seq;
  seq.str(1, "seq").msg(2, seq_type);
  G g;
  g.nodes.push_back(node("Custom", {"seq", "scalar", "norank"}, {"y"}));
  g.inputs.push_back(seq);
  g.inputs.push_back(value_info("scalar", 7, {}));
  g.inputs.push_back(value_info("norank", 1, {}, false));
  g.outputs.push_back(value_info("y", 1, {"-5"}));
  li::Model m = load(model(g.build()));
  CHECK(m.graph.inputs[0].dtype == li::DType::Float32);
  CHECK(m.graph.inputs[0].kind == li::ValueKind::Sequence);
  CHECK(!m.graph.inputs[0].has_shape);
  CHECK(m.graph.inputs[1].kind == li::ValueKind::Tensor);
  CHECK(m.graph.inputs[1].has_shape && m.graph.inputs[1].dims.empty());
  CHECK(!m.graph.inputs[2].has_shape);
  CHECK(m.graph.outputs[0].dims.size() == 1 && !m.graph.outputs[0].dims[0].known());  // dim_value -5
}

// ---- external data ---------------------------------------------------------------------------

TEST(loader_external_data) {
  TempDir dir;
  CHECK(!dir.path.empty());
  std::vector<float> w = {1.5f, -2.f, 3.f};
  std::string payload = "12345678" + raw_of(w) + "tail";
  dir.write("weights.bin", payload);
  mkdir((dir.path + "/sub").c_str(), 0755);
  dir.write("sub/w.bin", raw_of(w));

  auto ext = [](const std::string& loc, const std::string& off = "8", const std::string& len = "12") {
    std::vector<std::pair<std::string, std::string>> e = {{"location", loc}};
    if (!off.empty()) e.push_back({"offset", off});
    if (!len.empty()) e.push_back({"length", len});
    return model_with_init(external_tensor("w", {3}, e));
  };
  li::LoadOptions o;
  o.base_dir = dir.path;
  li::Model m = load(ext("weights.bin"), o);
  const li::Tensor& t = m.graph.initializers.at("w");
  CHECK_EQ(t.ptr<float>()[0], 1.5f);
  CHECK_EQ(t.ptr<float>()[2], 3.f);
  // A subfolder, with offset and length omitted; "./" components are harmless.
  CHECK_EQ(load(ext("sub/w.bin", "", ""), o).graph.initializers.at("w").ptr<float>()[1], -2.f);
  CHECK_EQ(load(ext("./sub/./w.bin", "0", ""), o).graph.initializers.at("w").ptr<float>()[1], -2.f);
  // load_model_file defaults base_dir to the model's folder.
  std::string model_path = dir.write("model.onnx", ext("weights.bin"));
  CHECK_EQ(li::load_model_file(model_path).graph.initializers.at("w").ptr<float>()[2], 3.f);
  // A symlink inside the folder to a file inside the folder is fine.
  CHECK(symlink((dir.path + "/weights.bin").c_str(), (dir.path + "/alias.bin").c_str()) == 0);
  CHECK_EQ(load(ext("alias.bin"), o).graph.initializers.at("w").ptr<float>()[0], 1.5f);

  // Escapes.
  TempDir outside;
  std::string secret = outside.write("secret.bin", payload);
  CHECK_INVALID(load(ext("../" + outside.path.substr(5) + "/secret.bin"), o), "must not contain a '..' component");
  CHECK_INVALID(load(ext("sub/../../x.bin"), o), "'..'");
  CHECK_INVALID(load(ext("sub\\..\\weights.bin"), o), "'..'");
  CHECK_INVALID(load(ext(secret), o), "is an absolute path");
  CHECK_INVALID(load(ext("C:\\weights.bin"), o), "is an absolute path");
  CHECK(symlink(secret.c_str(), (dir.path + "/escape.bin").c_str()) == 0);
  CHECK_INVALID(load(ext("escape.bin"), o), "resolves outside the model's folder");
  CHECK(symlink(outside.path.c_str(), (dir.path + "/outdir").c_str()) == 0);
  CHECK_INVALID(load(ext("outdir/secret.bin"), o), "resolves outside the model's folder");
  // Ranges and sizes.
  CHECK_INVALID(load(ext("weights.bin", "20", "12"), o), "external data range [20, 32) of 'weights.bin' exceeds the file's 24 bytes");
  CHECK_INVALID(load(ext("weights.bin", "1000000000000", ""), o), "exceeds the file's");
  CHECK_INVALID(load(ext("weights.bin", "8", "16"), o), "external data length 16 does not match shape [3] of float32 (12 bytes)");
  CHECK_INVALID(load(ext("weights.bin", "-1", "12"), o), "offset '-1' is not a non-negative integer");
  CHECK_INVALID(load(ext("weights.bin", "8x", "12"), o), "is not a non-negative integer");
  CHECK_INVALID(load(ext("missing.bin"), o), "cannot be opened");
  CHECK_INVALID(load(ext("sub"), o), "not a regular file");
  CHECK_INVALID(load(ext(""), o), "no 'location'");
  CHECK_INVALID(load(ext(std::string("weights.bin\0x", 13)), o), "NUL");
  // From bytes without a base folder.
  CHECK_INVALID(load(ext("weights.bin")), "TensorProto 'w' in GraphProto 'g': external data requires a base folder");
  // A 1e12-element external tensor is refused before any read or allocation.
  CHECK_INVALID(load(model_with_init(external_tensor("w", {1000000, 1000000}, {{"location", "weights.bin"}})), o),
                "exceeds the tensor size limit");
  CHECK_INVALID(load(model_with_init(external_tensor("w", {1000, 1000}, {{"location", "weights.bin"}})), o),
                "exceeds the file's 24 bytes");
  // External data and raw_data together.
  Pb both = external_tensor("w", {3}, {{"location", "weights.bin"}, {"offset", "8"}});
  both.str(9, raw_of(w));
  CHECK_INVALID(load(model_with_init(both), o), "both raw_data and external data");
  // parse_tensor_proto honors base_dir the same way.
  li::Tensor pt = tensor(external_tensor("w", {3}, {{"location", "sub/w.bin"}}), nullptr, o);
  CHECK_EQ(pt.ptr<float>()[2], 3.f);
}

TEST(loader_model_file_errors) {
  CHECK_LI_ERROR(li::load_model_file("/nonexistent/dir/model.onnx"), li::ErrorCode::InvalidArgument, "cannot open model file");
  CHECK_LI_ERROR(li::load_model_file("/tmp"), li::ErrorCode::InvalidArgument, "not a regular file");
}
