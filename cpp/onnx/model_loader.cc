#include "onnx/model_loader.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <queue>
#include <set>
#include <sys/stat.h>
#include <vector>

#include "core/error.h"
#include "onnx/wire_reader.h"

namespace li {

namespace {

using pb::Reader;
using pb::WireType;

struct Context {
  const LoadOptions& opts;
  int64_t nodes = 0;
  int depth = 0;
};

// ---- TensorProto ----------------------------------------------------------------------------

struct Span { WireType type; Reader r; };

std::string read_file_range(const std::string& path, int64_t offset, int64_t length,
                            const std::string& tensor) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail(ErrorCode::InvalidModel, "tensor '", tensor, "': cannot open external data file ", path);
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fclose(f);
    fail(ErrorCode::InvalidModel, "tensor '", tensor, "': external data ", path, " is not a regular file");
  }
  int64_t size = int64_t(st.st_size);
  if (length < 0) length = size - offset;
  if (offset < 0 || offset > size || length < 0 || length > size - offset) {
    std::fclose(f);
    fail(ErrorCode::InvalidModel, "tensor '", tensor, "': external data range [", offset, ", ",
         offset + length, ") lies outside the file ", path, " (", size, " bytes)");
  }
  std::string out(size_t(length), '\0');
  bool ok = std::fseek(f, long(offset), SEEK_SET) == 0 &&
            std::fread(out.data(), 1, size_t(length), f) == size_t(length);
  std::fclose(f);
  if (!ok) fail(ErrorCode::InvalidModel, "tensor '", tensor, "': cannot read external data from ", path);
  return out;
}

// Resolves an external-data location inside base_dir, refusing anything that could escape it.
std::string resolve_external(const std::string& base_dir, const std::string& location,
                             const std::string& tensor) {
  if (base_dir.empty())
    fail(ErrorCode::InvalidModel, "tensor '", tensor, "': external data requires a base folder (",
         "load the model from a path, or pass baseDir)");
  if (location.empty() || location[0] == '/' || location[0] == '\\' ||
      location.find(':') != std::string::npos)
    fail(ErrorCode::InvalidModel, "tensor '", tensor, "': external data location '", location,
         "' must be a relative path inside the model's folder");
  size_t start = 0;
  while (start <= location.size()) {
    size_t end = location.find_first_of("/\\", start);
    if (end == std::string::npos) end = location.size();
    if (location.compare(start, end - start, "..") == 0)
      fail(ErrorCode::InvalidModel, "tensor '", tensor, "': external data location '", location,
           "' must not contain '..'");
    start = end + 1;
  }
  char base_real[PATH_MAX], file_real[PATH_MAX];
  if (!realpath(base_dir.c_str(), base_real))
    fail(ErrorCode::InvalidModel, "tensor '", tensor, "': base folder ", base_dir, " does not exist");
  std::string joined = std::string(base_real) + "/" + location;
  if (!realpath(joined.c_str(), file_real))
    fail(ErrorCode::InvalidModel, "tensor '", tensor, "': external data file '", location,
         "' not found in ", base_real);
  std::string b(base_real), fr(file_real);
  if (fr.compare(0, b.size(), b) != 0 || (fr.size() > b.size() && fr[b.size()] != '/'))
    fail(ErrorCode::InvalidModel, "tensor '", tensor, "': external data location '", location,
         "' resolves outside the model's folder");
  return fr;
}

template <class T>
void store(Tensor& t, int64_t i, T v) { t.ptr<T>()[i] = v; }

