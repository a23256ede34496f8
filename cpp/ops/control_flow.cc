// Control flow: If, Loop, Scan, SequenceMap (ai.onnx If 1/11/13/16/19/21, Loop 1/11/13/16/19/21,
// Scan 8/9/11/16/19/21, SequenceMap 17; later versions only add element types). Each subgraph attribute is compiled
// at load into a nested session run by the same executor (OpBuildContext::compile_subgraph, see
// runtime/subgraph.h). The values a subgraph reads from enclosing graphs become the op's
// implicit inputs (Op::implicit_inputs), handed to the subgraph on every run. Output shapes are
// whatever the subgraph produces, so these ops run dynamically and assign their outputs
// (Op::outputs_from_run). If outputs, Loop-carried values and outer-scope values may be
// sequences or optionals (If/Loop 13+/16+); Scan's own inputs and every scan output are tensors.
#include <algorithm>
#include <climits>
#include <cstring>
#include <set>

#include "ops/tensor_util.h"

namespace li {

namespace {

// Names g reads but does not define (node inputs, graph outputs, and the same for nested
// subgraphs), sorted: the outer-scope values g needs.
std::vector<std::string> outer_scope_reads(const Graph& g) {
  std::set<std::string> defined, reads;
  for (const ValueInfo& v : g.inputs) defined.insert(v.name);
  for (const auto& [name, t] : g.initializers) defined.insert(name);
  for (const Node& n : g.nodes)
    for (const std::string& o : n.outputs)
      if (!o.empty()) defined.insert(o);
  auto read = [&](const std::string& name) {
    if (!name.empty() && !defined.count(name)) reads.insert(name);
  };
  for (const Node& n : g.nodes) {
    for (const std::string& in : n.inputs) read(in);
    for (const auto& [key, a] : n.attrs) {
      if (a.g)
        for (const std::string& name : outer_scope_reads(*a.g)) read(name);
      for (const auto& sg : a.graphs)
        if (sg)
          for (const std::string& name : outer_scope_reads(*sg)) read(name);
    }
  }
  for (const ValueInfo& v : g.outputs) read(v.name);
  return {reads.begin(), reads.end()};
}

// ---- tensor helpers ---------------------------------------------------------------------------

// Element `index` of `axis`: t's shape without that axis.
Tensor take(const Tensor& t, size_t axis, int64_t index) {
  Shape out = t.shape;
  out.erase(out.begin() + int64_t(axis));
  Tensor r = Tensor::allocate(t.dtype, out);
  const int64_t dim = t.shape[axis];
  const int64_t outer = dims_product(t.shape, 0, axis);
  const int64_t inner = dims_product(t.shape, axis + 1, t.shape.size());
  if (t.dtype == DType::String) {
    const std::string* src = string_elems(t);
    std::string* dst = string_elems(r);
    for (int64_t o = 0; o < outer; ++o)
      std::copy(src + (o * dim + index) * inner, src + (o * dim + index + 1) * inner, dst + o * inner);
    return r;
  }
  const size_t row = size_t(inner) * dtype_size(t.dtype);
  const char* src = static_cast<const char*>(t.data);
  char* dst = static_cast<char*>(r.data);
  for (int64_t o = 0; o < outer; ++o)
    if (row) std::memcpy(dst + size_t(o) * row, src + size_t(o * dim + index) * row, row);
  return r;
}

// Stacks parts of one dtype and shape along a new axis `axis` (part i at position i, or
// n-1-i when reverse), padded with zeros up to `length` positions (length >= parts.size()).
Tensor stack(const std::vector<Tensor>& parts, DType dtype, const Shape& part_shape, size_t axis,
             bool reverse, int64_t length) {
  Shape out = part_shape;
  out.insert(out.begin() + int64_t(axis), length);
  Tensor r = Tensor::allocate(dtype, out);  // zero-filled: the padding
  const int64_t outer = dims_product(part_shape, 0, axis);
  const int64_t inner = dims_product(part_shape, axis, part_shape.size());
  const int64_t n = int64_t(parts.size());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t pos = reverse ? n - 1 - i : i;
    const Tensor& p = parts[size_t(i)];
    if (dtype == DType::String) {
      const std::string* src = string_elems(p);
      std::string* dst = string_elems(r);
      for (int64_t o = 0; o < outer; ++o)
        std::copy(src + o * inner, src + (o + 1) * inner, dst + (o * length + pos) * inner);
      continue;
    }
    const size_t row = size_t(inner) * dtype_size(dtype);
    const char* src = static_cast<const char*>(p.data);
    char* dst = static_cast<char*>(r.data);
    for (int64_t o = 0; o < outer; ++o)
      if (row) std::memcpy(dst + size_t(o * length + pos) * row, src + size_t(o) * row, row);
  }
  return r;
}

// ---- the common part: subgraphs and their outer-scope inputs ----------------------------------

struct Body {
  std::string attr;                           // "body", "then_branch", ...
  std::unique_ptr<CompiledSubgraph> graph;
  std::vector<ValueInfo> inputs, outputs;     // as declared
  std::vector<size_t> outer;                  // per outer-scope read: index in implicit_inputs()
};

class ControlFlowOp : public Op {
 public:
  explicit ControlFlowOp(const OpBuildContext& ctx)
      : desc_(ctx.node.describe()), declared_inputs_(ctx.node.inputs.size()) {}

