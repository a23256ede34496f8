// Per-context addon data (context-aware: no mutable statics, so the addon is safe in
// worker_threads and in several Electron contexts at once).
#pragma once
#include <napi.h>

namespace li::napi {

struct AddonData {
  Napi::FunctionReference network_constructor;
};

AddonData& addon_data(Napi::Env env);

}  // namespace li::napi
