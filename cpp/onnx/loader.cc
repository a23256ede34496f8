// ModelProto -> Model. Field numbers follow onnx/onnx.proto3; unknown fields are skipped.
// Parsing builds the graphs (Constant nodes become initializers as they are read), then one
// pass checks every graph's names and sorts its nodes, subgraphs first so their outer-scope
// reads become dependencies of the node that owns them.
#include "onnx/loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "onnx/pb/wire.h"
#include "onnx/tensor_proto.h"

namespace li {

namespace {

using pb::Bytes;
using pb::Field;
using pb::Reader;
using pb::Where;
using pb::Wire;

struct Ctx {
  const LoadOptions& opts;
  int64_t nodes = 0;  // over all graphs, checked against opts.max_nodes as nodes arrive
};

[[noreturn]] void bad(const Where& w, ErrorCode code, const std::string& msg) {
  fail(code, w.describe(), ": ", msg);
}

// ---- ValueInfoProto / TypeProto -------------------------------------------------------------

Dim read_dim(Reader& outer, const Field& f) {
  Reader r(outer.bytes_field(f, "dim"), outer.where());
  Dim d;
  Field g;
  while (r.next(&g)) {
    if (g.number == 1) d.value = r.int64_field(g, "dim_value");
    else if (g.number == 2) d.symbol = r.string_field(g, "dim_param");
    else r.skip(g);  // denotation
  }
  if (d.value < 0) d.value = -1;  // unknown
  return d;
}

// TypeProto.Tensor: elem_type and shape.
void read_tensor_type(Reader& outer, const Field& f, ValueInfo& v) {
  Reader r(outer.bytes_field(f, "tensor_type"), outer.where());
  Field g;
  while (r.next(&g)) {
    if (g.number == 1) {
      int64_t e = r.int64_field(g, "elem_type");
      v.dtype = e >= 0 && e <= 0x7fffffff && dtype_valid(int32_t(e)) ? DType(e) : DType::Undefined;
    } else if (g.number == 2) {
      Reader s(r.bytes_field(g, "shape"), r.where());
      v.has_shape = true;
      v.dims.clear();
      Field h;
      while (s.next(&h)) {
        if (h.number == 1) v.dims.push_back(read_dim(s, h));
        else s.skip(h);
      }
    } else {
      r.skip(g);
    }
  }
}

// TypeProto: a tensor, a sequence or an optional (TypeProto fields 1, 4, 9). The outermost
// kind goes to v.kind, the next to v.elem_kind; the tensor type found inside gives the dtype.
// Map and sparse types are skipped, leaving the value Undefined.
void read_type(Bytes b, const Where* w, ValueInfo& v, int depth) {
  Reader t(b, w);
  Field g;
  while (t.next(&g)) {
    if (g.number == 1) {
      read_tensor_type(t, g, v);
    } else if ((g.number == 4 || g.number == 9) && depth < 8) {
      const ValueKind k = g.number == 4 ? ValueKind::Sequence : ValueKind::Optional;
      if (depth == 0) v.kind = k;
      else if (depth == 1) v.elem_kind = k;
      Reader s(t.bytes_field(g, g.number == 4 ? "sequence_type" : "optional_type"), w);
      Field h;
      while (s.next(&h)) {
        if (h.number == 1) read_type(s.bytes_field(h, "elem_type"), w, v, depth + 1);
        else s.skip(h);
      }
    } else {
      t.skip(g);
    }
  }
  if (depth == 0 && v.kind != ValueKind::Tensor) {  // element shapes may differ: not recorded
    v.has_shape = false;
    v.dims.clear();
  }
}

ValueInfo read_value_info(Bytes b, const Where* parent) {
  ValueInfo v;
  Where w{"ValueInfoProto", &v.name, parent};
  Reader r(b, &w);
  Field f;
  while (r.next(&f)) {
    if (f.number == 1) v.name = r.string_field(f, "name");
    else if (f.number == 2) read_type(r.bytes_field(f, "type"), &w, v, 0);
    else r.skip(f);
  }
  return v;
}

// ---- AttributeProto, NodeProto, GraphProto -------------------------------------------------

Graph read_graph(Bytes b, const Where* parent, Ctx& ctx, int depth);

std::shared_ptr<Graph> read_subgraph(Reader& r, const Field& f, const char* field, Ctx& ctx, int depth) {
  Bytes b = r.bytes_field(f, field);
  if (depth + 1 > ctx.opts.max_subgraph_depth)
    bad(*r.where(), ErrorCode::InvalidModel,
        cat("subgraphs are nested deeper than the limit of ", ctx.opts.max_subgraph_depth, " levels"));
  return std::make_shared<Graph>(read_graph(b, r.where(), ctx, depth + 1));
}

const char* attr_type_name(int64_t t) {
  static const char* const names[] = {"UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS", "INTS",
                                      "STRINGS", "TENSORS", "GRAPHS", "SPARSE_TENSOR", "SPARSE_TENSORS",
                                      "TYPE_PROTO", "TYPE_PROTOS"};
  return t >= 0 && t <= 14 ? names[t] : "unknown";
}

Attribute read_attribute(Bytes b, const Where* parent, Ctx& ctx, int depth, std::string* name) {
  Attribute a;
  Where w{"AttributeProto", name, parent};
  Reader r(b, &w);
  int64_t declared = 0;
  bool present[15] = {};  // which AttributeType's value fields appeared
  Field f;
  while (r.next(&f)) {
    switch (f.number) {
      case 1: *name = r.string_field(f, "name"); break;
      case 2: r.expect(f, Wire::Fixed32, "f"); a.f = r.float32("f"); present[Attribute::Float] = true; break;
      case 3: a.i = r.int64_field(f, "i"); present[Attribute::Int] = true; break;
      case 4: a.s = r.string_field(f, "s"); present[Attribute::String] = true; break;
      case 5: a.t = read_tensor_proto(r.bytes_field(f, "t"), &w, ctx.opts, nullptr); present[Attribute::TensorT] = true; break;
      case 6: a.g = read_subgraph(r, f, "g", ctx, depth); present[Attribute::GraphT] = true; break;
      case 7: r.fixed32s(f, "floats", [&](uint32_t u) {
                float v;
                std::memcpy(&v, &u, 4);
                a.floats.push_back(v);
              });
              present[Attribute::Floats] = true;
              break;
      case 8: r.varints(f, "ints", [&](uint64_t v) { a.ints.push_back(int64_t(v)); }); present[Attribute::Ints] = true; break;
      case 9: a.strings.push_back(r.string_field(f, "strings")); present[Attribute::Strings] = true; break;
      case 10: a.tensors.push_back(read_tensor_proto(r.bytes_field(f, "tensors"), &w, ctx.opts, nullptr));
               present[Attribute::Tensors] = true;
               break;
      case 11: a.graphs.push_back(read_subgraph(r, f, "graphs", ctx, depth)); present[Attribute::Graphs] = true; break;
      case 14: read_type(r.bytes_field(f, "tp"), &w, a.tp, 0); present[13] = true; break;  // Optional's 'type'
      case 15: r.skip(f); present[14] = true; break;  // type_protos
      case 20: declared = r.int64_field(f, "type"); break;
      case 21: bad(w, ErrorCode::UnsupportedOp, "references to function attributes (ref_attr_name) are not supported");
      case 22: case 23: bad(w, ErrorCode::UnsupportedOp, "sparse tensor attributes are not supported");
      default: r.skip(f);  // doc_string (13), future fields
    }
  }
  if (name->empty()) bad(w, ErrorCode::InvalidModel, "attribute has no name");
  int64_t type = declared;
  if (type == 0) {  // IR < 3 files may omit the type: infer it from the one value present
    int kinds = 0;
    for (int k = 1; k < 15; ++k)
      if (present[k]) { type = k; ++kinds; }
    if (kinds == 0) bad(w, ErrorCode::InvalidModel, "attribute has neither a type nor a value");
    if (kinds > 1) bad(w, ErrorCode::InvalidModel, "attribute has no type and values of several types");
  }
  if (type >= 11 && type <= 14 && type != Attribute::TypeProtoT)
    bad(w, ErrorCode::UnsupportedOp, cat("attributes of type ", attr_type_name(type), " are not supported"));
  if (type < 1 || type > 14) bad(w, ErrorCode::InvalidModel, cat("unknown attribute type ", type));
  if (type == Attribute::TensorT && !present[Attribute::TensorT])
    bad(w, ErrorCode::InvalidModel, "attribute of type TENSOR has no tensor (field t)");
  if (type == Attribute::GraphT && !present[Attribute::GraphT])
    bad(w, ErrorCode::InvalidModel, "attribute of type GRAPH has no graph (field g)");
  a.type = Attribute::Type(type);
  return a;
}

Node read_node(Bytes b, const Where* parent, Ctx& ctx, int depth) {
  Node n;
  Where w{"NodeProto", &n.name, parent};
  Reader r(b, &w);
  Field f;
  while (r.next(&f)) {
    switch (f.number) {
      case 1: n.inputs.push_back(r.string_field(f, "input")); break;
      case 2: n.outputs.push_back(r.string_field(f, "output")); break;
      case 3: n.name = r.string_field(f, "name"); break;
      case 4: n.op_type = r.string_field(f, "op_type"); break;
      case 5: {
        std::string name;
        Attribute a = read_attribute(r.bytes_field(f, "attribute"), &w, ctx, depth, &name);
        if (!n.attrs.emplace(name, std::move(a)).second)
          bad(w, ErrorCode::InvalidModel, cat("attribute '", pb::printable(name), "' appears twice"));
        break;
      }
      case 7: n.domain = r.string_field(f, "domain"); break;
      default: r.skip(f);  // doc_string (6), overload (8), metadata_props (9), ...
    }
  }
  if (n.op_type.empty()) bad(w, ErrorCode::InvalidModel, "node has no op_type");
  if (n.domain == "ai.onnx") n.domain.clear();
  return n;
}

void add_initializer(Graph& g, const Where& w, const std::string& name, Tensor t, const char* what) {
  if (name.empty()) bad(w, ErrorCode::InvalidModel, cat(what, " has no name"));
  if (!g.initializers.emplace(name, std::move(t)).second)
    bad(w, ErrorCode::InvalidModel, cat(what, " '", pb::printable(name), "' defines a value that is already an initializer"));
}

// A Constant node's value as a tensor (every opset's form: value, value_float(s), value_int(s),
// value_string(s)); sparse_value is not supported.
Tensor constant_value(const Node& n, const Where& w) {
  auto node_error = [&](const std::string& msg) { bad(w, ErrorCode::InvalidModel, cat("Constant node: ", msg)); };
  if (n.outputs.size() != 1 || n.outputs[0].empty()) node_error(cat("needs one named output, has ", n.outputs.size()));
  if (n.attrs.size() != 1) node_error(cat("needs exactly one value attribute, has ", n.attrs.size()));
  const std::string& key = n.attrs.begin()->first;
  const Attribute& a = n.attrs.begin()->second;
  auto want = [&](Attribute::Type t) {
    if (a.type != t) node_error(cat("attribute '", pb::printable(key), "' has type ", attr_type_name(a.type), ", expected ", attr_type_name(t)));
  };
  Tensor t;
  if (key == "value") {
    want(Attribute::TensorT);
    t = a.t;
  } else if (key == "value_float") {
    want(Attribute::Float);
    t = Tensor::allocate(DType::Float32, {});
    t.ptr<float>()[0] = a.f;
  } else if (key == "value_floats") {
    want(Attribute::Floats);
    t = Tensor::allocate(DType::Float32, {int64_t(a.floats.size())});
    std::copy(a.floats.begin(), a.floats.end(), t.ptr<float>());
  } else if (key == "value_int") {
    want(Attribute::Int);
    t = Tensor::allocate(DType::Int64, {});
    t.ptr<int64_t>()[0] = a.i;
  } else if (key == "value_ints") {
    want(Attribute::Ints);
    t = Tensor::allocate(DType::Int64, {int64_t(a.ints.size())});
    std::copy(a.ints.begin(), a.ints.end(), t.ptr<int64_t>());
  } else if (key == "value_string") {
    want(Attribute::String);
    t = Tensor::allocate(DType::String, {});
    (*t.strings)[0] = a.s;
  } else if (key == "value_strings") {
    want(Attribute::Strings);
    t = Tensor::allocate(DType::String, {int64_t(a.strings.size())});
    *t.strings = a.strings;
  } else if (key == "sparse_value") {
    bad(w, ErrorCode::UnsupportedOp, "Constant node: sparse_value is not supported");
  } else {
    node_error(cat("unknown value attribute '", pb::printable(key), "'"));
  }
  return t;
}

Graph read_graph(Bytes b, const Where* parent, Ctx& ctx, int depth) {
  Graph g;
  Where w{"GraphProto", &g.name, parent};
  // Count this graph's nodes first (keys only, payloads skipped), so a model with millions of
  // nodes fails before any of them is built (a Node costs ~100x its bytes in the file).
  // A malformed graph stops the count; the parse below then reports it, naming the field.
  int64_t count = 0;
  try {
    Reader scan(b, &w);
    Field f;
    while (scan.next(&f)) {
      if (f.number == 1) ++count;
      if (f.number == 2 && f.wire == Wire::Len) g.name = scan.string("name");  // for the message
      else scan.skip(f);
    }
  } catch (const Error&) {
  }
  ctx.nodes += count;
  if (ctx.nodes > ctx.opts.max_nodes)
    bad(w, ErrorCode::InvalidModel, cat("the model has more than the limit of ", ctx.opts.max_nodes, " nodes"));
  Reader r(b, &w);
  std::vector<ValueInfo> inputs;
  Field f;
  while (r.next(&f)) {
    switch (f.number) {
      case 1: {
        Bytes nb = r.bytes_field(f, "node");
        Node n = read_node(nb, &w, ctx, depth);
        if (n.op_type == "Constant" && n.domain.empty()) {
          Where nw{"NodeProto", &n.name, &w};
          add_initializer(g, nw, n.outputs.empty() ? std::string() : n.outputs[0], constant_value(n, nw),
                          "Constant output");
        } else {
          g.nodes.push_back(std::move(n));
        }
        break;
      }
      case 2: g.name = r.string_field(f, "name"); break;
      case 5: {
        std::string name;
        Tensor t = read_tensor_proto(r.bytes_field(f, "initializer"), &w, ctx.opts, &name);
        add_initializer(g, w, name, std::move(t), "initializer");
        break;
      }
      case 11: inputs.push_back(read_value_info(r.bytes_field(f, "input"), &w)); break;
      case 12: g.outputs.push_back(read_value_info(r.bytes_field(f, "output"), &w)); break;
      case 13: g.value_info.push_back(read_value_info(r.bytes_field(f, "value_info"), &w)); break;
      case 15: bad(w, ErrorCode::UnsupportedOp, "sparse initializers are not supported");
      default: r.skip(f);  // doc_string (10), quantization_annotation (14), metadata_props (16)
    }
  }
  // Main-graph inputs that are also initializers (IR < 4 style) are constants, not feeds.
  // A subgraph's inputs are bound by position (Loop, Scan), so they all stay.
  for (ValueInfo& v : inputs)
    if (depth > 0 || !g.initializers.count(v.name)) g.inputs.push_back(std::move(v));
  return g;
}

// ---- name checks and topological order ------------------------------------------------------

// The names visible from enclosing graphs, innermost first.
struct Scope {
  const std::unordered_set<std::string>* names;
  const Scope* parent;
  bool has(const std::string& n) const {
    for (const Scope* s = this; s; s = s->parent)
      if (s->names->count(n)) return true;
    return false;
  }
};

// "Conv node 'conv1'"; a nameless node is named by its first output (outputs are unique).
std::string label(const Node& n) {
  std::string op = pb::printable(n.op_type);
  if (!n.name.empty()) return cat(op, " node '", pb::printable(n.name), "'");
  for (const std::string& o : n.outputs)
    if (!o.empty()) return cat(op, " node producing '", pb::printable(o), "'");
  return cat(op, " node (unnamed, no outputs)");
}

[[noreturn]] void report_cycle(const Graph& g, const std::vector<std::vector<size_t>>& deps,
                               const std::vector<bool>& placed, const std::string& where) {
  // Every unplaced node waits on an unplaced one: walk those edges until a node repeats.
  size_t start = 0;
  while (placed[start]) ++start;
  std::vector<size_t> path;
  std::vector<int> seen_at(g.nodes.size(), -1);
  size_t k = start;
  while (seen_at[k] < 0) {
    seen_at[k] = int(path.size());
    path.push_back(k);
    for (size_t d : deps[k])
      if (!placed[d]) { k = d; break; }
  }
  // path[seen_at[k]..] is the cycle, walked against the data flow: print it along the flow.
  std::vector<size_t> cycle(path.begin() + seen_at[k], path.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());  // earliest node first
  std::string s;
  for (size_t i = 0; i < cycle.size() && i < 8; ++i) s += label(g.nodes[cycle[i]]) + " -> ";
  if (cycle.size() > 8) s += "... -> ";
  s += label(g.nodes[cycle[0]]);
  fail(ErrorCode::InvalidModel, "the graph", where, " has a cycle: ", s);
}

// Checks that every name g reads is defined, sorts g's nodes (Kahn's algorithm, lowest file
// position first, so an already sorted graph keeps its order) and does the same for each
// subgraph. Returns the names g and its subgraphs read from enclosing graphs.
std::unordered_set<std::string> sort_graph(Graph& g, const Scope* outer, const std::string& where) {
  const size_t n = g.nodes.size();
  std::unordered_set<std::string> defined;  // graph inputs and initializers
  for (const ValueInfo& v : g.inputs) defined.insert(v.name);
  for (const auto& [name, t] : g.initializers) defined.insert(name);
  std::unordered_map<std::string, size_t> producer;
  for (size_t k = 0; k < n; ++k)
    for (const std::string& o : g.nodes[k].outputs) {
      if (o.empty()) continue;
      auto [it, fresh] = producer.emplace(o, k);
      if (!fresh)
        fail(ErrorCode::InvalidModel, label(g.nodes[k]), where, ": output '", pb::printable(o), "' is also produced by ",
             it->second == k ? "the same node" : label(g.nodes[it->second]));
      if (defined.count(o))
        fail(ErrorCode::InvalidModel, label(g.nodes[k]), where, ": output '", pb::printable(o),
             "' has the name of a graph input or initializer");
    }

  std::unordered_set<std::string> local = defined;
  for (const auto& [name, k] : producer) local.insert(name);
  Scope inner{&local, outer};

  std::unordered_set<std::string> free_names;  // read from enclosing graphs
  std::vector<std::vector<size_t>> deps(n), users(n);
  auto resolve = [&](size_t k, const std::string& name, const char* what) {
    auto it = producer.find(name);
    if (it != producer.end()) {
      if (it->second == k)
        fail(ErrorCode::InvalidModel, "the graph", where, " has a cycle: ", label(g.nodes[k]), " reads its own output '",
             pb::printable(name), "'");
      deps[k].push_back(it->second);
    } else if (!defined.count(name)) {
      if (!outer || !outer->has(name))
        fail(ErrorCode::InvalidModel, label(g.nodes[k]), where, ": ", what, " '", pb::printable(name),
             "' is not produced by any node, graph input or initializer");
      free_names.insert(name);
    }
  };
  for (size_t k = 0; k < n; ++k) {
    Node& node = g.nodes[k];
    for (const std::string& in : node.inputs)
      if (!in.empty()) resolve(k, in, "input");
    for (auto& [key, a] : node.attrs) {
      std::vector<std::shared_ptr<Graph>*> subs;
      if (a.g) subs.push_back(&a.g);
      for (auto& sg : a.graphs) subs.push_back(&sg);
      for (auto* sg : subs) {
        std::string sub_where = cat(" in subgraph '", pb::printable((*sg)->name), "' of ", label(node), " attribute '", pb::printable(key), "'", where);
        for (const std::string& name : sort_graph(**sg, &inner, sub_where))
          resolve(k, name, "value read by a subgraph");
      }
    }
    std::sort(deps[k].begin(), deps[k].end());
    deps[k].erase(std::unique(deps[k].begin(), deps[k].end()), deps[k].end());
    for (size_t d : deps[k]) users[d].push_back(k);
  }
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    const std::string& o = g.outputs[i].name;
    if (o.empty()) fail(ErrorCode::InvalidModel, "graph output #", i, where, " has no name");
    if (producer.count(o) || defined.count(o)) continue;
    if (!outer || !outer->has(o))
      fail(ErrorCode::InvalidModel, "graph output '", pb::printable(o), "'", where,
           " is not produced by any node, graph input or initializer");
    free_names.insert(o);
  }