  std::vector<std::string> implicit_inputs() const override { return implicit_; }
  bool outputs_from_run() const override { return true; }
  bool takes_any_value() const override { return true; }
  // Output shapes come from running the subgraph: always a dynamic step.
  bool infer(InferContext&) const override { return false; }

 protected:
  Body compile(const OpBuildContext& ctx, const char* attr) {
    auto it = ctx.node.attrs.find(attr);
    if (it == ctx.node.attrs.end()) ctx.invalid("needs the graph attribute '", attr, "'");
    if (it->second.type != Attribute::GraphT || !it->second.g)
      ctx.invalid("attribute '", attr, "' must be a graph");
    if (!ctx.compile_subgraph) ctx.unsupported("subgraphs can only be run inside a session");
    const Graph& g = *it->second.g;
    Body b;
    b.attr = attr;
    b.inputs = g.inputs;
    b.outputs = g.outputs;
    std::vector<std::string> reads = outer_scope_reads(g);
    for (const std::string& name : reads) {
      auto pos = std::find(implicit_.begin(), implicit_.end(), name);
      b.outer.push_back(size_t(pos - implicit_.begin()));
      if (pos == implicit_.end()) implicit_.push_back(name);
    }
    try {
      b.graph = ctx.compile_subgraph(g, reads);
    } catch (const Error& e) {
      throw Error(e.code(), cat(desc_, " ", attr, ": ", e.what()));
    }
    return b;
  }

  // Runs b on `inputs` (its own inputs) plus the outer-scope values from ctx.
  std::vector<Tensor> run_body(const Body& b, const ExecContext& ctx, std::vector<const Tensor*> inputs) const {
    for (size_t k : b.outer) {
      const Tensor* v = ctx.input(declared_inputs_ + k);
      if (!v) fail(ErrorCode::Internal, desc_, ": outer-scope value '", implicit_[k], "' has no value");
      inputs.push_back(v);
    }
    std::vector<Tensor> outs;
    try {
      outs = b.graph->run(inputs);
    } catch (const Error& e) {
      throw Error(e.code(), cat(desc_, " ", b.attr, ": ", e.what()));
    }
    if (outs.size() != b.outputs.size())
      fail(ErrorCode::Internal, desc_, " ", b.attr, ": ", outs.size(), " outputs, expected ", b.outputs.size());
    return outs;
  }

  const Tensor& need(const ExecContext& ctx, size_t i, const char* name) const {
    const Tensor* t = ctx.input(i);
    if (!t) fail(ErrorCode::InvalidModel, desc_, ": input '", name, "' is missing");
    return *t;
  }

  // A single-element bool (If's cond, Loop's cond and cond_out).
  bool flag(const Tensor& t, const char* what) const {
    if (!t.is_tensor() || t.dtype != DType::Bool || t.numel() != 1)
      fail(ErrorCode::InvalidInput, desc_, ": ", what, " must be a bool tensor with one element, got ",
           t.is_tensor() ? "" : value_kind_name(t.kind), t.is_tensor() ? "" : " of ", dtype_name(t.dtype), " ",
           shape_str(t.shape));
    return *t.ptr<uint8_t>() != 0;
  }

  static void set_output(ExecContext& ctx, size_t i, Tensor t) {
    if (i < ctx.outputs.size() && ctx.outputs[i]) *ctx.outputs[i] = std::move(t);
  }

  std::string desc_;
  size_t declared_inputs_;
  std::vector<std::string> implicit_;
};

// Scan outputs of several iterations, stacked along a new axis; every iteration must agree.
struct Stacker {
  std::vector<Tensor> parts;

