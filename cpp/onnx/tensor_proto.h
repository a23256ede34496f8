// TensorProto -> Tensor, shared by the model loader (initializers, attribute tensors) and
// parse_tensor_proto. Internal to cpp/onnx.
#pragma once
#include <string>

#include "core/tensor.h"
#include "onnx/loader.h"
#include "onnx/pb/wire.h"

namespace li {

// Reads one TensorProto message. `parent` names the enclosing message for errors (may be
// null); `name` (optional) receives TensorProto.name.
Tensor read_tensor_proto(pb::Bytes msg, const pb::Where* parent, const LoadOptions& opts,
                         std::string* name);

}  // namespace li
