// JS <-> engine conversions and the one place where engine exceptions become JS errors.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "runtime/session.h"

namespace li::napi {

// A JS Error with `code` (INVALID_INPUT, ...) and the engine's message.
Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message);

// Runs fn, turning li::Error, std::bad_alloc and any std::exception into a thrown JS error.
template <class Fn>
Napi::Value guard(Napi::Env env, Fn&& fn) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const Error& e) {
    throw make_error(env, error_code_name(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    throw make_error(env, "OUT_OF_MEMORY", "out of memory");
  } catch (const std::exception& e) {
    throw make_error(env, "INTERNAL", e.what());
  }
}

// Reads [{ name, dtype, shape, data }] into owned tensors (the data is copied, so the caller
// may reuse its arrays as soon as run() returns a promise).
std::vector<NamedTensor> read_feeds(Napi::Env env, Napi::Value feeds);
std::vector<std::string> read_strings(Napi::Env env, Napi::Value list, const char* what);
// { name, dtype, shape, data } with data in a JS-allocated typed array (never an external
// buffer: Electron's memory cage forbids those).
Napi::Object tensor_to_js(Napi::Env env, const std::string& name, const Tensor& t);
Napi::Array io_info_to_js(Napi::Env env, const std::vector<IoInfo>& ios);

}  // namespace li::napi