Tensor parse_tensor(Reader r, Context& ctx, std::string* name_out) {
  Shape dims;
  int32_t data_type = 0;
  std::string name;
  bool has_raw = false;
  Reader raw(nullptr, 0, "raw_data");
  std::vector<Span> float_data, int32_data, int64_data, double_data, uint64_data;
  std::vector<std::string> strings;
  std::vector<std::pair<std::string, std::string>> external;
  int64_t location = 0;
  uint32_t field;
  WireType type;
  while (r.next(&field, &type)) {
    switch (field) {
      case 1: r.repeated(type, pb::Varint, [](Reader& x) { return x.int64(); },
                         [&](int64_t d) { dims.push_back(d); }); break;
      case 2: r.expect(type, pb::Varint, "data_type"); data_type = int32_t(r.varint()); break;
      case 4: float_data.push_back({type, type == pb::LengthDelimited ? r.bytes("float_data") : r}); if (type != pb::LengthDelimited) r.skip(type); break;
      case 5: int32_data.push_back({type, type == pb::LengthDelimited ? r.bytes("int32_data") : r}); if (type != pb::LengthDelimited) r.skip(type); break;
      case 6: r.expect(type, pb::LengthDelimited, "string_data"); strings.push_back(r.string("string_data")); break;
      case 7: int64_data.push_back({type, type == pb::LengthDelimited ? r.bytes("int64_data") : r}); if (type != pb::LengthDelimited) r.skip(type); break;
      case 8: r.expect(type, pb::LengthDelimited, "name"); name = r.string("tensor name"); break;
      case 9: r.expect(type, pb::LengthDelimited, "raw_data"); raw = r.bytes("raw_data"); has_raw = true; break;
      case 10: double_data.push_back({type, type == pb::LengthDelimited ? r.bytes("double_data") : r}); if (type != pb::LengthDelimited) r.skip(type); break;
      case 11: uint64_data.push_back({type, type == pb::LengthDelimited ? r.bytes("uint64_data") : r}); if (type != pb::LengthDelimited) r.skip(type); break;
      case 13: {
        r.expect(type, pb::LengthDelimited, "external_data");
        Reader e = r.bytes("external_data entry");
        std::string k, v;
        uint32_t f2; WireType t2;
        while (e.next(&f2, &t2)) {
          if (f2 == 1 && t2 == pb::LengthDelimited) k = e.string("key");
          else if (f2 == 2 && t2 == pb::LengthDelimited) v = e.string("value");
          else e.skip(t2);
        }
        external.push_back({k, v});
        break;
      }
      case 14: r.expect(type, pb::Varint, "data_location"); location = r.int64(); break;
      case 3: fail(ErrorCode::UnsupportedOp, "tensor '", name, "': segmented tensors are not supported");
      default: r.skip(type);
    }
  }
  if (name_out) *name_out = name;
  if (!dtype_valid(data_type))
    fail(ErrorCode::InvalidModel, "tensor '", name, "': unknown data_type ", data_type);
  DType dt = DType(data_type);
  for (int64_t d : dims)
    if (d < 0) fail(ErrorCode::InvalidModel, "tensor '", name, "': negative dimension ", d);
  int64_t n = shape_numel(dims);
  size_t es = dtype_size(dt);

  if (dt == DType::String) {
    if (int64_t(strings.size()) != n)
      fail(ErrorCode::InvalidModel, "tensor '", name, "': shape ", shape_str(dims), " needs ", n,
           " strings, found ", strings.size());
    Tensor t = Tensor::allocate(dt, dims);
    *t.strings = std::move(strings);
    return t;
  }

  std::string external_bytes;
  if (location == 1) {  // EXTERNAL
    std::string loc;
    int64_t offset = 0, length = -1;
    for (auto& [k, v] : external) {
      char* endp = nullptr;
      if (k == "location") loc = v;
      else if (k == "offset") offset = std::strtoll(v.c_str(), &endp, 10);
      else if (k == "length") length = std::strtoll(v.c_str(), &endp, 10);
    }
    // Check the size the shape needs before reading anything.
    if (n > kMaxTensorBytes / int64_t(es))
      fail(ErrorCode::InvalidModel, "tensor '", name, "': shape ", shape_str(dims), " is too large");
    if (length >= 0 && length != n * int64_t(es))
      fail(ErrorCode::InvalidModel, "tensor '", name, "': external data length ", length,
           " does not match shape ", shape_str(dims), " (", n * int64_t(es), " bytes)");
    std::string path = resolve_external(ctx.opts.base_dir, loc, name);
    external_bytes = read_file_range(path, offset, n * int64_t(es), name);
    raw = Reader(reinterpret_cast<const uint8_t*>(external_bytes.data()), external_bytes.size(), "external data");
    has_raw = true;
  }

  if (has_raw) {
    if (int64_t(raw.remaining()) != n * int64_t(es))
      fail(ErrorCode::InvalidModel, "tensor '", name, "': raw_data has ", raw.remaining(),
           " bytes, shape ", shape_str(dims), " of ", dtype_name(dt), " needs ", n * int64_t(es));
    Tensor t = Tensor::allocate(dt, dims);
    if (n) std::memcpy(t.data, raw.data(), size_t(n) * es);  // little-endian hosts only
    return t;
  }

  // Typed fields: count first (bounded by the input), then allocate.
  auto count = [&](std::vector<Span>& spans, auto read, WireType scalar) {
    int64_t c = 0;
    for (Span& s : spans) {
      Reader copy = s.r;
      if (s.type == pb::LengthDelimited) { while (!copy.done()) { read(copy); ++c; } }
      else if (s.type == scalar) ++c;
      else copy.error("typed data with the wrong wire type");
    }
    return c;
  };
  auto each = [&](std::vector<Span>& spans, auto read, WireType scalar, auto fn) {
    int64_t i = 0;
    for (Span& s : spans) {
      Reader copy = s.r;
      if (s.type == pb::LengthDelimited) { while (!copy.done()) fn(i++, read(copy)); }
      else if (s.type == scalar) fn(i++, read(copy));
    }
  };
  auto rd_varint = [](Reader& x) { return x.varint(); };
  auto rd_f32 = [](Reader& x) { return x.float32(); };
  auto rd_f64 = [](Reader& x) { return x.float64(); };
  auto check = [&](int64_t c, const char* field) {
    if (c != n)
      fail(ErrorCode::InvalidModel, "tensor '", name, "': shape ", shape_str(dims), " needs ", n,
           " values, ", field, " has ", c);
  };
  Tensor t;
  switch (dt) {
    case DType::Float32: {
      check(count(float_data, rd_f32, pb::Fixed32), "float_data");
      t = Tensor::allocate(dt, dims);
      each(float_data, rd_f32, pb::Fixed32, [&](int64_t i, float v) { store<float>(t, i, v); });
      break;
    }
    case DType::Float64: {
      check(count(double_data, rd_f64, pb::Fixed64), "double_data");
      t = Tensor::allocate(dt, dims);
      each(double_data, rd_f64, pb::Fixed64, [&](int64_t i, double v) { store<double>(t, i, v); });
      break;
    }
    case DType::Int64: {
      check(count(int64_data, rd_varint, pb::Varint), "int64_data");
      t = Tensor::allocate(dt, dims);
      each(int64_data, rd_varint, pb::Varint, [&](int64_t i, uint64_t v) { store<int64_t>(t, i, int64_t(v)); });
      break;
    }
    case DType::UInt32: case DType::UInt64: {
      check(count(uint64_data, rd_varint, pb::Varint), "uint64_data");
      t = Tensor::allocate(dt, dims);
      each(uint64_data, rd_varint, pb::Varint, [&](int64_t i, uint64_t v) {
        if (dt == DType::UInt32) store<uint32_t>(t, i, uint32_t(v)); else store<uint64_t>(t, i, v);
      });
      break;
    }
    default: {  // int32_data carries int32 and every narrower type (bits for float16/bfloat16)
      check(count(int32_data, rd_varint, pb::Varint), "int32_data");
      t = Tensor::allocate(dt, dims);
      each(int32_data, rd_varint, pb::Varint, [&](int64_t i, uint64_t raw64) {
        int32_t v = int32_t(uint32_t(raw64));
        switch (dt) {
          case DType::Int32: store<int32_t>(t, i, v); break;
          case DType::Int16: store<int16_t>(t, i, int16_t(v)); break;
          case DType::Int8: store<int8_t>(t, i, int8_t(v)); break;
          case DType::UInt16: case DType::Float16: case DType::BFloat16: store<uint16_t>(t, i, uint16_t(v)); break;
          case DType::UInt8: store<uint8_t>(t, i, uint8_t(v)); break;
          case DType::Bool: store<uint8_t>(t, i, uint8_t(v != 0)); break;
          default: break;
        }
      });
    }
  }
  return t;
}

