#include "runtime/session.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "core/error.h"
#include "graph/passes/passes.h"
#include "ops/fused.h"
#include "ops/op.h"
#include "runtime/memory_planner.h"
#include "runtime/subgraph.h"

namespace li {

namespace {

// Plan-time folding computes small values whose inputs are all known (shape arithmetic:
// Shape -> Gather -> Concat -> Reshape). Larger tensors are left to run time.
constexpr int64_t kPlanFoldMaxElements = 4096;
// Load-time folding of constant subgraphs (e.g. a Transpose of a weight) stops at this size.
constexpr int64_t kLoadFoldMaxBytes = int64_t(256) << 20;
constexpr size_t kMaxCachedPlans = 32;

// Random generators must not be frozen into constants, at load or at plan time.
bool is_random_op(const Node& n) {
  static const std::set<std::string> kRandom = {"RandomNormal", "RandomUniform",
      "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"};
  return n.domain.empty() && kRandom.count(n.op_type) != 0;
}

int64_t align64(int64_t n) { return (n + 63) / 64 * 64; }

// A value's bytes, 64-aligned, saturating at kSatBytes: a hostile shape's byte count may not fit
// in int64 (found by the fuzzer), and sums of these stay far from overflowing.
constexpr int64_t kSatBytes = int64_t(1) << 48;  // 256 TiB
int64_t sat_bytes(const Shape& shape, DType dt) {
  const int64_t n = shape_numel(shape);
  const int64_t es = int64_t(std::max<size_t>(dtype_size(dt), 1));
  return n > kSatBytes / es ? kSatBytes : align64(n * es);
}
int64_t sat_add(int64_t a, int64_t b) { return b > kSatBytes - a ? kSatBytes : a + b; }

}  // namespace

struct Step {
  Node node;
  std::unique_ptr<Op> op;
  std::vector<int> in, out;  // value ids, -1 for omitted
};

struct Session::Compiled {
  std::vector<std::string> names;
  std::map<std::string, int> ids;
  std::vector<Tensor> constants;   // by value id; empty() when not a constant
  std::vector<int> input_ids, output_ids;
  std::vector<Step> steps;
  int64_t weights_bytes = 0;

  int id_of(const std::string& name) {
    auto it = ids.find(name);
    if (it != ids.end()) return it->second;
    int id = int(names.size());
    names.push_back(name);
    ids[name] = id;
    constants.emplace_back();
    return id;
  }
};

struct StepPlan {
  int step = 0;
  bool dynamic = false;       // shapes known only at run time: infer + heap allocation then
  bool alias = false;         // a view op whose output shares its input's storage
  int64_t scratch_offset = -1;
  size_t scratch_bytes = 0;
};

struct Session::Plan {
  std::vector<TensorInfo> info;     // per value; meaningful where known[v]
  std::vector<char> known;
  std::vector<Tensor> folded;       // values computed while planning
  std::vector<int64_t> offset;      // arena offset, -1 if not in the arena
  std::vector<StepPlan> steps;
  std::vector<int> outputs;
  int64_t arena_bytes = 0;
  int64_t intermediate_bytes = 0;
  int64_t outside_bytes = 0;        // static values allocated outside the arena (graph outputs)
};

namespace {

// Runs one op on fully known inputs (load- and plan-time folding). Returns no tensors, without
// computing anything, when the outputs would take more than max_output_bytes.
std::vector<Tensor> evaluate(const Step& s, const std::vector<const Tensor*>& inputs,
                             ThreadPool& pool, int64_t max_output_bytes = INT64_MAX) {
  std::vector<TensorInfo> infos(inputs.size());
  InferContext ictx{s.node, {}, std::vector<TensorInfo>(s.out.size()), 0};
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i]) { ictx.inputs.push_back(nullptr); continue; }
    infos[i] = TensorInfo{inputs[i]->dtype, inputs[i]->shape, inputs[i]};
    ictx.inputs.push_back(&infos[i]);
  }
  if (!s.op->infer(ictx)) {
    if (s.op->outputs_from_run()) return {};  // sequence-making ops: left to run time
    fail(ErrorCode::Internal, s.node.describe(), ": shape inference failed with all inputs known");
  }
  int64_t out_bytes = 0;
  for (auto& o : ictx.outputs) out_bytes = sat_add(out_bytes, sat_bytes(o.shape, o.dtype));
  if (out_bytes > max_output_bytes) return {};
  std::vector<Tensor> outs;
  for (auto& o : ictx.outputs) outs.push_back(Tensor::allocate(o.dtype, o.shape));
  std::shared_ptr<void> scratch = aligned_alloc_shared(ictx.scratch_bytes);
  ExecContext ectx{inputs, {}, pool, scratch.get()};
  for (auto& t : outs) ectx.outputs.push_back(&t);
  s.op->run(ectx);
  return outs;
}

