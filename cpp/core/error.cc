#include "core/error.h"

namespace li {

const char* error_code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::InvalidModel: return "INVALID_MODEL";
    case ErrorCode::UnsupportedOp: return "UNSUPPORTED_OP";
    case ErrorCode::InvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::InvalidInput: return "INVALID_INPUT";
    case ErrorCode::OutOfMemory: return "OUT_OF_MEMORY";
    case ErrorCode::Disposed: return "DISPOSED";
    case ErrorCode::Internal: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace li