  void add(const std::string& desc, const char* what, size_t k, Tensor t) {
    if (!t.is_tensor())
      fail(ErrorCode::InvalidModel, desc, ": ", what, " ", k, " is a ", value_kind_name(t.kind), ": scan outputs are tensors");
    if (!parts.empty() && (t.dtype != parts[0].dtype || t.shape != parts[0].shape))
      fail(ErrorCode::InvalidModel, desc, ": ", what, " ", k, " is ", dtype_name(t.dtype), " ", shape_str(t.shape),
           " in iteration ", parts.size(), " but ", dtype_name(parts[0].dtype), " ", shape_str(parts[0].shape),
           " in iteration 0: scan outputs must keep their shape");
    parts.push_back(std::move(t));
  }
};

// dtype and per-iteration shape of a scan output that no iteration produced: as declared, with
// unknown dims taken as 0 (the output is empty anyway) and float32 for an undeclared type.
void declared_or_empty(const ValueInfo& v, DType* dtype, Shape* shape) {
  *dtype = v.dtype == DType::Undefined ? DType::Float32 : v.dtype;
  shape->clear();
  if (v.has_shape)
    for (const Dim& d : v.dims) shape->push_back(d.known() ? d.value : 0);
}

bool fully_declared(const ValueInfo& v) {
  if (v.dtype == DType::Undefined || !v.has_shape) return false;
  for (const Dim& d : v.dims)
    if (!d.known()) return false;
  return true;
}

// ---- If ---------------------------------------------------------------------------------------

class IfOp : public ControlFlowOp {
 public:
  explicit IfOp(const OpBuildContext& ctx) : ControlFlowOp(ctx) {
    if (ctx.node.num_inputs() != 1) ctx.invalid("needs 1 input (cond), has ", ctx.node.num_inputs());
    then_ = compile(ctx, "then_branch");
    else_ = compile(ctx, "else_branch");
    for (const Body* b : {&then_, &else_}) {
      if (!b->inputs.empty()) ctx.invalid(b->attr, " must take no inputs, has ", b->inputs.size());
      if (b->outputs.size() != ctx.node.outputs.size())
        ctx.invalid(b->attr, " has ", b->outputs.size(), " outputs, the node ", ctx.node.outputs.size());
    }
  }

  void run(ExecContext& ctx) const override {
    bool cond = flag(need(ctx, 0, "cond"), "input 'cond'");
    std::vector<Tensor> outs = run_body(cond ? then_ : else_, ctx, {});
    for (size_t i = 0; i < outs.size(); ++i) set_output(ctx, i, std::move(outs[i]));
  }

 private:
  Body then_, else_;
};

// ---- Loop -------------------------------------------------------------------------------------

class LoopOp : public ControlFlowOp {
 public:
  explicit LoopOp(const OpBuildContext& ctx) : ControlFlowOp(ctx) {
    const Node& n = ctx.node;
    if (n.inputs.size() < 2) ctx.invalid("needs at least 2 inputs (M, cond), has ", n.inputs.size());
    carried_ = n.inputs.size() - 2;
    body_ = compile(ctx, "body");
    if (body_.inputs.size() != carried_ + 2)
      ctx.invalid("body has ", body_.inputs.size(), " inputs, expected ", carried_ + 2,
                  " (iteration_num, cond, then the node's ", carried_, " loop-carried values)");
    if (body_.outputs.size() < carried_ + 1)
      ctx.invalid("body has ", body_.outputs.size(), " outputs, expected at least ", carried_ + 1,
                  " (cond, then the ", carried_, " loop-carried values)");
    scans_ = body_.outputs.size() - 1 - carried_;
    if (n.outputs.size() > carried_ + scans_)
      ctx.invalid("has ", n.outputs.size(), " outputs, the body gives ", carried_, " loop-carried values and ",
                  scans_, " scan outputs");
    for (size_t i = 0; i < carried_; ++i)
      if (!n.input_present(2 + i)) ctx.unsupported("loop-carried value ", i, " is omitted (an absent value is an empty Optional)");
    // iteration_num and cond are fed with the rank the body declares (scalar unless [1]).
    iter_shape_ = body_.inputs[0].has_shape && body_.inputs[0].dims.size() == 1 ? Shape{1} : Shape{};
    cond_shape_ = body_.inputs[1].has_shape && body_.inputs[1].dims.size() == 1 ? Shape{1} : Shape{};
  }