std::string node_label(const Node& n, int64_t opset) {
  return cat(n.op_type, " (node '", n.name, "', opset ", opset, ")");
}

}  // namespace

Session::Session(Model model, const SessionOptions& options)
    : compiled_(std::make_shared<Compiled>()), options_(options),
      own_pool_(options.shared_pool ? nullptr
                                    : new ThreadPool(options.threads > 0 ? options.threads
                                                                         : ThreadPool::hardware_threads())),
      pool_(options.shared_pool ? *options.shared_pool : *own_pool_) {
  Graph& g = model.graph;
  stats_.opsets = model.opsets;
  stats_.nodes_in_file = int64_t(g.nodes.size());
  stats_.producer = model.producer_name + (model.producer_version.empty() ? "" : " " + model.producer_version);
  for (auto& [name, t] : g.initializers) stats_.parameters += t.numel();
  model.opsets[kFusedDomain] = 1;

  for (const ValueInfo& v : g.inputs) inputs_.push_back({v.name, v.dtype, v.has_shape, v.dims, v.kind, v.elem_kind});
  for (const ValueInfo& v : g.outputs) outputs_.push_back({v.name, v.dtype, v.has_shape, v.dims, v.kind, v.elem_kind});
  if (g.outputs.empty()) fail(ErrorCode::InvalidModel, "the model's graph has no outputs");

  // Every op must be supported before anything else happens: one error listing them all.
  std::vector<std::string> unsupported;
  std::set<std::string> seen;
  for (const Node& n : g.nodes) {
    int64_t opset = model.opset(n.domain);
    if (!find_op(n.domain, n.op_type, opset)) {
      std::string key = n.domain + "/" + n.op_type;
      if (seen.insert(key).second)
        unsupported.push_back(cat(n.domain.empty() ? "" : n.domain + ".", node_label(n, opset)));
    }
  }
  if (!unsupported.empty()) {
    std::string list;
    for (size_t i = 0; i < unsupported.size(); ++i) list += (i ? ", " : "") + unsupported[i];
    fail(ErrorCode::UnsupportedOp, "unsupported op", unsupported.size() > 1 ? "s" : "", ": ", list);
  }

  // Graph passes. Constant folding first so fusion sees constant Clip bounds.
  // Subgraphs of If, Loop and Scan compile into nested sessions on this session's pool.
  const SubgraphCompiler compile_subgraph = make_subgraph_compiler(model.opsets, pool_, &g.initializers,
                                                                     options_.max_memory_bytes);
  auto build_op = [&](const Node& n, const std::map<std::string, Tensor>& consts) {
    int64_t opset = model.opset(n.domain);
    const OpFactory* f = find_op(n.domain, n.op_type, opset);
    if (!f) fail(ErrorCode::UnsupportedOp, "unsupported op ", node_label(n, opset));
    OpBuildContext bctx{n, opset, {}, compile_subgraph};
    for (const std::string& in : n.inputs) {
      auto it = in.empty() ? consts.end() : consts.find(in);
      bctx.const_inputs.push_back(it == consts.end() ? nullptr : &it->second);
    }
    return (*f)(bctx);
  };

  // Load-time constant folding: nodes whose inputs are all constants run once, now.
  // The folded values together may take kLoadFoldMaxBytes beyond the file's own initializers
  // (and no more than maxMemoryBytes): a tiny model of many ConstantOfShape/Expand nodes must
  // not build gigabytes of constants; what is not folded runs, under the ceiling, at run time.
  {
    ThreadPool& pool = pool_;
    std::vector<Node> kept;
    int64_t fold_budget = kLoadFoldMaxBytes;
    for (auto& [name, t] : g.initializers) fold_budget += int64_t(t.nbytes());
    if (options_.max_memory_bytes > 0) fold_budget = std::min(fold_budget, options_.max_memory_bytes);
    auto uses_subgraph = [](const Node& n) {
      for (auto& [k, a] : n.attrs)
        if (a.g || !a.graphs.empty()) return true;
      return false;
    };
    for (Node& n : g.nodes) {
      bool all_const = !n.inputs.empty() && !uses_subgraph(n);
      for (const std::string& in : n.inputs)
        if (!in.empty() && !g.initializers.count(in)) all_const = false;
      if (is_random_op(n)) all_const = false;
      if (all_const) {
        Step s{n, build_op(n, g.initializers), {}, {}};
        s.out.resize(n.outputs.size());
        std::vector<const Tensor*> ins;
        int64_t in_bytes = 0;
        for (const std::string& in : n.inputs) {
          ins.push_back(in.empty() ? nullptr : &g.initializers[in]);
          if (!in.empty()) in_bytes += int64_t(g.initializers[in].nbytes());
        }
        if (in_bytes <= kLoadFoldMaxBytes) {
          std::vector<Tensor> outs = evaluate(s, ins, pool, std::min(kLoadFoldMaxBytes, fold_budget));
          if (!outs.empty()) {
            for (size_t i = 0; i < outs.size() && i < n.outputs.size(); ++i) {
              fold_budget -= int64_t(outs[i].is_tensor() ? outs[i].nbytes() : 0);
              if (!n.outputs[i].empty()) g.initializers[n.outputs[i]] = std::move(outs[i]);
            }
            continue;
          }
        }
      }
      kept.push_back(std::move(n));
    }
    g.nodes = std::move(kept);
  }
  fold_batchnorm_into_conv(g);
  fuse_gelu(g);
  fuse_silu(g);
  fuse_matmul_bias(g);
  fuse_activations(g);
  remove_dead_nodes(g);

  // Values and steps.
  Compiled& c = *compiled_;
  for (auto& [name, t] : g.initializers) {
    int id = c.id_of(name);
    c.constants[size_t(id)] = t;
    c.weights_bytes += int64_t(t.nbytes());
  }
  for (const ValueInfo& v : g.inputs) c.input_ids.push_back(c.id_of(v.name));
  for (Node& n : g.nodes) {
    Step s;
    s.op = build_op(n, g.initializers);
    for (const std::string& in : n.inputs) s.in.push_back(in.empty() ? -1 : c.id_of(in));
    for (const std::string& out : n.outputs) s.out.push_back(out.empty() ? -1 : c.id_of(out));
    for (const std::string& in : s.op->implicit_inputs()) s.in.push_back(c.id_of(in));  // outer-scope reads
    ++stats_.op_counts[n.domain.empty() ? n.op_type : n.domain + "." + n.op_type];
    s.node = std::move(n);
    c.steps.push_back(std::move(s));
  }
  for (const ValueInfo& v : g.outputs) {
    auto it = c.ids.find(v.name);
    if (it == c.ids.end())
      fail(ErrorCode::InvalidModel, "graph output '", v.name, "' is produced by no node");
    c.output_ids.push_back(it->second);
  }
  stats_.nodes_after_optimization = int64_t(c.steps.size());
  // LITEINFER_PROFILE=1 prints every node's run time to stderr (a debugging aid).
  const char* prof = std::getenv("LITEINFER_PROFILE");
  print_profile_ = prof && *prof && *prof != '0';
  plan_declared_shapes();
}