// ---- ValueInfo, Attribute, Node, Graph ----------------------------------------------------

ValueInfo parse_value_info(Reader r) {
  ValueInfo v;
  uint32_t field; WireType type;
  while (r.next(&field, &type)) {
    if (field == 1 && type == pb::LengthDelimited) { v.name = r.string("value name"); continue; }
    if (field != 2 || type != pb::LengthDelimited) { r.skip(type); continue; }
    Reader tp = r.bytes("TypeProto");
    uint32_t f2; WireType t2;
    while (tp.next(&f2, &t2)) {
      if (f2 != 1 || t2 != pb::LengthDelimited) { tp.skip(t2); continue; }  // only tensor types
      Reader tt = tp.bytes("TypeProto.Tensor");
      uint32_t f3; WireType t3;
      while (tt.next(&f3, &t3)) {
        if (f3 == 1 && t3 == pb::Varint) {
          int64_t e = tt.int64();
          v.dtype = dtype_valid(int32_t(e)) ? DType(e) : DType::Undefined;
        } else if (f3 == 2 && t3 == pb::LengthDelimited) {
          v.has_shape = true;
          Reader sh = tt.bytes("TensorShapeProto");
          uint32_t f4; WireType t4;
          while (sh.next(&f4, &t4)) {
            if (f4 != 1 || t4 != pb::LengthDelimited) { sh.skip(t4); continue; }
            Reader dr = sh.bytes("Dimension");
            Dim d;
            uint32_t f5; WireType t5;
            while (dr.next(&f5, &t5)) {
              if (f5 == 1 && t5 == pb::Varint) d.value = dr.int64();
              else if (f5 == 2 && t5 == pb::LengthDelimited) d.symbol = dr.string("dim_param");
              else dr.skip(t5);
            }
            if (d.value < -1) d.value = -1;
            v.dims.push_back(d);
          }
        } else {
          tt.skip(t3);
        }
      }
    }
  }
  return v;
}

