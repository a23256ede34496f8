// Session: a loaded model compiled for execution. Load: graph passes (constant folding, dead
// nodes, Conv+BatchNorm folding, activation fusion), one Op per node, weights pre-packed.
// Run: a plan per input-shape signature (shapes, plan-time folded shape arithmetic, a static
// memory arena by lifetime), cached; nodes whose shapes depend on data run dynamically.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "core/thread_pool.h"
#include "graph/ir.h"

namespace li {

struct SessionOptions {
  int threads = 0;                // 0: the machine's logical cores
  // 0: no ceiling. Else a run's arena, the outputs it allocates and what its dynamically shaped
  // steps allocate may not add up past it (OUT_OF_MEMORY, at planning where the shapes are
  // known: at load for fixed declared shapes), and load-time constant folding stays below it.
  int64_t max_memory_bytes = 0;
  ThreadPool* shared_pool = nullptr;  // run on this pool instead of owning one (subgraphs); threads is ignored
};

struct IoInfo {
  std::string name;
  DType dtype = DType::Undefined;
  bool has_shape = false;
  std::vector<Dim> dims;
  ValueKind kind = ValueKind::Tensor;       // a sequence or optional: dtype is its element's
  ValueKind elem_kind = ValueKind::Tensor;  // what an optional holds (a tensor or a sequence)
};

struct MemoryInfo {
  int64_t arena_bytes = 0;          // the planned arena of the last plan
  int64_t intermediate_bytes = 0;   // sum of that plan's arena tensors without sharing
  int64_t weights_bytes = 0;        // constants after folding and packing inputs
  int64_t plans_cached = 0;
};

struct ModelStats {
  std::map<std::string, int64_t> opsets;
  std::map<std::string, int64_t> op_counts;  // after optimization
  int64_t nodes_in_file = 0;
  int64_t nodes_after_optimization = 0;
  int64_t parameters = 0;                    // elements in the file's initializers
  std::string producer;
};

// One node's execution in a profiled run (Session::set_profiling).
struct ProfileEvent {
  int64_t run = 0;           // the profiled run it belongs to, from 1
  std::string node, op;      // node name and op type ("domain.Op" for non-ai.onnx ops)
  double start_us = 0;       // since the profile started
  double duration_us = 0;    // wall time
  double cpu_us = 0;         // the calling thread's CPU time (excludes time taken by other processes)
  std::vector<Shape> input_shapes;
};

struct NamedTensor {
  std::string name;
  Tensor tensor;
};

class Session {
 public:
  Session(Model model, const SessionOptions& options);
  ~Session();

  // A second session over the same compiled graph: the constants and packed weights (and the
  // op objects holding them) are shared, read-only; the clone has its own plans, arena and
  // thread pool (`threads` 0: as many as this one), so clones run concurrently.
  std::unique_ptr<Session> clone(int threads) const;

  const std::vector<IoInfo>& inputs() const { return inputs_; }
  const std::vector<IoInfo>& outputs() const { return outputs_; }
  ModelStats stats() const { return stats_; }
  MemoryInfo memory_info();
  int threads() const { return pool_.size(); }

  // Runs the model. output_names empty: every graph output. Returns owned tensors in the order
  // of output_names (or of the graph outputs). Thread-safe; runs on one Session are serialized.
  std::vector<Tensor> run(const std::vector<NamedTensor>& feeds,
                          const std::vector<std::string>& output_names);

  // Profiling: while on, every run records one event per node executed (from the next run).
  // take_profile() returns the events recorded since profiling started or was last taken.
  void set_profiling(bool on);
  std::vector<ProfileEvent> take_profile();

  // Plans a signature without running (inputs' dtypes and shapes) and returns its memory info.
  MemoryInfo plan_memory(const std::vector<NamedTensor>& feeds);

  struct Plan;
  struct Compiled;

 private:
  Session(const Session& from, int threads);
  void plan_declared_shapes();
  std::vector<const Tensor*> bind_feeds(const std::vector<NamedTensor>& feeds, std::vector<Tensor>* wrapped) const;
  ThreadPool& exec_pool();
  std::shared_ptr<const Plan> get_plan(const std::vector<const Tensor*>& feeds_by_input,
                                       const std::vector<int>& wanted_outputs);

  std::shared_ptr<Compiled> compiled_;  // written by the constructor only; shared with clones
  std::vector<IoInfo> inputs_, outputs_;
  ModelStats stats_;
  SessionOptions options_;
  std::unique_ptr<ThreadPool> own_pool_;  // null when options_.shared_pool is used
  ThreadPool& pool_;
  std::mutex run_mutex_;
  std::map<std::string, std::shared_ptr<const Plan>> plans_;
  std::shared_ptr<const Plan> last_plan_;
  std::shared_ptr<void> arena_;
  int64_t arena_capacity_ = 0;
  bool print_profile_ = false;   // LITEINFER_PROFILE=1: every node's time to stderr
  bool record_profile_ = false;  // set_profiling(true)
  std::vector<ProfileEvent> profile_events_;
  std::chrono::steady_clock::time_point profile_epoch_;
  int64_t profiled_runs_ = 0;
};

}  // namespace li