void Session::plan_declared_shapes() {
  // When every input declares a fixed shape, the plan for it is made now, so the work it does
  // once (folding shape arithmetic, packing constant weights for the kernels chosen) happens at
  // load rather than in the first run. Other shapes are planned when they are first fed.
  std::vector<Tensor> stand_ins;
  for (const IoInfo& io : inputs_) {
    if (!io.has_shape || io.dtype == DType::Undefined || io.dtype == DType::String ||
        io.kind != ValueKind::Tensor)
      return;
    Shape shape;
    for (const Dim& d : io.dims) {
      if (!d.known()) return;
      shape.push_back(d.value);
    }
    stand_ins.push_back(Tensor::view(io.dtype, shape, nullptr));  // planning reads no input data
  }
  // (A model without inputs has one plan: it is made now too.)
  if (stand_ins.size() != compiled_->input_ids.size()) return;
  std::vector<const Tensor*> feeds;
  for (const Tensor& t : stand_ins) feeds.push_back(&t);
  try {
    last_plan_ = get_plan(feeds, compiled_->output_ids);
  } catch (const Error& e) {
    // Every run has these shapes, so a plan past the memory ceiling (or past the tensor size
    // limit) fails the load: a model declaring absurd sizes is refused before any large
    // allocation. Other failures (shapes the graph rejects) fail again, with their error, when
    // the inputs are fed.
    if (e.code() == ErrorCode::OutOfMemory) throw;
  }
}

Session::~Session() = default;

Session::Session(const Session& from, int threads)
    : compiled_(from.compiled_), inputs_(from.inputs_), outputs_(from.outputs_), stats_(from.stats_),
      options_(from.options_),
      own_pool_(new ThreadPool(threads > 0 ? threads : from.pool_.size())), pool_(*own_pool_),
      print_profile_(from.print_profile_) {
  options_.shared_pool = nullptr;
  options_.threads = pool_.size();
  plan_declared_shapes();  // the ops packed their weights for this plan already: cheap
}

std::unique_ptr<Session> Session::clone(int threads) const {
  if (options_.shared_pool) fail(ErrorCode::Internal, "a subgraph session cannot be cloned");
  return std::unique_ptr<Session>(new Session(*this, threads));
}

namespace {
// The pool of the Session::run executing on this thread. A subgraph session (created with a
// shared pool) runs on its caller's pool, so clones sharing one If/Loop body each use their own.
thread_local ThreadPool* t_caller_pool = nullptr;
}  // namespace

ThreadPool& Session::exec_pool() {
  return options_.shared_pool && t_caller_pool ? *t_caller_pool : pool_;
}

