// One exception type for the whole engine. Loader, graph and runtime throw li::Error with a
// code and a message naming what is wrong; napi/ is the one place that catches it and turns it
// into a JS Error with a stable `code`. Kernels never throw.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace li {

enum class ErrorCode {
  InvalidModel,     // the model file is malformed or inconsistent
  UnsupportedOp,    // an op, attribute or dtype the runtime does not implement
  InvalidArgument,  // a bad option or call
  InvalidInput,     // feeds that do not match the model
  OutOfMemory,      // an allocation beyond the limits
  Disposed,         // use after dispose()
  Internal,         // a bug in liteinfer
};

const char* error_code_name(ErrorCode c);  // "INVALID_MODEL", ...

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& msg) : std::runtime_error(msg), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Concatenates anything streamable into one string: cat("node ", name, " has ", n, " inputs").
template <class... Args>
std::string cat(Args&&... args) {
  std::ostringstream s;
  (s << ... << std::forward<Args>(args));
  return s.str();
}

template <class... Args>
[[noreturn]] void fail(ErrorCode code, Args&&... args) {
  throw Error(code, cat(std::forward<Args>(args)...));
}

}  // namespace li

// Check a condition about the model; on failure throw InvalidModel with the given message parts.
#define LI_CHECK_MODEL(cond, ...) \
  do { if (!(cond)) ::li::fail(::li::ErrorCode::InvalidModel, __VA_ARGS__); } while (0)