std::shared_ptr<Graph> parse_graph(Reader r, Context& ctx);

Attribute parse_attribute(Reader r, Context& ctx, std::string* name) {
  Attribute a;
  bool typed = false;
  uint32_t field; WireType type;
  int32_t declared = 0;
  while (r.next(&field, &type)) {
    switch (field) {
      case 1: *name = r.string("attribute name"); break;
      case 2: r.expect(type, pb::Fixed32, "f"); a.f = r.float32(); if (!typed) a.type = Attribute::Float; break;
      case 3: r.expect(type, pb::Varint, "i"); a.i = r.int64(); if (!typed) a.type = Attribute::Int; break;
      case 4: a.s = r.string("attribute s"); if (!typed) a.type = Attribute::String; break;
      case 5: a.t = parse_tensor(r.bytes("attribute t"), ctx, nullptr); if (!typed) a.type = Attribute::TensorT; break;
      case 6: a.g = parse_graph(r.bytes("attribute g"), ctx); if (!typed) a.type = Attribute::GraphT; break;
      case 7:
        r.repeated(type, pb::Fixed32, [](Reader& x) { return x.float32(); }, [&](float v) { a.floats.push_back(v); });
        if (!typed) a.type = Attribute::Floats;
        break;
      case 8:
        r.repeated(type, pb::Varint, [](Reader& x) { return x.int64(); }, [&](int64_t v) { a.ints.push_back(v); });
        if (!typed) a.type = Attribute::Ints;
        break;
      case 9: a.strings.push_back(r.string("attribute strings")); if (!typed) a.type = Attribute::Strings; break;
      case 10: a.tensors.push_back(parse_tensor(r.bytes("attribute tensors"), ctx, nullptr)); if (!typed) a.type = Attribute::Tensors; break;
      case 11: a.graphs.push_back(parse_graph(r.bytes("attribute graphs"), ctx)); if (!typed) a.type = Attribute::Graphs; break;
      case 20: r.expect(type, pb::Varint, "type"); declared = int32_t(r.varint()); typed = true; break;
      case 21: fail(ErrorCode::UnsupportedOp, "attribute '", *name, "': references to function attributes (ref_attr_name) are not supported");
      case 22: case 23: fail(ErrorCode::UnsupportedOp, "attribute '", *name, "': sparse tensor attributes are not supported");
      default: r.skip(type);
    }
  }
  if (typed) {
    if (declared < 0 || declared > 14)
      fail(ErrorCode::InvalidModel, "attribute '", *name, "' has an unknown type ", declared);
    if (declared == 11 || declared == 12 || declared == 13 || declared == 14)
      fail(ErrorCode::UnsupportedOp, "attribute '", *name, "': sparse tensor and type-proto attributes are not supported");
    a.type = Attribute::Type(declared);
  }
  return a;
}