std::shared_ptr<const Session::Plan> Session::get_plan(
    const std::vector<const Tensor*>& feeds, const std::vector<int>& wanted) {
  const Compiled& c = *compiled_;
  std::string key;
  for (const Tensor* t : feeds)
    key += !t ? std::string("-;")
              : t->is_tensor() ? cat(int(t->dtype), shape_str(t->shape), ";")
                               : cat(value_kind_name(t->kind), int(t->dtype), ";");
  key += "->";
  for (int o : wanted) key += cat(o, ",");
  auto hit = plans_.find(key);
  if (hit != plans_.end()) return hit->second;

  auto plan = std::make_shared<Plan>();
  size_t nv = c.names.size();
  plan->info.resize(nv);
  plan->known.assign(nv, 0);
  plan->folded.resize(nv);
  plan->offset.assign(nv, -1);
  plan->outputs = wanted;
  for (size_t v = 0; v < nv; ++v) {
    if (!c.constants[v].empty()) {
      plan->info[v] = {c.constants[v].dtype, c.constants[v].shape, &c.constants[v]};
      plan->known[v] = 1;
    }
  }
  for (size_t i = 0; i < c.input_ids.size(); ++i) {
    // A sequence or optional feed stays unknown to the plan: the steps reading it run dynamically.
    if (!feeds[i] || !feeds[i]->is_tensor()) continue;
    int v = c.input_ids[i];
    plan->info[size_t(v)] = {feeds[i]->dtype, feeds[i]->shape, nullptr};
    plan->known[size_t(v)] = 1;
  }

  // Only the steps the wanted outputs depend on.
  std::vector<char> needed_value(nv, 0), needed_step(c.steps.size(), 0);
  for (int o : wanted) needed_value[size_t(o)] = 1;
  for (size_t k = c.steps.size(); k-- > 0;) {
    const Step& s = c.steps[k];
    bool need = false;
    for (int o : s.out)
      if (o >= 0 && needed_value[size_t(o)]) need = true;
    if (!need) continue;
    needed_step[k] = 1;
    for (int i : s.in)
      if (i >= 0) needed_value[size_t(i)] = 1;
  }
  std::set<int> output_set(wanted.begin(), wanted.end());

  // Shapes, plan-time folding, and which steps must run dynamically.
  for (size_t k = 0; k < c.steps.size(); ++k) {
    if (!needed_step[k]) continue;
    const Step& s = c.steps[k];
    bool inputs_known = true, values_known = true;
    for (int i : s.in) {
      if (i < 0) continue;
      if (!plan->known[size_t(i)]) inputs_known = false;
      else if (!plan->info[size_t(i)].value) values_known = false;
    }
    if (is_random_op(s.node)) values_known = false;  // also those without inputs
    StepPlan sp;
    sp.step = int(k);
    if (!inputs_known) {
      sp.dynamic = true;
      plan->steps.push_back(sp);
      continue;
    }
    std::vector<const TensorInfo*> ins;
    for (int i : s.in) ins.push_back(i < 0 ? nullptr : &plan->info[size_t(i)]);
    InferContext ictx{s.node, ins, std::vector<TensorInfo>(s.out.size()), 0};
    if (!s.op->infer(ictx)) {
      sp.dynamic = true;
      plan->steps.push_back(sp);
      continue;
    }
    int64_t out_elems = 0;
    for (auto& o : ictx.outputs) out_elems += shape_numel(o.shape);
    // Shape and Size read only their input's shape, which the plan knows: fold them too, so
    // the shape arithmetic after them (Gather, Concat, Reshape...) folds as well.
    bool shape_only = s.node.domain.empty() && (s.node.op_type == "Shape" || s.node.op_type == "Size");
    std::vector<Tensor> shape_stand_ins;
    if (shape_only && !values_known) {
      for (int i : s.in)
        if (i >= 0 && !plan->info[size_t(i)].value)
          shape_stand_ins.push_back(Tensor::view(plan->info[size_t(i)].dtype, plan->info[size_t(i)].shape, nullptr));
    }
    if ((values_known || shape_only) && out_elems <= kPlanFoldMaxElements) {
      std::vector<const Tensor*> vals;
      size_t stand_in = 0;
      for (int i : s.in) {
        const Tensor* v = i < 0 ? nullptr : plan->info[size_t(i)].value;
        if (i >= 0 && !v) v = &shape_stand_ins[stand_in++];
        vals.push_back(v);
      }
      std::vector<Tensor> outs = evaluate(s, vals, exec_pool());
      for (size_t j = 0; j < s.out.size(); ++j) {
        int o = s.out[j];
        if (o < 0) continue;
        plan->folded[size_t(o)] = std::move(outs[j]);
        plan->info[size_t(o)] = {plan->folded[size_t(o)].dtype, plan->folded[size_t(o)].shape,
                                 &plan->folded[size_t(o)]};
        plan->known[size_t(o)] = 1;
      }
      continue;
    }
    for (size_t j = 0; j < s.out.size(); ++j) {
      int o = s.out[j];
      if (o < 0) continue;
      plan->info[size_t(o)] = {ictx.outputs[j].dtype, ictx.outputs[j].shape, nullptr};
      plan->known[size_t(o)] = 1;
    }
    sp.scratch_bytes = ictx.scratch_bytes;
    // A view (Reshape, Squeeze...) shares its input's storage unless its output leaves the
    // graph (outputs are handed to the caller and must own their memory).
    sp.alias = s.op->is_view() && !s.out.empty() && s.out[0] >= 0 && !output_set.count(s.out[0]);
    plan->steps.push_back(sp);
  }

  // Memory plan over the static steps: arena values are outputs of static steps that are not
  // graph outputs; a view extends the lifetime of the storage it aliases.
  // An elementwise op whose input's storage is read by no later step writes its output over
  // it (Op::inplace_input): the two values then share one arena block, as a view does.
  std::vector<int> root(nv);
  for (size_t v = 0; v < nv; ++v) root[v] = int(v);
  std::vector<int> first(nv, -1), last(nv, -1);
  std::vector<char> in_arena(nv, 0), in_place(nv, 0);
  std::vector<int> last_reader(nv, -1);  // the last step reading each value
  for (size_t p = 0; p < plan->steps.size(); ++p)
    for (int i : c.steps[size_t(plan->steps[p].step)].in)
      if (i >= 0) last_reader[size_t(i)] = int(p);
  std::vector<int> root_last_reader = last_reader;  // per storage root, over its values
  auto bytes_of = [&](int v) {
    return shape_numel(plan->info[size_t(v)].shape) * int64_t(dtype_size(plan->info[size_t(v)].dtype));
  };
  auto share = [&](int v, int r) {
    root[size_t(v)] = r;
    root_last_reader[size_t(r)] = std::max(root_last_reader[size_t(r)], last_reader[size_t(v)]);
  };
  for (size_t p = 0; p < plan->steps.size(); ++p) {
    const StepPlan& sp = plan->steps[p];
    const Step& s = c.steps[size_t(sp.step)];
    for (int i : s.in)
      if (i >= 0) last[size_t(root[size_t(i)])] = int(p);
    if (sp.alias && s.in[0] >= 0) {
      share(s.out[0], root[size_t(s.in[0])]);
      continue;
    }
    if (sp.dynamic) continue;
    for (size_t j = 0; j < s.out.size(); ++j) {
      const int o = s.out[j];
      if (o < 0 || output_set.count(o)) continue;
      const int src = s.op->inplace_input(int(j));
      if (src >= 0 && size_t(src) < s.in.size() && s.in[size_t(src)] >= 0) {
        const int in = s.in[size_t(src)], r = root[size_t(in)];
        if (in_arena[size_t(r)] && root_last_reader[size_t(r)] <= int(p) &&
            plan->info[size_t(in)].dtype != DType::String && bytes_of(in) == bytes_of(o) &&
            bytes_of(r) == bytes_of(o)) {
          share(o, r);
          in_place[size_t(o)] = 1;
          continue;
        }
      }
      in_arena[size_t(o)] = 1;
      first[size_t(o)] = int(p);
      if (last[size_t(o)] < int(p)) last[size_t(o)] = int(p);
    }
  }
  std::vector<ArenaRequest> requests;
  for (size_t v = 0; v < nv; ++v) {
    if (!in_arena[v]) continue;
    int64_t bytes = sat_bytes(plan->info[v].shape, plan->info[v].dtype);
    if (plan->info[v].dtype == DType::String) { in_arena[v] = 0; continue; }
    requests.push_back({int(v), bytes, first[v], last[v]});
  }
  for (size_t p = 0; p < plan->steps.size(); ++p)
    if (plan->steps[p].scratch_bytes)
      requests.push_back({-1 - int(p), align64(int64_t(plan->steps[p].scratch_bytes)), int(p), int(p)});
  ArenaPlan ap = plan_arena(requests);
  for (size_t r = 0; r < requests.size(); ++r) {
    int id = requests[r].id;
    if (id >= 0) plan->offset[size_t(id)] = ap.offsets[r];
    else plan->steps[size_t(-1 - id)].scratch_offset = ap.offsets[r];
  }
  for (size_t v = 0; v < nv; ++v)
    if (in_place[v]) plan->offset[v] = plan->offset[size_t(root[v])];
  plan->arena_bytes = ap.total_bytes;
  plan->intermediate_bytes = ap.unshared_bytes;
  // What run() allocates beside the arena for the static steps: outputs that leave the graph
  // (and strings). Counted against the ceiling too, so a tiny model cannot ask for a huge
  // output (ConstantOfShape of a constant shape) under maxMemoryBytes.
  for (const StepPlan& sp : plan->steps) {
    if (sp.dynamic || sp.alias) continue;
    for (int o : c.steps[size_t(sp.step)].out)
      if (o >= 0 && plan->offset[size_t(o)] < 0 && plan->known[size_t(o)] && plan->folded[size_t(o)].empty()) {
        plan->outside_bytes = sat_add(plan->outside_bytes, sat_bytes(plan->info[size_t(o)].shape, plan->info[size_t(o)].dtype));
      }
  }
  const int64_t ceiling = options_.max_memory_bytes;
  if (ceiling > 0 && (plan->arena_bytes > ceiling || plan->outside_bytes > ceiling - plan->arena_bytes))
    fail(ErrorCode::OutOfMemory, "the plan for inputs ", key, " needs ", sat_add(std::min(kSatBytes, plan->arena_bytes), plan->outside_bytes),
         " bytes (an arena of ", plan->arena_bytes, " bytes and ", plan->outside_bytes,
         " bytes of outputs), above maxMemoryBytes ", ceiling);

  if (plans_.size() >= kMaxCachedPlans) plans_.clear();
  plans_[key] = plan;
  return plan;
}