  std::vector<size_t> pending(n);
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t k = 0; k < n; ++k)
    if ((pending[k] = deps[k].size()) == 0) ready.push(k);
  std::vector<size_t> order;
  order.reserve(n);
  std::vector<bool> placed(n, false);
  while (!ready.empty()) {
    size_t k = ready.top();
    ready.pop();
    order.push_back(k);
    placed[k] = true;
    for (size_t u : users[k])
      if (--pending[u] == 0) ready.push(u);
  }
  if (order.size() != n) report_cycle(g, deps, placed, where);
  bool sorted = true;
  for (size_t i = 0; i < n; ++i) sorted = sorted && order[i] == i;
  if (!sorted) {
    std::vector<Node> nodes;
    nodes.reserve(n);
    for (size_t k : order) nodes.push_back(std::move(g.nodes[k]));
    g.nodes = std::move(nodes);
  }
  return free_names;
}

}  // namespace

Model load_model(const uint8_t* data, size_t size, const LoadOptions& opts) {
  if (size == 0) fail(ErrorCode::InvalidModel, "the model is empty (0 bytes)");
  if (!data) fail(ErrorCode::InvalidArgument, "load_model: null data with size ", size);
  Ctx ctx{opts};
  Model m;
  Where w{"ModelProto", nullptr, nullptr};
  Reader r(data, size, &w);
  bool has_graph = false;
  Field f;
  while (r.next(&f)) {
    switch (f.number) {
      case 1: m.ir_version = r.int64_field(f, "ir_version"); break;
      case 2: m.producer_name = r.string_field(f, "producer_name"); break;
      case 3: m.producer_version = r.string_field(f, "producer_version"); break;
      case 7: {
        Bytes gb = r.bytes_field(f, "graph");
        if (has_graph) bad(w, ErrorCode::InvalidModel, "the model has two graphs");
        m.graph = read_graph(gb, &w, ctx, 0);
        has_graph = true;
        break;
      }
      case 8: {
        Where ow{"OperatorSetIdProto", nullptr, &w};
        Reader o(r.bytes_field(f, "opset_import"), &ow);
        std::string domain;
        int64_t version = 0;
        Field g;
        while (o.next(&g)) {
          if (g.number == 1) domain = o.string_field(g, "domain");
          else if (g.number == 2) version = o.int64_field(g, "version");
          else o.skip(g);
        }
        if (domain == "ai.onnx") domain.clear();
        m.opsets[domain] = version;
        break;
      }
      default: r.skip(f);  // domain, model_version, doc_string, metadata_props, training_info, functions
    }
  }
  if (!has_graph) fail(ErrorCode::InvalidModel, "not an ONNX model: ModelProto has no graph");
  if (m.opsets.empty()) m.opsets[""] = 1;  // IR 1-2 files have no opset_import and mean opset 1
  sort_graph(m.graph, nullptr, "");
  return m;
}

