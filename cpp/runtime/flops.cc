#include "runtime/flops.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/error.h"
#include "core/thread_pool.h"
#include "cpu/features.h"
#include "kernels/gemm_blocked.h"
#include "ops/op.h"

namespace li {

namespace {

// Small values are computed while propagating shapes, as the session's planner does, so shape
// arithmetic (Shape -> Gather -> Concat -> Reshape) resolves.
constexpr int64_t kFoldMaxElements = 4096;

struct Value {
  bool known = false;
  TensorInfo info;
  Tensor data;  // a folded value (info.value points here or at an initializer)
};

// Ops whose weights the factory would pre-pack: built without constant inputs, since only
// their shape rules are needed here.
bool packs_weights(const Node& n) {
  static const std::set<std::string> kPacking = {"Conv", "ConvTranspose", "Gemm", "MatMul"};
  return n.domain.empty() && kPacking.count(n.op_type);
}

bool uses_subgraph(const Node& n) {
  for (const auto& [k, a] : n.attrs)
    if (a.g || !a.graphs.empty()) return true;
  return false;
}

bool counted(const Node& n) {
  static const std::set<std::string> kCounted = {"Conv", "ConvTranspose", "Gemm", "MatMul",
                                                 "LSTM", "GRU", "RNN"};
  return n.domain.empty() && kCounted.count(n.op_type);
}

// Multiply-adds of one counted node, or -1 when a needed shape is unknown.
int64_t node_macs(const Node& n, const std::vector<const Value*>& in, const std::vector<const Value*>& out) {
  auto shape_in = [&](size_t i) -> const Shape* {
    return i < in.size() && in[i] && in[i]->known ? &in[i]->info.shape : nullptr;
  };
  auto shape_out = [&](size_t i) -> const Shape* {
    return i < out.size() && out[i] && out[i]->known ? &out[i]->info.shape : nullptr;
  };
  const std::string& op = n.op_type;
  if (op == "Conv") {
    // Y [N, M, out...] from W [M, C/group, k...]: each output element takes (C/group) * prod(k).
    const Shape *w = shape_in(1), *y = shape_out(0);
    if (!w || !y || w->empty() || (*w)[0] <= 0) return -1;
    return shape_numel(*y) * (shape_numel(*w) / (*w)[0]);
  }
  if (op == "ConvTranspose") {
    // Each input element of X [N, C, in...] scatters into (M/group) * prod(k) outputs; W [C, M/group, k...].
    const Shape *x = shape_in(0), *w = shape_in(1);
    if (!x || !w || w->empty() || (*w)[0] <= 0) return -1;
    return shape_numel(*x) * (shape_numel(*w) / (*w)[0]);
  }
  if (op == "Gemm") {
    const Shape *a = shape_in(0), *y = shape_out(0);
    if (!a || !y || a->size() != 2) return -1;
    const int64_t k = n.get_int("transA", 0) ? (*a)[0] : (*a)[1];
    return shape_numel(*y) * k;
  }
  if (op == "MatMul") {
    const Shape *a = shape_in(0), *y = shape_out(0);
    if (!a || !y || a->empty()) return -1;
    return shape_numel(*y) * a->back();
  }
  // LSTM/GRU/RNN: per time step and batch row, X_t W^T and H_{t-1} R^T over every direction:
  // W [dirs, gates*H, I], R [dirs, gates*H, H]; X [seq, batch, I] (layout 1: [batch, seq, I]).
  const Shape *x = shape_in(0), *w = shape_in(1), *r = shape_in(2);
  if (!x || !w || !r || x->size() != 3) return -1;
  return (*x)[0] * (*x)[1] * (shape_numel(*w) + shape_numel(*r));
}

// Declared value shapes (value_info, then graph outputs) whose dims are all numbers.
std::map<std::string, TensorInfo> declared_shapes(const Graph& g) {
  std::map<std::string, TensorInfo> m;
  for (const auto* list : {&g.value_info, &g.outputs}) {
    for (const ValueInfo& v : *list) {
      if (!v.has_shape || m.count(v.name)) continue;
      TensorInfo t{v.dtype, {}, nullptr};
      bool ok = true;
      for (const Dim& d : v.dims) {
        ok = ok && d.known();
        t.shape.push_back(d.value);
      }
      if (ok) m.emplace(v.name, std::move(t));
    }
  }
  return m;
}

}  // namespace

FlopsReport model_flops(const Model& model,
                        const std::vector<std::pair<std::string, Shape>>& input_shapes) {
  const Graph& g = model.graph;
  std::map<std::string, Value> values;
  for (const auto& [name, t] : g.initializers) {
    Value& v = values[name];
    v.known = true;
    v.info = {t.dtype, t.shape, &t};
  }
  for (const auto& [name, shape] : input_shapes) {
    bool found = false;
    for (const ValueInfo& in : g.inputs) found = found || in.name == name;
    if (!found) {
      std::string names;
      for (const ValueInfo& in : g.inputs) names += (names.empty() ? "'" : ", '") + in.name + "'";
      fail(ErrorCode::InvalidInput, "unknown input '", name, "'; the model's inputs are ",
           names.empty() ? "none" : names);
    }
    for (int64_t d : shape)
      if (d < 0) fail(ErrorCode::InvalidInput, "input '", name, "': negative dim in ", shape_str(shape));
  }
  for (const ValueInfo& in : g.inputs) {
    if (g.initializers.count(in.name)) continue;
    Value& v = values[in.name];
    v.info.dtype = in.dtype == DType::Undefined ? DType::Float32 : in.dtype;
    auto given = std::find_if(input_shapes.begin(), input_shapes.end(),
                              [&](const auto& p) { return p.first == in.name; });
    if (given != input_shapes.end()) {
      v.info.shape = given->second;
      bool ok = !in.has_shape || in.dims.size() == v.info.shape.size();
      for (size_t d = 0; ok && in.has_shape && d < in.dims.size(); ++d)
        ok = !in.dims[d].known() || in.dims[d].value == v.info.shape[d];
      if (!ok) fail(ErrorCode::InvalidInput, "input '", in.name, "': the model declares another shape than ",
                    shape_str(v.info.shape));
    } else {
      bool ok = in.has_shape;
      for (const Dim& d : in.dims) {
        ok = ok && d.known();
        v.info.shape.push_back(d.value);
      }
      if (!ok) fail(ErrorCode::InvalidInput, "input '", in.name, "' has symbolic dims: give its shape");
    }
    shape_numel(v.info.shape);  // rejects overflowing shapes
    v.known = true;
  }

  const std::map<std::string, TensorInfo> declared = declared_shapes(g);
  ThreadPool pool(1);
  FlopsReport report;
  for (const Node& n : g.nodes) {
    std::vector<const TensorInfo*> ins;
    std::vector<const Value*> in_values;
    bool inputs_known = true, values_known = true;
    for (const std::string& name : n.inputs) {
      auto it = name.empty() ? values.end() : values.find(name);
      const Value* v = it == values.end() || !it->second.known ? nullptr : &it->second;
      if (!name.empty() && !v) inputs_known = false;
      if (v && !v->info.value) values_known = false;
      in_values.push_back(v);
      ins.push_back(v ? &v->info : nullptr);
    }

    // Output shapes (and small values) from the op's own rules when it is supported.
    std::vector<TensorInfo> outs(n.outputs.size());
    std::vector<Tensor> folded;
    bool inferred = false;
    const OpFactory* factory = find_op(n.domain, n.op_type, model.opset(n.domain));
    if (factory && inputs_known) {
      try {
        OpBuildContext b{n, model.opset(n.domain), {}};
        for (const TensorInfo* t : ins) b.const_inputs.push_back(packs_weights(n) || !t ? nullptr : t->value);
        std::unique_ptr<Op> op = (*factory)(b);
        InferContext ictx{n, ins, std::vector<TensorInfo>(n.outputs.size()), 0};
        if (op->infer(ictx)) {
          inferred = true;
          outs = ictx.outputs;
          int64_t elems = 0;
          for (const TensorInfo& o : outs) elems += shape_numel(o.shape);
          // Shape and Size read only their input's shape: a data-less stand-in will do.
          const bool shape_only = n.domain.empty() && (n.op_type == "Shape" || n.op_type == "Size");
          if ((values_known || shape_only) && elems <= kFoldMaxElements && !counted(n) && !uses_subgraph(n)) {
            std::vector<Tensor> stand_ins;
            stand_ins.reserve(ins.size());
            std::vector<const Tensor*> vals;
            for (const TensorInfo* t : ins) {
              if (t && !t->value) {
                stand_ins.push_back(Tensor::view(t->dtype, t->shape, nullptr));
                vals.push_back(&stand_ins.back());
              } else {
                vals.push_back(t ? t->value : nullptr);
              }
            }
            for (const TensorInfo& o : outs) folded.push_back(Tensor::allocate(o.dtype, o.shape));
            ExecContext ectx{vals, {}, pool, nullptr};
            std::shared_ptr<void> scratch = aligned_alloc_shared(ictx.scratch_bytes);
            ectx.scratch = scratch.get();
            for (Tensor& t : folded) ectx.outputs.push_back(&t);
            op->run(ectx);
          }
        }
      } catch (const std::exception&) {  // a variant the op rejects: fall back to value_info
        inferred = false;
        folded.clear();
      }
    }
    for (size_t j = 0; j < n.outputs.size(); ++j) {
      if (n.outputs[j].empty()) continue;
      Value& v = values[n.outputs[j]];
      if (inferred) {
        v.known = true;
        v.info = outs[j];
        v.info.value = nullptr;
        if (j < folded.size()) {
          v.data = std::move(folded[j]);
          v.info.value = &v.data;
        }
      } else {
        auto d = declared.find(n.outputs[j]);
        v.known = d != declared.end();
        if (v.known) v.info = d->second;
      }
    }

    if (!counted(n)) continue;
    std::vector<const Value*> out_values;
    for (const std::string& name : n.outputs) {
      auto it = name.empty() ? values.end() : values.find(name);
      out_values.push_back(it == values.end() || !it->second.known ? nullptr : &it->second);
    }
    int64_t macs = node_macs(n, in_values, out_values);
    if (macs < 0) {
      report.unknown_nodes.push_back(n.describe());
      continue;
    }
    report.flops += 2 * macs;
    report.by_op[n.op_type] += 2 * macs;
  }
  return report;
}

double fma_peak_gflops(int threads, double budget_seconds) {
#if defined(LITEINFER_HAVE_AVX2)
  const CpuFeatures& f = cpu_features();
  if (!f.avx2 || !f.fma || threads < 1) return 0;
  // The probe of the widest FMA the GEMM uses: the ceiling a model's GFLOP/s compares with.
  const bool wide = cpu_tier() == CpuTier::Avx512;
  float (*const probe)(int64_t) = wide ? gemm::f32_fma_chains__avx512 : gemm::f32_fma_chains__avx2_fma;
  const double flop_per_iter = wide ? 384.0 : 192.0;
  // Every thread runs ~2 ms calls (at 3 GHz) over the same interval and keeps its own best:
  // short calls mostly run without being preempted, so on a busy machine each thread's best
  // still shows its core's rate, where the best wall time of all threads at once would need
  // every thread unpreempted in the same 2 ms (with 2 threads under load it read the same as 1).
  const int64_t iters = 1 << 20;
  ThreadPool pool(threads);
  std::vector<double> best(size_t(threads), std::numeric_limits<double>::max());
  std::vector<float> sink(size_t(threads), 0.f);
  pool.parallel_for(threads, 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      sink[size_t(t)] += probe(iters / 4);  // warm-up: AVX units, clocks
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < 2000; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        sink[size_t(t)] += probe(iters);
        const auto t1 = std::chrono::steady_clock::now();
        best[size_t(t)] = std::min(best[size_t(t)], std::chrono::duration<double>(t1 - t0).count());
        if (i >= 4 && std::chrono::duration<double>(t1 - start).count() >= budget_seconds) break;
      }
    }
  });
  volatile float keep = sink[0];
  (void)keep;
  double gflops = 0;
  for (double s : best) gflops += flop_per_iter * double(iters) / s * 1e-9;
  return gflops;
#else
  (void)threads;
  (void)budget_seconds;
  return 0;
#endif
}

}  // namespace li