namespace {

void check_feed(const IoInfo& io, const Tensor& t) {
  if (io.kind != ValueKind::Tensor || !t.is_tensor()) {
    // An optional input also takes its element's kind (as If/Loop bodies are fed).
    bool ok = t.kind == io.kind || (io.kind == ValueKind::Optional && t.kind == io.elem_kind);
    if (!ok && io.dtype != DType::Undefined)
      fail(ErrorCode::InvalidInput, "input '", io.name, "': expected a ", value_kind_name(io.kind), ", got a ",
           value_kind_name(t.kind));
    if (io.dtype != DType::Undefined && t.dtype != DType::Undefined && t.dtype != io.dtype)
      fail(ErrorCode::InvalidInput, "input '", io.name, "': expected elements of dtype ", dtype_name(io.dtype),
           ", got ", dtype_name(t.dtype));
    return;
  }
  if (io.dtype != DType::Undefined && t.dtype != io.dtype)
    fail(ErrorCode::InvalidInput, "input '", io.name, "': expected dtype ", dtype_name(io.dtype),
         ", got ", dtype_name(t.dtype));
  if (!io.has_shape) return;
  bool ok = io.dims.size() == t.shape.size();
  for (size_t d = 0; ok && d < io.dims.size(); ++d)
    if (io.dims[d].known() && io.dims[d].value != t.shape[d]) ok = false;
  if (!ok) {
    std::string want = "[";
    for (size_t d = 0; d < io.dims.size(); ++d) {
      if (d) want += ",";
      want += io.dims[d].known() ? std::to_string(io.dims[d].value)
                                 : (io.dims[d].symbol.empty() ? "?" : io.dims[d].symbol);
    }
    want += "]";
    fail(ErrorCode::InvalidInput, "input '", io.name, "': expected shape ", want, ", got ",
         shape_str(t.shape));
  }
}

}  // namespace