Node parse_node(Reader r, Context& ctx) {
  Node n;
  std::vector<std::pair<std::string, Attribute>> attrs;
  uint32_t field; WireType type;
  while (r.next(&field, &type)) {
    switch (field) {
      case 1: n.inputs.push_back(r.string("node input")); break;
      case 2: n.outputs.push_back(r.string("node output")); break;
      case 3: n.name = r.string("node name"); break;
      case 4: n.op_type = r.string("op_type"); break;
      case 5: {
        r.expect(type, pb::LengthDelimited, "attribute");
        std::string name;
        Attribute a = parse_attribute(r.bytes("AttributeProto"), ctx, &name);
        attrs.push_back({name, std::move(a)});
        break;
      }
      case 7: n.domain = r.string("node domain"); break;
      default: r.skip(type);
    }
  }
  if (n.domain == "ai.onnx") n.domain.clear();
  for (auto& [name, a] : attrs) n.attrs[name] = std::move(a);
  return n;
}

// Constant nodes become initializers of their graph (all opsets' value_* forms).
bool constant_to_tensor(const Node& n, Tensor* out) {
  if (n.op_type != "Constant" || !n.domain.empty()) return false;
  if (n.outputs.size() != 1) fail(ErrorCode::InvalidModel, n.describe(), ": Constant needs one output");
  if (n.attrs.size() != 1)
    fail(ErrorCode::InvalidModel, n.describe(), ": Constant needs exactly one value attribute, found ", n.attrs.size());
  const auto& [key, a] = *n.attrs.begin();
  auto make = [](DType dt, Shape s) { return Tensor::allocate(dt, s); };
  if (key == "value") {
    if (a.type != Attribute::TensorT) fail(ErrorCode::InvalidModel, n.describe(), ": 'value' must be a tensor");
    *out = a.t;
  } else if (key == "value_float") {
    *out = make(DType::Float32, {}); out->ptr<float>()[0] = a.f;
  } else if (key == "value_floats") {
    *out = make(DType::Float32, {int64_t(a.floats.size())});
    for (size_t i = 0; i < a.floats.size(); ++i) out->ptr<float>()[i] = a.floats[i];
  } else if (key == "value_int") {
    *out = make(DType::Int64, {}); out->ptr<int64_t>()[0] = a.i;
  } else if (key == "value_ints") {
    *out = make(DType::Int64, {int64_t(a.ints.size())});
    for (size_t i = 0; i < a.ints.size(); ++i) out->ptr<int64_t>()[i] = a.ints[i];
  } else if (key == "value_string") {
    *out = make(DType::String, {}); (*out->strings)[0] = a.s;
  } else if (key == "value_strings") {
    *out = make(DType::String, {int64_t(a.strings.size())});
    *out->strings = a.strings;
  } else if (key == "sparse_value") {
    fail(ErrorCode::UnsupportedOp, n.describe(), ": sparse Constant values are not supported");
  } else {
    fail(ErrorCode::InvalidModel, n.describe(), ": unknown Constant attribute '", key, "'");
  }
  return true;
}

