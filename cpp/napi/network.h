// NativeNetwork: the JS object around a Session. The Session is held by shared_ptr so that a
// run in flight keeps it alive after dispose(); memory is freed when the last run finishes.
#pragma once
#include <napi.h>

#include <deque>
#include <memory>

#include "runtime/session.h"

namespace li::napi {

class NativeNetwork : public Napi::ObjectWrap<NativeNetwork> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit NativeNetwork(const Napi::CallbackInfo& info);  // new NativeNetwork(External<Holder>)

  struct Holder { std::shared_ptr<Session> session; };

 private:
  std::shared_ptr<Session> session(Napi::Env env) const;
  Napi::Value inputs(const Napi::CallbackInfo& info);
  Napi::Value outputs(const Napi::CallbackInfo& info);
  Napi::Value run(const Napi::CallbackInfo& info);
  Napi::Value run_sync(const Napi::CallbackInfo& info);
  Napi::Value memory_info(const Napi::CallbackInfo& info);
  Napi::Value plan_memory(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value threads(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);

  Napi::Value cancel(const Napi::CallbackInfo& info);

 public:
  // Runs of one Network go to libuv one at a time (the Session serializes them anyway), so
  // queued runs never block a libuv thread and can be cancelled before they start.
  class RunWorker;
  void run_finished();

 private:
  void start_next();
  std::shared_ptr<Session> session_;
  std::deque<RunWorker*> queue_;
  RunWorker* active_ = nullptr;
  double next_run_id_ = 1;
};

// load(source: string | Uint8Array, options) -> Promise<NativeNetwork>; loadSync likewise.
Napi::Value load(const Napi::CallbackInfo& info);
Napi::Value load_sync(const Napi::CallbackInfo& info);

}  // namespace li::napi