// Matches feeds to inputs by name and checks each against its input (kind, dtype, shape);
// every input must be fed once. `wrapped` keeps values fed to optional inputs, wrapped as
// present optionals (reserved up front: by_input points into it).
std::vector<const Tensor*> Session::bind_feeds(const std::vector<NamedTensor>& feeds,
                                               std::vector<Tensor>* wrapped) const {
  std::vector<const Tensor*> by_input(compiled_->input_ids.size(), nullptr);
  wrapped->reserve(feeds.size());
  for (const NamedTensor& f : feeds) {
    size_t i = 0;
    while (i < inputs_.size() && inputs_[i].name != f.name) ++i;
    if (i == inputs_.size()) {
      std::string names;
      for (auto& io : inputs_) names += (names.empty() ? "'" : ", '") + io.name + "'";
      fail(ErrorCode::InvalidInput, "unknown input '", f.name, "'; the model's inputs are ",
           names.empty() ? "none" : names);
    }
    if (by_input[i]) fail(ErrorCode::InvalidInput, "input '", f.name, "' is given twice");
    check_feed(inputs_[i], f.tensor);
    by_input[i] = &f.tensor;
    if (inputs_[i].kind == ValueKind::Optional && f.tensor.kind != ValueKind::Optional) {
      wrapped->push_back(Tensor::optional(f.tensor.dtype, &f.tensor));
      by_input[i] = &wrapped->back();
    }
  }
  for (size_t i = 0; i < by_input.size(); ++i)
    if (!by_input[i]) fail(ErrorCode::InvalidInput, "missing input '", inputs_[i].name, "'");
  return by_input;
}

