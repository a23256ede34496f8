// The ONNX loader on hand-built models: encodings, Constant folding, external data security,
// topological order, and corrupted input (every prefix, random byte flips) never crashing.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/error.h"
#include "onnx/model_loader.h"
#include "pb_writer.h"
#include "testing.h"

using namespace testing;

namespace {

const uint8_t* u8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// x -> Add(x, w) -> Relu -> y, with w an initializer and a Constant node feeding a Mul.
std::string sample_model() {
  PbWriter g;
  PbWriter c = node_proto("Constant", {}, {"two"}, "const");
  PbWriter attr;
  attr.bytes_field(1, "value_float").float_field(2, 2.0f).int_field(20, 1);
  c.msg(5, attr);
  g.msg(1, node_proto("Add", {"x", "w"}, {"s"}, "add"));
  g.msg(1, node_proto("Relu", {"s"}, {"r"}, "relu"));
  g.msg(1, c);
  g.msg(1, node_proto("Mul", {"r", "two"}, {"y"}, "mul"));
  g.bytes_field(2, "sample");
  g.msg(5, tensor_proto("w", 1, {3}, raw_floats({1, -1, 0.5f})));
  g.msg(11, value_info("x", 1, {"batch", "3"}));
  g.msg(12, value_info("y", 1, {"batch", "3"}));
  return model_proto(g);
}

}  // namespace

TEST(loader_reads_a_model) {
  std::string bytes = sample_model();
  li::Model m = li::load_model(u8(bytes), bytes.size(), {});
  CHECK_EQ(m.ir_version, 8);
  CHECK_EQ(m.opset(""), 17);
  CHECK_EQ(m.graph.nodes.size(), size_t(3));  // the Constant became an initializer
  CHECK(m.graph.initializers.count("two") == 1);
  CHECK_EQ(m.graph.initializers["two"].ptr<float>()[0], 2.0f);
  CHECK_EQ(m.graph.initializers["w"].ptr<float>()[1], -1.0f);
  CHECK_EQ(m.graph.inputs.size(), size_t(1));
  CHECK_EQ(m.graph.inputs[0].dims[0].symbol, std::string("batch"));
  CHECK_EQ(m.graph.inputs[0].dims[1].value, 3);
  CHECK_EQ(m.graph.outputs[0].name, std::string("y"));
}

TEST(loader_sorts_nodes_topologically) {
  PbWriter g;
  g.msg(1, node_proto("Relu", {"b"}, {"c"}, "second"));
  g.msg(1, node_proto("Relu", {"a"}, {"b"}, "first"));
  g.msg(11, value_info("a", 1, {"2"}));
  g.msg(12, value_info("c", 1, {"2"}));
  std::string bytes = model_proto(g);
  li::Model m = li::load_model(u8(bytes), bytes.size(), {});
  CHECK_EQ(m.graph.nodes[0].name, std::string("first"));
  CHECK_EQ(m.graph.nodes[1].name, std::string("second"));
}

TEST(loader_rejects_missing_inputs_and_cycles) {
  PbWriter g;
  g.msg(1, node_proto("Relu", {"nowhere"}, {"c"}, "r"));
  g.msg(12, value_info("c", 1, {"2"}));
  std::string bytes = model_proto(g);
  CHECK_THROWS(li::load_model(u8(bytes), bytes.size(), {}), "input 'nowhere' is not produced");
  PbWriter cyc;
  cyc.msg(1, node_proto("Relu", {"b"}, {"a"}, "r1"));
  cyc.msg(1, node_proto("Relu", {"a"}, {"b"}, "r2"));
  cyc.msg(12, value_info("b", 1, {"2"}));
  bytes = model_proto(cyc);
  CHECK_THROWS(li::load_model(u8(bytes), bytes.size(), {}), "cycle");
}

TEST(loader_typed_fields_and_dtypes) {
  // float_data packed, int64_data packed, int32_data carrying float16 bits, string_data.
  PbWriter g;
  PbWriter f;
  f.int_field(1, 2).int_field(2, 1).bytes_field(8, "f").packed_floats(4, {1.5f, -2.f});
  PbWriter i;
  i.int_field(1, 3).int_field(2, 7).bytes_field(8, "i").packed_ints(7, {1, -2, int64_t(1) << 40});
  PbWriter h;
  h.int_field(1, 1).int_field(2, 10).bytes_field(8, "h").packed_ints(5, {0x3c00});
  PbWriter s;
  s.int_field(1, 2).int_field(2, 8).bytes_field(8, "s").bytes_field(6, "ab").bytes_field(6, "");
  g.msg(5, f).msg(5, i).msg(5, h).msg(5, s);
  g.msg(1, node_proto("Identity", {"f"}, {"o"}, "id"));
  g.msg(12, value_info("o", 1, {"2"}));
  std::string bytes = model_proto(g);
  li::Model m = li::load_model(u8(bytes), bytes.size(), {});
  CHECK_EQ(m.graph.initializers["f"].ptr<float>()[1], -2.f);
  CHECK_EQ(m.graph.initializers["i"].ptr<int64_t>()[2], int64_t(1) << 40);
  CHECK_EQ(m.graph.initializers["i"].ptr<int64_t>()[1], int64_t(-2));
  CHECK_EQ(li::half_to_float(m.graph.initializers["h"].ptr<uint16_t>()[0]), 1.0f);
  CHECK_EQ((*m.graph.initializers["s"].strings)[0], std::string("ab"));
}