  void run(ExecContext& ctx) const override {
    int64_t trips = INT64_MAX;
    if (const Tensor* m = ctx.input(0)) {
      if (!m->is_tensor() || m->dtype != DType::Int64 || m->numel() != 1)
        fail(ErrorCode::InvalidInput, desc_, ": input 'M' must be an int64 tensor with one element, got ",
             dtype_name(m->dtype), " ", shape_str(m->shape));
      trips = *m->ptr<int64_t>();
    }
    // The body's cond decides when a cond input is given. With M only it is ignored (the spec's
    // "for loop"; onnxruntime-node stops on it anyway). With neither, the spec's literal loop
    // never ends: like onnxruntime-node, the body's cond ends it.
    const bool use_cond = ctx.input(1) != nullptr || ctx.input(0) == nullptr;
    bool keep_going = ctx.input(1) ? flag(*ctx.input(1), "input 'cond'") : true;
    std::vector<Tensor> carried;
    for (size_t i = 0; i < carried_; ++i) carried.push_back(need(ctx, 2 + i, "v_initial"));
    std::vector<Stacker> scans(scans_);
    int64_t i = 0;
    for (; i < trips && keep_going; ++i) {
      Feed f = feed(i, keep_going, carried);
      std::vector<Tensor> outs = run_body(body_, ctx, f.ptrs());
      if (use_cond) keep_going = flag(outs[0], "the body's output 'cond'");
      for (size_t j = 0; j < carried_; ++j) carried[j] = std::move(outs[1 + j]);
      for (size_t k = 0; k < scans_; ++k) scans[k].add(desc_, "scan output", k, std::move(outs[1 + carried_ + k]));
    }
    for (size_t j = 0; j < carried_; ++j)
      set_output(ctx, j, i == 0 ? carried[j].clone() : std::move(carried[j]));  // v_initial is not ours
    if (scans_ == 0) return;
    std::vector<DType> dtypes(scans_);
    std::vector<Shape> shapes(scans_);
    if (i == 0) empty_scan_types(ctx, carried, &dtypes, &shapes);
    for (size_t k = 0; k < scans_; ++k) {
      if (i > 0) {
        dtypes[k] = scans[k].parts[0].dtype;
        shapes[k] = scans[k].parts[0].shape;
      }
      set_output(ctx, carried_ + k, stack(scans[k].parts, dtypes[k], shapes[k], 0, false, i));
    }
  }

 private:
  // The body's inputs for iteration i: fresh iteration_num and cond tensors (the body may hand
  // them back as outputs), then the loop-carried values.
  struct Feed {
    Tensor iter, cond;
    const std::vector<Tensor>* carried;
    std::vector<const Tensor*> ptrs() const {
      std::vector<const Tensor*> p{&iter, &cond};
      for (const Tensor& t : *carried) p.push_back(&t);
      return p;
    }
  };
  Feed feed(int64_t i, bool cond, const std::vector<Tensor>& carried) const {
    Feed f{Tensor::allocate(DType::Int64, iter_shape_), Tensor::allocate(DType::Bool, cond_shape_), &carried};
    *f.iter.ptr<int64_t>() = i;
    *f.cond.ptr<uint8_t>() = cond ? 1 : 0;
    return f;
  }

  // Zero iterations: the scan outputs are empty, [0, ...]. Their dtype and per-iteration shape
  // come from the body's declarations when complete, else from running the body once on the
  // initial values (its results are discarded; pure ops have no effects), else the declaration.
  void empty_scan_types(const ExecContext& ctx, const std::vector<Tensor>& initial, std::vector<DType>* dtypes,
                        std::vector<Shape>* shapes) const {
    bool declared = true;
    for (size_t k = 0; k < scans_; ++k) declared = declared && fully_declared(body_.outputs[1 + carried_ + k]);
    if (!declared) {
      try {
        Feed f = feed(0, true, initial);
        std::vector<Tensor> outs = run_body(body_, ctx, f.ptrs());
        for (size_t k = 0; k < scans_; ++k) {
          (*dtypes)[k] = outs[1 + carried_ + k].dtype;
          (*shapes)[k] = outs[1 + carried_ + k].shape;
        }
        return;
      } catch (const Error&) {
        // The body cannot run on the initial values (e.g. it indexes an empty input): use the declaration.
      }
    }
    for (size_t k = 0; k < scans_; ++k) declared_or_empty(body_.outputs[1 + carried_ + k], &(*dtypes)[k], &(*shapes)[k]);
  }