std::vector<Tensor> Session::run(const std::vector<NamedTensor>& feeds,
                                 const std::vector<std::string>& output_names) {
  const Compiled& c = *compiled_;
  std::vector<Tensor> wrapped;
  std::vector<const Tensor*> by_input = bind_feeds(feeds, &wrapped);

  std::vector<int> wanted;
  if (output_names.empty()) {
    wanted = c.output_ids;
  } else {
    for (const std::string& name : output_names) {
      size_t o = 0;
      while (o < outputs_.size() && outputs_[o].name != name) ++o;
      if (o == outputs_.size()) {
        std::string names;
        for (auto& io : outputs_) names += (names.empty() ? "'" : ", '") + io.name + "'";
        fail(ErrorCode::InvalidArgument, "unknown output '", name, "'; the model's outputs are ",
             names);
      }
      wanted.push_back(c.output_ids[o]);
    }
  }

  std::lock_guard<std::mutex> lock(run_mutex_);
  ThreadPool& pool = exec_pool();
  struct CallerPool {  // subgraph sessions this run reaches use `pool`
    ThreadPool* saved = t_caller_pool;
    explicit CallerPool(ThreadPool* p) { t_caller_pool = p; }
    ~CallerPool() { t_caller_pool = saved; }
  } caller_pool(&pool);
  std::shared_ptr<const Plan> plan = get_plan(by_input, wanted);
  last_plan_ = plan;
  if (record_profile_) ++profiled_runs_;
  if (plan->arena_bytes > arena_capacity_) {
    arena_ = aligned_alloc_shared(size_t(plan->arena_bytes));
    arena_capacity_ = plan->arena_bytes;
  }
  char* arena = static_cast<char*>(arena_.get());
  // Dynamic steps allocate as they go: under a ceiling, their outputs and scratch add up
  // (never freed in this count, so it bounds the run's peak from above).
  const int64_t ceiling = options_.max_memory_bytes;
  int64_t run_bytes = plan->arena_bytes + plan->outside_bytes;

  size_t nv = c.names.size();
  std::vector<Tensor> vals(nv);
  for (size_t v = 0; v < nv; ++v) {
    if (!c.constants[v].empty()) vals[v] = c.constants[v];
    else if (!plan->folded[v].empty()) vals[v] = plan->folded[v];
  }
  for (size_t i = 0; i < c.input_ids.size(); ++i) vals[size_t(c.input_ids[i])] = *by_input[i];

  for (const StepPlan& sp : plan->steps) {
    const Step& s = c.steps[size_t(sp.step)];
    std::vector<const Tensor*> ins;
    for (int i : s.in) ins.push_back(i < 0 ? nullptr : &vals[size_t(i)]);
    std::shared_ptr<void> heap_scratch;
    void* scratch = nullptr;
    if (sp.dynamic) {
      std::vector<TensorInfo> infos(ins.size());
      InferContext ictx{s.node, {}, std::vector<TensorInfo>(s.out.size()), 0};
      for (size_t i = 0; i < ins.size(); ++i) {
        if (!ins[i]) { ictx.inputs.push_back(nullptr); continue; }
        if (!ins[i]->is_tensor() && !s.op->takes_any_value())
          fail(ErrorCode::InvalidModel, s.node.describe(), ": input ", i, " ('", i < s.node.inputs.size() ? s.node.inputs[i] : "", "') is a ",
               value_kind_name(ins[i]->kind), ", the op takes tensors");
        infos[i] = TensorInfo{ins[i]->dtype, ins[i]->shape, ins[i]};
        ictx.inputs.push_back(&infos[i]);
      }
      bool inferred = s.op->infer(ictx);
      if (!inferred && !s.op->outputs_from_run())  // control flow: run() assigns its outputs
        fail(ErrorCode::Internal, s.node.describe(), ": shape inference failed at run time");
      if (ceiling > 0) {
        int64_t step_bytes = align64(int64_t(ictx.scratch_bytes));
        for (size_t j = 0; inferred && j < s.out.size(); ++j)
          if (s.out[j] >= 0)
            step_bytes += align64(shape_numel(ictx.outputs[j].shape) *
                                  int64_t(std::max<size_t>(dtype_size(ictx.outputs[j].dtype), 1)));
        if (step_bytes > ceiling - run_bytes)
          fail(ErrorCode::OutOfMemory, s.node.describe(), ": its outputs (", ictx.outputs.empty() ? std::string("-") : shape_str(ictx.outputs[0].shape),
               "...) take ", step_bytes, " bytes; with the ", run_bytes, " bytes this run holds already that is above maxMemoryBytes ", ceiling);
        run_bytes += step_bytes;
      }
      for (size_t j = 0; inferred && j < s.out.size(); ++j)
        if (s.out[j] >= 0)
          vals[size_t(s.out[j])] = Tensor::allocate(ictx.outputs[j].dtype, ictx.outputs[j].shape);
      heap_scratch = aligned_alloc_shared(ictx.scratch_bytes);
      scratch = heap_scratch.get();
    } else {
      if (sp.alias) {
        int o = s.out[0];
        const Tensor& src = vals[size_t(s.in[0])];
        Tensor v = src;  // shares data and owner
        v.shape = plan->info[size_t(o)].shape;
        vals[size_t(o)] = std::move(v);
        continue;
      }
      for (int o : s.out) {
        if (o < 0) continue;
        const TensorInfo& ti = plan->info[size_t(o)];
        if (plan->offset[size_t(o)] >= 0)
          vals[size_t(o)] = Tensor::view(ti.dtype, ti.shape, arena + plan->offset[size_t(o)]);
        else  // every op writes all of its outputs (arena memory is not zeroed either)
          vals[size_t(o)] = Tensor::allocate_uninitialized(ti.dtype, ti.shape);
      }
      if (sp.scratch_offset >= 0) scratch = arena + sp.scratch_offset;
    }
    ExecContext ectx{ins, {}, pool, scratch};
    for (int o : s.out) ectx.outputs.push_back(o < 0 ? nullptr : &vals[size_t(o)]);
    if (!print_profile_ && !record_profile_) {
      s.op->run(ectx);
      continue;
    }
    // Wall time, and this thread's CPU time (which excludes time other processes took from
    // it: comparable across runs on a busy machine when threads is 1).
    auto cpu_us = [] {
      timespec t;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      return double(t.tv_sec) * 1e6 + double(t.tv_nsec) / 1e3;
    };
    const double c0 = cpu_us();
    auto t0 = std::chrono::steady_clock::now();
    s.op->run(ectx);
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_us() - c0;
    // Bounded, so profiling left on cannot grow without limit (about 100 MB at the cap).
    constexpr size_t kMaxProfileEvents = size_t(1) << 20;
    if (record_profile_ && profile_events_.size() < kMaxProfileEvents) {
      ProfileEvent e;
      e.run = profiled_runs_;
      e.node = s.node.name;
      e.op = s.node.domain.empty() ? s.node.op_type : s.node.domain + "." + s.node.op_type;
      e.start_us = std::chrono::duration<double, std::micro>(t0 - profile_epoch_).count();
      e.duration_us = us;
      e.cpu_us = cpu;
      for (const Tensor* in : ins) e.input_shapes.push_back(in ? in->shape : Shape{});
      profile_events_.push_back(std::move(e));
    }
    if (print_profile_) {
      std::string shapes;
      for (const Tensor* in : ins) if (in) shapes += shape_str(in->shape);
      std::fprintf(stderr, "[liteinfer profile] %9.1f us  %9.1f cpu-us  %-24s %s %s\n", us, cpu,
                   s.node.op_type.c_str(), s.node.name.c_str(), shapes.c_str());
    }
  }

  std::vector<Tensor> result;
  for (int o : wanted) {
    Tensor& t = vals[size_t(o)];
    if (!t.is_tensor()) {  // its elements own their data and are never written: shared
      result.push_back(t);
      continue;
    }
    // Outputs are owned heap tensors unless they are a constant, a feed or a folded value
    // (which must not be shared with the caller).
    bool fresh = t.owner && t.owner.use_count() == 1;
    bool shared = !c.constants[size_t(o)].empty() || !plan->folded[size_t(o)].empty();
    for (int in : c.input_ids) shared = shared || in == o;
    result.push_back(fresh && !shared ? std::move(t) : t.clone());
  }
  return result;
}