std::shared_ptr<Graph> parse_graph(Reader r, Context& ctx) {
  if (++ctx.depth > ctx.opts.max_subgraph_depth)
    fail(ErrorCode::InvalidModel, "subgraphs nested deeper than ", ctx.opts.max_subgraph_depth, " levels");
  auto g = std::make_shared<Graph>();
  std::vector<ValueInfo> inputs;
  uint32_t field; WireType type;
  while (r.next(&field, &type)) {
    switch (field) {
      case 1: {
        r.expect(type, pb::LengthDelimited, "node");
        if (++ctx.nodes > ctx.opts.max_nodes)
          fail(ErrorCode::InvalidModel, "the model has more than ", ctx.opts.max_nodes, " nodes");
        Node n = parse_node(r.bytes("NodeProto"), ctx);
        Tensor c;
        if (constant_to_tensor(n, &c)) g->initializers[n.outputs[0]] = std::move(c);
        else g->nodes.push_back(std::move(n));
        break;
      }
      case 2: g->name = r.string("graph name"); break;
      case 5: {
        r.expect(type, pb::LengthDelimited, "initializer");
        std::string name;
        Tensor t = parse_tensor(r.bytes("TensorProto"), ctx, &name);
        if (name.empty()) fail(ErrorCode::InvalidModel, "graph '", g->name, "' has an initializer without a name");
        g->initializers[name] = std::move(t);
        break;
      }
      case 11: inputs.push_back(parse_value_info(r.bytes("graph input"))); break;
      case 12: g->outputs.push_back(parse_value_info(r.bytes("graph output"))); break;
      case 13: g->value_info.push_back(parse_value_info(r.bytes("value_info"))); break;
      case 15: fail(ErrorCode::UnsupportedOp, "graph '", g->name, "': sparse initializers are not supported");
      default: r.skip(type);
    }
  }
  // Inputs that are also initializers (IR < 4) are constants with a default, not feeds.
  for (ValueInfo& v : inputs)
    if (!g->initializers.count(v.name)) g->inputs.push_back(std::move(v));
  --ctx.depth;
  return g;
}

// ---- validation and topological order -----------------------------------------------------

// Names a graph's nodes read from anywhere below them (subgraphs' outer-scope reads included).
void collect_reads(const Graph& g, std::set<std::string>& reads) {
  for (const Node& n : g.nodes) {
    for (const std::string& in : n.inputs) if (!in.empty()) reads.insert(in);
    for (auto& [k, a] : n.attrs) {
      if (a.g) collect_reads(*a.g, reads);
      for (auto& sg : a.graphs) collect_reads(*sg, reads);
    }
  }
}

void sort_graph(Graph& g, const std::set<std::string>& outer, const std::string& where) {
  std::set<std::string> available = outer;
  for (auto& v : g.inputs) available.insert(v.name);
  for (auto& [name, t] : g.initializers) available.insert(name);
  std::map<std::string, size_t> producer;
  for (size_t k = 0; k < g.nodes.size(); ++k)
    for (const std::string& o : g.nodes[k].outputs) {
      if (o.empty()) continue;
      if (producer.count(o) || g.initializers.count(o))
        fail(ErrorCode::InvalidModel, where, g.nodes[k].describe(), ": output '", o, "' is produced more than once");
      producer[o] = k;
    }
  // Dependencies: direct inputs and names read by the node's subgraphs.
  size_t n = g.nodes.size();
  std::vector<std::vector<size_t>> users(n);
  std::vector<int> pending(n, 0);
  for (size_t k = 0; k < n; ++k) {
    const Node& node = g.nodes[k];
    std::set<std::string> reads;
    for (const std::string& in : node.inputs) {
      if (in.empty()) continue;
      reads.insert(in);
      if (!producer.count(in) && !available.count(in))
        fail(ErrorCode::InvalidModel, where, node.describe(), ": input '", in,
             "' is not produced by any node, graph input or initializer");
    }
    for (auto& [key, a] : node.attrs) {
      if (a.g) collect_reads(*a.g, reads);
      for (auto& sg : a.graphs) collect_reads(*sg, reads);
    }
    std::set<size_t> deps;
    for (const std::string& name : reads) {
      auto it = producer.find(name);
      if (it != producer.end() && !available.count(name)) deps.insert(it->second);
    }
    if (deps.count(k)) fail(ErrorCode::InvalidModel, where, node.describe(), " reads its own output");
    for (size_t d : deps) users[d].push_back(k);
    pending[k] = int(deps.size());
  }
  // Kahn's algorithm, smallest file position first, so a sorted file keeps its order.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t k = 0; k < n; ++k) if (pending[k] == 0) ready.push(k);
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t k = ready.top();
    ready.pop();
    order.push_back(k);
    for (size_t u : users[k]) if (--pending[u] == 0) ready.push(u);
  }
  if (order.size() != n) {
    for (size_t k = 0; k < n; ++k)
      if (pending[k] > 0)
        fail(ErrorCode::InvalidModel, where, "the graph has a cycle through ", g.nodes[k].describe());
  }
  std::vector<Node> sorted;
  sorted.reserve(n);
  for (size_t k : order) sorted.push_back(std::move(g.nodes[k]));
  g.nodes = std::move(sorted);

  // Subgraphs see every name of this graph (and of the graphs around it).
  std::set<std::string> inner = available;
  for (auto& [name, k] : producer) inner.insert(name);
  for (Node& node : g.nodes)
    for (auto& [key, a] : node.attrs) {
      std::string sub_where = where + node.describe() + " attribute '" + key + "': ";
      if (a.g) sort_graph(*a.g, inner, sub_where);
      for (auto& sg : a.graphs) sort_graph(*sg, inner, sub_where);
    }
}

}  // namespace