  Body body_;
  size_t carried_ = 0, scans_ = 0;
  Shape iter_shape_, cond_shape_;
};

// ---- Scan -------------------------------------------------------------------------------------

class ScanOp : public ControlFlowOp {
 public:
  ScanOp(const OpBuildContext& ctx) : ControlFlowOp(ctx), batched_(ctx.opset < 9) {
    const Node& n = ctx.node;
    if (!n.has("num_scan_inputs")) ctx.invalid("needs the attribute 'num_scan_inputs'");
    const int64_t m = n.get_int("num_scan_inputs", 0);
    const size_t first = batched_ ? 1 : 0;  // Scan 8: input 0 is sequence_lens
    if (m < 1 || size_t(m) + first > n.inputs.size())
      ctx.invalid("num_scan_inputs = ", m, " does not fit the node's ", n.inputs.size(), " inputs");
    scan_inputs_ = size_t(m);
    states_ = n.inputs.size() - first - scan_inputs_;
    for (size_t i = first; i < n.inputs.size(); ++i)
      if (!n.input_present(i)) ctx.invalid("input ", i, " is omitted: only sequence_lens (Scan 8) is optional");
    body_ = compile(ctx, "body");
    if (body_.inputs.size() != states_ + scan_inputs_)
      ctx.invalid("body has ", body_.inputs.size(), " inputs, expected ", states_ + scan_inputs_, " (", states_,
                  " state values and ", scan_inputs_, " scan inputs)");
    if (body_.outputs.size() < states_)
      ctx.invalid("body has ", body_.outputs.size(), " outputs, expected at least the ", states_, " state values");
    scan_outputs_ = body_.outputs.size() - states_;
    if (n.outputs.size() > states_ + scan_outputs_)
      ctx.invalid("has ", n.outputs.size(), " outputs, the body gives ", states_, " state values and ", scan_outputs_,
                  " scan outputs");
    auto list = [&](const char* name, size_t count, bool flags) {
      std::vector<int64_t> v = n.get_ints(name, std::vector<int64_t>(count, 0));
      if (v.size() != count) ctx.invalid("attribute '", name, "' has ", v.size(), " entries, expected ", count);
      if (flags)
        for (int64_t d : v)
          if (d != 0 && d != 1) ctx.invalid("attribute '", name, "' entries must be 0 or 1, got ", ints_str(v));
      return v;
    };
    if (batched_) {
      in_dirs_ = list("directions", scan_inputs_, true);
      in_axes_.assign(scan_inputs_, 0);
      out_axes_.assign(scan_outputs_, 0);
      out_dirs_.assign(scan_outputs_, 0);
    } else {
      if (n.has("directions")) ctx.invalid("attribute 'directions' is Scan 8's; opset ", ctx.opset, " has scan_input_directions");
      in_axes_ = list("scan_input_axes", scan_inputs_, false);
      in_dirs_ = list("scan_input_directions", scan_inputs_, true);
      out_axes_ = list("scan_output_axes", scan_outputs_, false);
      out_dirs_ = list("scan_output_directions", scan_outputs_, true);
      if (ctx.opset < 11)  // negative axes came with Scan 11
        for (const auto* v : {&in_axes_, &out_axes_})
          for (int64_t a : *v)
            if (a < 0) ctx.invalid("negative scan axes need opset 11, got ", ints_str(*v));
    }
  }

  void run(ExecContext& ctx) const override {
    for (size_t i = 0; i < declared_inputs_; ++i)
      if (ctx.input(i) && !ctx.input(i)->is_tensor())
        fail(ErrorCode::InvalidModel, desc_, ": input ", i, " is a ", value_kind_name(ctx.input(i)->kind),
             ": Scan takes tensors");
    if (!batched_) {
      std::vector<Tensor> states, inputs;
      for (size_t i = 0; i < states_; ++i) states.push_back(need(ctx, i, "initial_state"));
      for (size_t j = 0; j < scan_inputs_; ++j) inputs.push_back(need(ctx, states_ + j, "scan_input"));
      std::vector<size_t> axes = input_axes(inputs);
      const int64_t length = sequence_length(inputs, axes, "");
      std::vector<Stacker> outs = scan(ctx, states, inputs, axes, length);
      for (size_t i = 0; i < states_; ++i) set_output(ctx, i, length == 0 ? states[i].clone() : std::move(states[i]));
      std::vector<DType> dtypes(scan_outputs_);
      std::vector<Shape> shapes(scan_outputs_);
      if (length == 0) empty_scan_types(ctx, states, inputs, axes, &dtypes, &shapes);
      for (size_t k = 0; k < scan_outputs_; ++k) {
        DType dtype = length ? outs[k].parts[0].dtype : dtypes[k];
        Shape shape = length ? outs[k].parts[0].shape : shapes[k];
        int64_t axis = out_axes_[k], r = int64_t(shape.size()) + 1;
        if (axis < -r || axis >= r)
          fail(ErrorCode::InvalidModel, desc_, ": scan_output_axes[", k, "] = ", axis, " is out of range for rank ", r);
        if (axis < 0) axis += r;
        set_output(ctx, states_ + k, stack(outs[k].parts, dtype, shape, size_t(axis), out_dirs_[k] == 1, length));
      }
      return;
    }
    run_batched(ctx);
  }