Model load_model_file(const std::string& path, LoadOptions opts) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(ErrorCode::InvalidArgument, "cannot open model file '", path, "': ", std::strerror(errno));
  struct Closer { int fd; ~Closer() { ::close(fd); } } closer{fd};
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    fail(ErrorCode::InvalidArgument, "model path '", path, "' is not a regular file");
  // Read into an uninitialized buffer: a std::vector would zero-fill hundreds of MB first. (Not
  // mmap: a file truncated while we read it would raise SIGBUS and take the process down.)
  size_t size = size_t(st.st_size);
  std::shared_ptr<void> buffer = aligned_alloc_shared(size);
  auto* bytes = static_cast<uint8_t*>(buffer.get());
  size_t done = 0;
  while (done < size) {
    ssize_t got = ::read(fd, bytes + done, size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) fail(ErrorCode::InvalidArgument, "cannot read model file '", path, "'");
    done += size_t(got);
  }
  if (opts.base_dir.empty()) {
    size_t slash = path.find_last_of('/');
    opts.base_dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  }
  return load_model(bytes, size, opts);
}

Tensor parse_tensor_proto(const uint8_t* data, size_t size, const LoadOptions& opts, std::string* name) {
  return read_tensor_proto(Bytes{data, size}, nullptr, opts, name);
}

}  // namespace li