Model load_model(const uint8_t* data, size_t size, const LoadOptions& opts) {
  if (size == 0) fail(ErrorCode::InvalidModel, "the model is empty (0 bytes)");
  Context ctx{opts};
  Model m;
  Reader r(data, size, "ModelProto");
  bool has_graph = false;
  uint32_t field; WireType type;
  while (r.next(&field, &type)) {
    switch (field) {
      case 1: r.expect(type, pb::Varint, "ir_version"); m.ir_version = r.int64(); break;
      case 2: m.producer_name = r.string("producer_name"); break;
      case 3: m.producer_version = r.string("producer_version"); break;
      case 7: {
        r.expect(type, pb::LengthDelimited, "graph");
        m.graph = std::move(*parse_graph(r.bytes("GraphProto"), ctx));
        has_graph = true;
        break;
      }
      case 8: {
        r.expect(type, pb::LengthDelimited, "opset_import");
        Reader o = r.bytes("OperatorSetIdProto");
        std::string domain;
        int64_t version = 0;
        uint32_t f2; WireType t2;
        while (o.next(&f2, &t2)) {
          if (f2 == 1 && t2 == pb::LengthDelimited) domain = o.string("opset domain");
          else if (f2 == 2 && t2 == pb::Varint) version = o.int64();
          else o.skip(t2);
        }
        if (domain == "ai.onnx") domain.clear();
        m.opsets[domain] = version;
        break;
      }
      default: r.skip(type);
    }
  }
  if (!has_graph) fail(ErrorCode::InvalidModel, "not an ONNX model: no graph found");
  if (!m.opsets.count("")) m.opsets[""] = 1;  // IR 3 models without opset_import
  sort_graph(m.graph, {}, "");
  return m;
}

Model load_model_file(const std::string& path, LoadOptions opts) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail(ErrorCode::InvalidArgument, "cannot open model file ", path);
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fclose(f);
    fail(ErrorCode::InvalidArgument, "model path ", path, " is not a regular file");
  }
  std::vector<uint8_t> bytes(size_t(st.st_size));
  bool ok = bytes.empty() || std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size();
  std::fclose(f);
  if (!ok) fail(ErrorCode::InvalidArgument, "cannot read model file ", path);
  if (opts.base_dir.empty()) {
    size_t slash = path.find_last_of('/');
    opts.base_dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  }
  return load_model(bytes.data(), bytes.size(), opts);
}

Tensor parse_tensor_proto(const uint8_t* data, size_t size, const LoadOptions& opts, std::string* name) {
  Context ctx{opts};
  return parse_tensor(Reader(data, size, "TensorProto"), ctx, name);
}

}  // namespace li