 private:
  std::vector<size_t> input_axes(const std::vector<Tensor>& inputs) const {
    std::vector<size_t> axes;
    for (size_t j = 0; j < inputs.size(); ++j) {
      int64_t a = in_axes_[j], r = inputs[j].rank();
      if (a < -r || a >= r)
        fail(ErrorCode::InvalidInput, desc_, ": scan_input_axes[", j, "] = ", a, " is out of range for scan input ", j,
             " of shape ", shape_str(inputs[j].shape));
      axes.push_back(size_t(a < 0 ? a + r : a));
    }
    return axes;
  }

  int64_t sequence_length(const std::vector<Tensor>& inputs, const std::vector<size_t>& axes, const std::string& where) const {
    int64_t length = inputs[0].shape[axes[0]];
    for (size_t j = 1; j < inputs.size(); ++j)
      if (inputs[j].shape[axes[j]] != length)
        fail(ErrorCode::InvalidInput, desc_, ": scan inputs have different sequence lengths", where, ": ", length,
             " (input 0, ", shape_str(inputs[0].shape), ") and ", inputs[j].shape[axes[j]], " (input ", j, ", ",
             shape_str(inputs[j].shape), ")");
    return length;
  }

  // `length` iterations over slices of `inputs`; `states` are updated in place; returns the
  // per-iteration scan outputs in iteration order.
  std::vector<Stacker> scan(const ExecContext& ctx, std::vector<Tensor>& states, const std::vector<Tensor>& inputs,
                            const std::vector<size_t>& axes, int64_t length) const {
    std::vector<Stacker> outs(scan_outputs_);
    std::vector<Tensor> slices(scan_inputs_);
    for (int64_t t = 0; t < length; ++t) {
      for (size_t j = 0; j < scan_inputs_; ++j)
        slices[j] = take(inputs[j], axes[j], in_dirs_[j] == 1 ? length - 1 - t : t);
      std::vector<const Tensor*> feed;
      for (const Tensor& s : states) feed.push_back(&s);
      for (const Tensor& s : slices) feed.push_back(&s);
      std::vector<Tensor> r = run_body(body_, ctx, feed);
      for (size_t i = 0; i < states_; ++i) states[i] = std::move(r[i]);
      for (size_t k = 0; k < scan_outputs_; ++k) outs[k].add(desc_, "scan output", k, std::move(r[states_ + k]));
    }
    return outs;
  }

  // A length-0 scan: the scan outputs are empty. Their dtype and per-step shape come from the
  // body's declarations when complete, else from running the body once on zero-filled slices
  // (results discarded), else from the declarations.
  void empty_scan_types(const ExecContext& ctx, const std::vector<Tensor>& states, const std::vector<Tensor>& inputs,
                        const std::vector<size_t>& axes, std::vector<DType>* dtypes, std::vector<Shape>* shapes) const {
    bool declared = true;
    for (size_t k = 0; k < scan_outputs_; ++k) declared = declared && fully_declared(body_.outputs[states_ + k]);
    if (!declared) {
      try {
        std::vector<Tensor> slices;
        std::vector<const Tensor*> feed;
        for (const Tensor& t : states) feed.push_back(&t);
        for (size_t j = 0; j < scan_inputs_; ++j) {
          Shape sh = inputs[j].shape;
          sh.erase(sh.begin() + int64_t(axes[j]));
          slices.push_back(Tensor::allocate(inputs[j].dtype, sh));
        }
        for (const Tensor& t : slices) feed.push_back(&t);
        std::vector<Tensor> r = run_body(body_, ctx, feed);
        for (size_t k = 0; k < scan_outputs_; ++k) {
          (*dtypes)[k] = r[states_ + k].dtype;
          (*shapes)[k] = r[states_ + k].shape;
        }
        return;
      } catch (const Error&) {
        // The body cannot run on zeros: use the declarations.
      }
    }
    for (size_t k = 0; k < scan_outputs_; ++k) declared_or_empty(body_.outputs[states_ + k], &(*dtypes)[k], &(*shapes)[k]);
  }

