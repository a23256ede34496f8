// Diagnostics for the benchmark: a model's arithmetic at given input shapes, and the machine's
// fp32 FMA peak. Neither is on the inference path; a Session keeps no extra state for them.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "graph/ir.h"

namespace li {

struct FlopsReport {
  // 2 x multiply-adds of the counted nodes: Conv, ConvTranspose, Gemm, MatMul, and the gate
  // products of LSTM, GRU and RNN (biases, activations and everything else are not counted).
  int64_t flops = 0;
  std::map<std::string, int64_t> by_op;  // op type -> its share of `flops`
  // Counted-type nodes whose shapes could not be determined (their FLOPs are missing).
  std::vector<std::string> unknown_nodes;
};

// Propagates shapes through the model as written in the file (before liteinfer's fusions),
// with the ops' own shape rules and plan-time folding of small values (Shape -> Gather ->
// Concat -> Reshape); where an op is unsupported or its shapes depend on data, the model's
// value_info is used instead. `input_shapes` gives the inputs' shapes; an input left out must
// have a fully static declared shape. Throws InvalidInput naming a missing or unknown input.
FlopsReport model_flops(const Model& model,
                        const std::vector<std::pair<std::string, Shape>>& input_shapes);

// The machine's fp32 FMA throughput in GFLOP/s: `threads` threads at once each run independent
// FMA chains of the GEMM's tier (kernels/x86 f32_fma_chains__avx512 on the AVX-512 tier, else
// the 8-lane f32_fma_chains__avx2_fma) in ~2 ms calls for about `budget_seconds`; the sum over
// threads of each one's best call. 0 when the CPU has no probe (no AVX2+FMA).
double fma_peak_gflops(int threads, double budget_seconds = 0.3);

}  // namespace li
