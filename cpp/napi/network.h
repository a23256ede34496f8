// NativeNetwork: the JS object around a Session. The Session is held by shared_ptr so that a
// run in flight keeps it alive after dispose(); memory is freed when the last run finishes.
#pragma once
#include <napi.h>

#include <deque>
#include <memory>

#include "napi/run_thread.h"
#include "runtime/session.h"

namespace li::napi {

class NativeNetwork : public Napi::ObjectWrap<NativeNetwork> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit NativeNetwork(const Napi::CallbackInfo& info);  // new NativeNetwork(External<Holder>)
  ~NativeNetwork() override;

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
  Napi::Value clone(const Napi::CallbackInfo& info);
  Napi::Value set_profiling(const Napi::CallbackInfo& info);
  Napi::Value take_profile(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);

  Napi::Value cancel(const Napi::CallbackInfo& info);

 public:
  // Runs of one Network go to its RunThread one at a time (the Session serializes them anyway),
  // so queued runs wait here, where they can be cancelled before they start.
  class RunJob;
  void run_finished(Napi::Env env, RunJob* job);

 private:
  void start_next();
  void ensure_runner(Napi::Env env);
  void stop_runner(Napi::Env env);
  static void on_env_teardown(void* self);
  std::shared_ptr<Session> session_;
  std::deque<RunJob*> queue_;
  RunJob* active_ = nullptr;
  double next_run_id_ = 1;
  std::unique_ptr<RunThread> runner_;  // created by the first run
  Napi::ThreadSafeFunction done_;      // brings finished runs back to the JS thread
  bool torn_down_ = false;             // the environment's teardown stopped the runner
};

// load(source: string | Uint8Array, options) -> Promise<NativeNetwork>; loadSync likewise.
Napi::Value load(const Napi::CallbackInfo& info);
Napi::Value load_sync(const Napi::CallbackInfo& info);

}  // namespace li::napi