  // Scan 8: inputs are [batch, ...] (states) and [batch, sequence, ...] (scan inputs); each batch
  // entry is scanned on its own, over sequence_lens[b] steps; scan outputs are padded with zeros
  // to the longest sequence.
  void run_batched(ExecContext& ctx) const {
    std::vector<Tensor> states, inputs;
    for (size_t i = 0; i < states_; ++i) states.push_back(need(ctx, 1 + i, "initial_state"));
    for (size_t j = 0; j < scan_inputs_; ++j) inputs.push_back(need(ctx, 1 + states_ + j, "scan_input"));
    auto batch_of = [&](const Tensor& t, size_t min_rank, const char* what, size_t idx) {
      if (size_t(t.rank()) < min_rank)
        fail(ErrorCode::InvalidInput, desc_, ": ", what, " ", idx, " has shape ", shape_str(t.shape), ", expected [batch",
             min_rank > 1 ? ", sequence" : "", ", ...]");
      return t.shape[0];
    };
    const int64_t batch = batch_of(inputs[0], 2, "scan input", 0);
    const int64_t max_length = inputs[0].shape[1];
    for (size_t j = 0; j < scan_inputs_; ++j)
      if (batch_of(inputs[j], 2, "scan input", j) != batch || inputs[j].shape[1] != max_length)
        fail(ErrorCode::InvalidInput, desc_, ": scan input ", j, " has shape ", shape_str(inputs[j].shape),
             ", scan input 0 ", shape_str(inputs[0].shape), ": batch and sequence sizes must agree");
    for (size_t i = 0; i < states_; ++i)
      if (batch_of(states[i], 1, "state", i) != batch)
        fail(ErrorCode::InvalidInput, desc_, ": state ", i, " has shape ", shape_str(states[i].shape), ", batch ", batch,
             " expected");
    std::vector<int64_t> lengths(size_t(batch), max_length);
    if (const Tensor* sl = ctx.input(0)) {
      if ((sl->dtype != DType::Int64 && sl->dtype != DType::Int32) || sl->shape != Shape{batch})
        fail(ErrorCode::InvalidInput, desc_, ": sequence_lens must be an int64 tensor of shape [", batch, "], got ",
             dtype_name(sl->dtype), " ", shape_str(sl->shape));
      lengths = sl->to_int64_vector();
      for (int64_t l : lengths)
        if (l < 0 || l > max_length)
          fail(ErrorCode::InvalidInput, desc_, ": sequence_lens ", ints_str(lengths), " must be within [0, ", max_length, "]");
    }
    std::vector<std::vector<Tensor>> final_states(states_);
    std::vector<std::vector<Tensor>> outputs(scan_outputs_);
    std::vector<DType> dtypes(scan_outputs_);
    std::vector<Shape> shapes(scan_outputs_);
    std::vector<bool> typed(scan_outputs_, false);
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<Tensor> s, x;
      for (const Tensor& t : states) s.push_back(take(t, 0, b));
      for (const Tensor& t : inputs) {
        Tensor row = take(t, 0, b);
        if (lengths[size_t(b)] < max_length) {  // only the first sequence_lens[b] steps
          Tensor cut = row;
          cut.shape[0] = lengths[size_t(b)];
          row = cut.clone();
        }
        x.push_back(std::move(row));
      }
      std::vector<Stacker> outs = scan(ctx, s, x, std::vector<size_t>(scan_inputs_, 0), lengths[size_t(b)]);
      for (size_t i = 0; i < states_; ++i) final_states[i].push_back(std::move(s[i]));
      for (size_t k = 0; k < scan_outputs_; ++k) {
        if (outs[k].parts.empty()) continue;
        if (typed[k] && (outs[k].parts[0].dtype != dtypes[k] || outs[k].parts[0].shape != shapes[k]))
          fail(ErrorCode::InvalidModel, desc_, ": scan output ", k, " changes shape between batch entries: ",
               shape_str(shapes[k]), " and ", shape_str(outs[k].parts[0].shape));
        dtypes[k] = outs[k].parts[0].dtype;
        shapes[k] = outs[k].parts[0].shape;
        typed[k] = true;
        outputs[k].push_back(stack(outs[k].parts, dtypes[k], shapes[k], 0, false, max_length));
      }
      for (size_t k = 0; k < scan_outputs_; ++k)
        if (outs[k].parts.empty()) outputs[k].emplace_back();  // filled below once the type is known
    }
    for (size_t i = 0; i < states_; ++i) {
      const Tensor* first = final_states[i].empty() ? nullptr : &final_states[i][0];
      for (const Tensor& t : final_states[i])
        if (t.dtype != first->dtype || t.shape != first->shape)
          fail(ErrorCode::InvalidModel, desc_, ": state ", i, " ends with different shapes across the batch: ",
               shape_str(first->shape), " and ", shape_str(t.shape));
      DType dt = first ? first->dtype : states[i].dtype;
      Shape sh = first ? first->shape : Shape(states[i].shape.begin() + 1, states[i].shape.end());
      set_output(ctx, i, stack(final_states[i], dt, sh, 0, false, batch));
    }
    for (size_t k = 0; k < scan_outputs_; ++k) {
      if (!typed[k]) declared_or_empty(body_.outputs[states_ + k], &dtypes[k], &shapes[k]);
      Shape per_batch = shapes[k];
      per_batch.insert(per_batch.begin(), max_length);
      for (Tensor& t : outputs[k])
        if (t.empty()) t = Tensor::allocate(dtypes[k], per_batch);  // a sequence of length 0: all padding
      set_output(ctx, states_ + k, stack(outputs[k], dtypes[k], per_batch, 0, false, batch));
    }
  }