MemoryInfo Session::memory_info() {
  std::lock_guard<std::mutex> lock(run_mutex_);
  MemoryInfo m;
  m.weights_bytes = compiled_->weights_bytes;
  m.plans_cached = int64_t(plans_.size());
  if (last_plan_) {
    m.arena_bytes = last_plan_->arena_bytes;
    m.intermediate_bytes = last_plan_->intermediate_bytes;
  }
  return m;
}

void Session::set_profiling(bool on) {
  std::lock_guard<std::mutex> lock(run_mutex_);
  if (on && !record_profile_) {
    profile_events_.clear();
    profiled_runs_ = 0;
    profile_epoch_ = std::chrono::steady_clock::now();
  }
  record_profile_ = on;
}

std::vector<ProfileEvent> Session::take_profile() {
  std::lock_guard<std::mutex> lock(run_mutex_);
  std::vector<ProfileEvent> events;
  events.swap(profile_events_);
  return events;
}

MemoryInfo Session::plan_memory(const std::vector<NamedTensor>& feeds) {
  const Compiled& c = *compiled_;
  // Checked as run() checks them: a plan for feeds the model rejects would fail (or, for a
  // wrong dtype, succeed) with a misleading error.
  std::vector<Tensor> wrapped;
  std::vector<const Tensor*> by_input = bind_feeds(feeds, &wrapped);
  std::lock_guard<std::mutex> lock(run_mutex_);
  auto plan = get_plan(by_input, c.output_ids);
  last_plan_ = plan;
  MemoryInfo m;
  m.weights_bytes = c.weights_bytes;
  m.plans_cached = int64_t(plans_.size());
  m.arena_bytes = plan->arena_bytes;
  m.intermediate_bytes = plan->intermediate_bytes;
  return m;
}

}  // namespace li