TEST(loader_rejects_size_mismatches_and_overflow) {
  PbWriter g;
  g.msg(5, tensor_proto("w", 1, {4}, raw_floats({1, 2, 3})));
  g.msg(12, value_info("w", 1, {"4"}));
  std::string bytes = model_proto(g);
  CHECK_THROWS(li::load_model(u8(bytes), bytes.size(), {}), "raw_data has 12 bytes");
  PbWriter huge;
  huge.msg(5, tensor_proto("w", 1, {1000000, 1000000}, raw_floats({1})));
  huge.msg(12, value_info("w", 1, {"1"}));
  bytes = model_proto(huge);
  CHECK_THROWS(li::load_model(u8(bytes), bytes.size(), {}), "raw_data has 4 bytes");
  PbWriter overflow;
  overflow.msg(5, tensor_proto("w", 1, {int64_t(1) << 40, int64_t(1) << 40}, raw_floats({1})));
  overflow.msg(12, value_info("w", 1, {"1"}));
  bytes = model_proto(overflow);
  CHECK_THROWS(li::load_model(u8(bytes), bytes.size(), {}), "too many elements");
}

TEST(loader_external_data_stays_in_the_model_folder) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("liteinfer-ext-" + std::to_string(::getpid()));
  fs::path outside = fs::temp_directory_path() / ("liteinfer-outside-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::create_directories(outside);
  { std::ofstream(dir / "w.bin", std::ios::binary) << raw_floats({0, 0, 1, 2, 3}); }
  { std::ofstream(outside / "secret.bin", std::ios::binary) << raw_floats({7, 7, 7}); }
  fs::remove(dir / "link.bin");
  fs::create_symlink(outside / "secret.bin", dir / "link.bin");

  auto model_with = [](const std::string& location, int64_t offset, int64_t length) {
    PbWriter t;
    t.int_field(1, 3).int_field(2, 1).bytes_field(8, "w").int_field(14, 1);
    PbWriter e1, e2, e3;
    e1.bytes_field(1, "location").bytes_field(2, location);
    e2.bytes_field(1, "offset").bytes_field(2, std::to_string(offset));
    e3.bytes_field(1, "length").bytes_field(2, std::to_string(length));
    t.msg(13, e1).msg(13, e2).msg(13, e3);
    PbWriter g;
    g.msg(5, t);
    g.msg(1, node_proto("Identity", {"w"}, {"o"}, "id"));
    g.msg(12, value_info("o", 1, {"3"}));
    return model_proto(g);
  };
  li::LoadOptions opts;
  opts.base_dir = dir.string();
  std::string ok = model_with("w.bin", 8, 12);
  li::Model m = li::load_model(u8(ok), ok.size(), opts);
  CHECK_EQ(m.graph.initializers["w"].ptr<float>()[2], 3.f);
  std::string up = model_with("../" + outside.filename().string() + "/secret.bin", 0, 12);
  CHECK_THROWS(li::load_model(u8(up), up.size(), opts), "must not contain '..'");
  std::string abs = model_with((outside / "secret.bin").string(), 0, 12);
  CHECK_THROWS(li::load_model(u8(abs), abs.size(), opts), "relative path");
  std::string link = model_with("link.bin", 0, 12);
  CHECK_THROWS(li::load_model(u8(link), link.size(), opts), "outside the model's folder");
  std::string past = model_with("w.bin", 12, 12);
  CHECK_THROWS(li::load_model(u8(past), past.size(), opts), "outside the file");
  CHECK_THROWS(li::load_model(u8(ok), ok.size(), {}), "requires a base folder");
  fs::remove_all(dir);
  fs::remove_all(outside);
}

TEST(loader_survives_every_prefix_and_random_corruption) {
  std::string bytes = sample_model();
  int loaded = 0, rejected = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    try {
      li::load_model(u8(bytes), n, {});
      ++loaded;
    } catch (const li::Error&) {
      ++rejected;
    }
  }
  CHECK(rejected > 0);
  uint32_t s = 12345;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string copy = bytes;
    int flips = 1 + trial % 4;
    for (int k = 0; k < flips; ++k) {
      s ^= s << 13; s ^= s >> 17; s ^= s << 5;
      copy[s % copy.size()] = char(s >> 8);
    }
    try {
      li::load_model(u8(copy), copy.size(), {});
    } catch (const li::Error&) {
    }
  }
  CHECK_EQ(loaded + rejected, int(bytes.size()));
}