  bool batched_;
  Body body_;
  size_t states_ = 0, scan_inputs_ = 0, scan_outputs_ = 0;
  std::vector<int64_t> in_axes_, in_dirs_, out_axes_, out_dirs_;
};

// ---- SequenceMap ------------------------------------------------------------------------------

// Runs the body once per element of input 0: its inputs are that element, then for each
// additional input the element at the same position (a sequence, of the same length) or the
// whole tensor. Each body output (a tensor) is collected into one output sequence.
class SequenceMapOp : public ControlFlowOp {
 public:
  explicit SequenceMapOp(const OpBuildContext& ctx) : ControlFlowOp(ctx) {
    const Node& n = ctx.node;
    if (n.num_inputs() < 1) ctx.invalid("needs the input 'input_sequence'");
    for (size_t i = 0; i < n.inputs.size(); ++i)
      if (!n.input_present(i)) ctx.invalid("input ", i, " is omitted");
    body_ = compile(ctx, "body");
    if (body_.inputs.size() != n.inputs.size())
      ctx.invalid("body has ", body_.inputs.size(), " inputs, the node ", n.inputs.size());
    if (body_.outputs.size() != n.outputs.size())
      ctx.invalid("body has ", body_.outputs.size(), " outputs, the node ", n.outputs.size());
  }

  void run(ExecContext& ctx) const override {
    const Tensor& seq = need(ctx, 0, "input_sequence");
    if (seq.kind != ValueKind::Sequence)
      fail(ErrorCode::InvalidModel, desc_, ": input 'input_sequence' must be a sequence, got a ", value_kind_name(seq.kind));
    const size_t length = seq.size();
    for (size_t i = 1; i < declared_inputs_; ++i) {
      const Tensor& t = need(ctx, i, "additional_inputs");
      if (t.kind == ValueKind::Optional)
        fail(ErrorCode::InvalidModel, desc_, ": input ", i, " is an optional: additional inputs are tensors or sequences");
      if (t.kind == ValueKind::Sequence && t.size() != length)
        fail(ErrorCode::InvalidInput, desc_, ": input ", i, " is a sequence of ", t.size(), " elements, input 0 has ",
             length);
    }
    std::vector<std::vector<Tensor>> parts(body_.outputs.size());
    std::vector<DType> dtypes(body_.outputs.size());
    for (size_t k = 0; k < dtypes.size(); ++k) dtypes[k] = body_.outputs[k].dtype;
    for (size_t e = 0; e < length; ++e) {
      std::vector<const Tensor*> inputs;
      for (size_t i = 0; i < declared_inputs_; ++i) {
        const Tensor* t = ctx.input(i);
        inputs.push_back(t->kind == ValueKind::Sequence ? &(*t->items)[e] : t);
      }
      std::vector<Tensor> outs = run_body(body_, ctx, inputs);
      for (size_t k = 0; k < outs.size(); ++k) {
        if (!outs[k].is_tensor())
          fail(ErrorCode::InvalidModel, desc_, ": body output ", k, " is a ", value_kind_name(outs[k].kind),
               ": each output collects tensors");
        if (e == 0) dtypes[k] = outs[k].dtype;
        else if (outs[k].dtype != dtypes[k])
          fail(ErrorCode::InvalidModel, desc_, ": body output ", k, " is ", dtype_name(outs[k].dtype), " for element ",
               e, " but ", dtype_name(dtypes[k]), " for element 0");
        parts[k].push_back(outs[k].owned());
      }
    }
    for (size_t k = 0; k < parts.size(); ++k) set_output(ctx, k, Tensor::sequence(dtypes[k], std::move(parts[k])));
  }

 private:
  Body body_;
};

}  // namespace

void register_control_flow_ops() {
  register_op("", "SequenceMap", 17, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<SequenceMapOp>(c); });
  register_op("", "If", 1, kTensorMaxOpset, [](const OpBuildContext& c) { return std::make_unique<IfOp>(c); });
  register_op("", "Loop", 1, kTensorMaxOpset, [](const OpBuildContext& c) { return std::make_unique<LoopOp>(c); });
  register_op("", "Scan", 8, kTensorMaxOpset, [](const OpBuildContext& c) { return std::make_unique<ScanOp>(c); });
}

}  // namespace li
