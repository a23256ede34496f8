// The ONNX loader: ModelProto bytes -> the IR (graph/ir.h), with our own wire reader. Every
// model is untrusted: reads are bounds-checked, sizes are checked before allocating, and
// external data cannot escape the model's folder.
#pragma once
#include <cstdint>
#include <string>

#include "graph/ir.h"

namespace li {

struct LoadOptions {
  std::string base_dir;           // folder for external data; empty = external data is refused
  int64_t max_nodes = 1'000'000;  // over all graphs and subgraphs
  int max_subgraph_depth = 32;
};

Model load_model(const uint8_t* data, size_t size, const LoadOptions& opts);
// Reads the file; external data is read relative to its folder unless opts.base_dir is set.
Model load_model_file(const std::string& path, LoadOptions opts = {});
// One TensorProto (e.g. the ONNX test suite's input_0.pb); `name` receives its name.
Tensor parse_tensor_proto(const uint8_t* data, size_t size, const LoadOptions& opts,
                          std::string* name = nullptr);

}  // namespace li
