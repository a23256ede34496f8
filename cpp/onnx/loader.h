// The ONNX loader: ModelProto bytes -> the IR (graph/ir.h), read with our own wire reader
// (onnx/pb/wire.h). Every model is untrusted: reads are bounds-checked, counts are checked
// against the bytes present before anything is allocated, and external data cannot leave
// base_dir. Errors are li::Error(InvalidModel) naming the message, tensor or node; features
// we do not implement (sparse tensors, segments, function attribute refs) are UnsupportedOp.
// The loader does not check whether ops are supported: the session does.
//
// What the IR gets beyond a plain transcription:
// - Constant nodes (every opset's value_* form) become initializers of their graph;
// - main-graph inputs that are also initializers (IR < 4) are dropped from graph.inputs;
// - every graph's nodes are topologically sorted (stable), outer-scope reads included;
// - opset domain "ai.onnx" is stored as "".
#pragma once
#include <cstdint>
#include <string>

#include "core/error.h"  // li::Error, thrown by everything here
#include "graph/ir.h"

namespace li {

struct LoadOptions {
  std::string base_dir;            // folder for external data; empty = external data not allowed (error)
  int64_t max_nodes = 1'000'000;   // hostile-model limits
  int max_subgraph_depth = 32;
};

Model load_model(const uint8_t* data, size_t size, const LoadOptions& opts);
Model load_model_file(const std::string& path, LoadOptions opts = {}); // reads the file; base_dir defaults to its folder
// One TensorProto (e.g. the ONNX backend test suite's input_0.pb); name receives TensorProto.name.
Tensor parse_tensor_proto(const uint8_t* data, size_t size, const LoadOptions& opts, std::string* name = nullptr);

}  // namespace li
