#include "napi/network.h"

#include <chrono>
#include <cstring>

#include "napi/addon.h"
#include "napi/convert.h"
#include "onnx/loader.h"

namespace li::napi {

namespace {

// Work done off the JS thread reports failures as (code, message) and the JS side turns them
// into an Error in OnError.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env)
      : Napi::AsyncWorker(env, "liteinfer"), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      work();
    } catch (const Error& e) {
      code_ = error_code_name(e.code());
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = "OUT_OF_MEMORY";
      SetError("out of memory");
    } catch (const std::exception& e) {
      code_ = "INTERNAL";
      SetError(e.what());
    }
  }
  void OnError(const Napi::Error& e) override {
    Napi::HandleScope scope(Env());
    deferred_.Reject(make_error(Env(), code_, e.Message()).Value());
  }
  virtual void work() = 0;
  Napi::Promise::Deferred deferred_;
  std::string code_ = "INTERNAL";
};

struct LoadRequest {
  std::string path;
  std::vector<uint8_t> bytes;
  bool from_path = false;
  LoadOptions load;
  SessionOptions session;
};

LoadRequest read_load_request(const Napi::CallbackInfo& info) {
  LoadRequest r;
  Napi::Value src = info[0];
  if (src.IsString()) {
    r.from_path = true;
    r.path = src.As<Napi::String>().Utf8Value();
  } else if (src.IsTypedArray() || src.IsArrayBuffer()) {
    const uint8_t* p;
    size_t n;
    if (src.IsArrayBuffer()) {
      Napi::ArrayBuffer ab = src.As<Napi::ArrayBuffer>();
      p = static_cast<const uint8_t*>(ab.Data());
      n = ab.ByteLength();
    } else {
      Napi::TypedArray ta = src.As<Napi::TypedArray>();
      p = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
      n = ta.ByteLength();
    }
    r.bytes.assign(p, p + n);  // copied: the caller may reuse its buffer
  } else {
    fail(ErrorCode::InvalidArgument, "model must be a path (string) or the model's bytes (Uint8Array)");
  }
  if (info.Length() > 1 && info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    if (o.Has("threads") && o.Get("threads").IsNumber())
      r.session.threads = o.Get("threads").As<Napi::Number>().Int32Value();
    if (o.Has("maxMemoryBytes") && o.Get("maxMemoryBytes").IsNumber())
      r.session.max_memory_bytes = o.Get("maxMemoryBytes").As<Napi::Number>().Int64Value();
    if (o.Has("baseDir") && o.Get("baseDir").IsString())
      r.load.base_dir = o.Get("baseDir").As<Napi::String>().Utf8Value();
  }
  return r;
}

std::shared_ptr<Session> build_session(LoadRequest& r) {
  Model model = r.from_path ? load_model_file(r.path, r.load)
                            : load_model(r.bytes.data(), r.bytes.size(), r.load);
  std::vector<uint8_t>().swap(r.bytes);
  return std::make_shared<Session>(std::move(model), r.session);
}

Napi::Object wrap_session(Napi::Env env, std::shared_ptr<Session> s) {
  NativeNetwork::Holder holder{std::move(s)};
  Napi::External<NativeNetwork::Holder> ext = Napi::External<NativeNetwork::Holder>::New(env, &holder);
  return addon_data(env).network_constructor.New({ext});
}

class LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, LoadRequest r) : PromiseWorker(env), request_(std::move(r)) {}
  void work() override { session_ = build_session(request_); }
  void OnOK() override {
    Napi::HandleScope scope(Env());
    deferred_.Resolve(wrap_session(Env(), std::move(session_)));
  }

 private:
  LoadRequest request_;
  std::shared_ptr<Session> session_;
};

Napi::Object memory_to_js(Napi::Env env, const MemoryInfo& m) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("arenaBytes", Napi::Number::New(env, double(m.arena_bytes)));
  o.Set("intermediateBytes", Napi::Number::New(env, double(m.intermediate_bytes)));
  o.Set("weightsBytes", Napi::Number::New(env, double(m.weights_bytes)));
  o.Set("plansCached", Napi::Number::New(env, double(m.plans_cached)));
  return o;
}

}  // namespace

// One asynchronous run: created on the JS thread, executed on the Network's RunThread, settled
// back on the JS thread through the Network's thread-safe function.
class NativeNetwork::RunJob {
 public:
  RunJob(Napi::Env env, NativeNetwork* owner, std::shared_ptr<Session> s,
         std::vector<NamedTensor> feeds, std::vector<std::string> outputs, double id)
      : deferred_(Napi::Promise::Deferred::New(env)), owner_(owner),
        owner_ref_(Napi::Persistent(owner->Value())), session_(std::move(s)),
        feeds_(std::move(feeds)), names_(std::move(outputs)), id_(id) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  double id() const { return id_; }
  NativeNetwork* owner() const { return owner_; }

  // On the RunThread: the run itself; failures are kept as (code, message) for settle().
  void execute() {
    try {
      const auto t0 = std::chrono::steady_clock::now();
      results_ = session_->run(feeds_, names_);
      run_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    } catch (const Error& e) {
      code_ = error_code_name(e.code());
      message_ = e.what();
    } catch (const std::bad_alloc&) {
      code_ = "OUT_OF_MEMORY";
      message_ = "out of memory";
    } catch (const std::exception& e) {
      code_ = "INTERNAL";
      message_ = e.what();
    }
    feeds_.clear();
  }

  // On the JS thread: resolves with the outputs or rejects with the error.
  void settle(Napi::Env env) {
    Napi::HandleScope scope(env);
    if (code_) {
      deferred_.Reject(make_error(env, code_, message_).Value());
    } else {
      try {
        Napi::Array a = Napi::Array::New(env, results_.size());
        for (size_t i = 0; i < results_.size(); ++i) {
          std::string name = names_.empty() ? session_->outputs()[i].name : names_[i];
          a.Set(uint32_t(i), tensor_to_js(env, name, results_[i]));
        }
        // The run's own time (without the hops between threads): lib/network.ts decides from it
        // whether the next run at these shapes runs inline.
        a.Set("runMs", Napi::Number::New(env, run_ms_));
        deferred_.Resolve(a);
      } catch (const Napi::Error& e) {
        deferred_.Reject(e.Value());
      }
    }
    results_.clear();
    session_.reset();
  }

  // On the JS thread: a run that never started (cancelled, or its Network disposed).
  void reject(Napi::Env env, const char* code, const std::string& message) {
    Napi::HandleScope scope(env);
    deferred_.Reject(make_error(env, code, message).Value());
  }

  // The environment is being torn down (a worker terminated mid-run): nothing can be settled
  // and JS handles must not be touched (they go with the environment); frees the rest.
  void abandon() {
    owner_ref_.SuppressDestruct();
    delete this;
  }

 private:
  Napi::Promise::Deferred deferred_;
  NativeNetwork* owner_;
  Napi::ObjectReference owner_ref_;  // keeps the owner alive while the run is pending
  std::shared_ptr<Session> session_;
  std::vector<NamedTensor> feeds_;
  std::vector<std::string> names_;
  std::vector<Tensor> results_;
  double run_ms_ = 0;            // execute()'s session run, wall time
  const char* code_ = nullptr;  // set when the run failed
  std::string message_;
  double id_;
};

void NativeNetwork::ensure_runner(Napi::Env env) {
  if (runner_) return;
  done_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                        "liteinfer run", 0, 1);
  done_.Unref(env);  // only pending runs keep the event loop alive (Ref in start_next)
  // Registered after the thread-safe function, so it runs before that is torn down with the
  // environment: the RunThread stops (finishing a run in hand) while it can still report.
  napi_add_env_cleanup_hook(env, &NativeNetwork::on_env_teardown, this);
  runner_ = std::make_unique<RunThread>();
}

void NativeNetwork::on_env_teardown(void* self) {
  // The environment is going away (a worker terminated): finish the run in hand, then free
  // every run, which can no longer be settled (the thread-safe function drops pending calls
  // without calling back).
  auto* n = static_cast<NativeNetwork*>(self);
  n->runner_.reset();
  n->torn_down_ = true;
  if (n->active_) n->active_->abandon();
  n->active_ = nullptr;
  for (RunJob* job : n->queue_) job->abandon();
  n->queue_.clear();
}

void NativeNetwork::stop_runner(Napi::Env env) {
  if (!runner_ || torn_down_) return;
  runner_.reset();
  done_.Release();
  napi_remove_env_cleanup_hook(env, &NativeNetwork::on_env_teardown, this);
}

NativeNetwork::~NativeNetwork() {
  // Runs still queued here means the environment is going away (a pending run keeps its
  // Network alive otherwise).
  for (RunJob* job : queue_) job->abandon();
  queue_.clear();
  if (runner_ && !torn_down_) {
    runner_.reset();
    done_.Release();
    napi_remove_env_cleanup_hook(Env(), &NativeNetwork::on_env_teardown, this);
  }
}

void NativeNetwork::start_next() {
  if (active_ || queue_.empty()) return;
  Napi::Env env = Env();
  active_ = queue_.front();
  queue_.pop_front();
  ensure_runner(env);
  done_.Ref(env);
  RunJob* job = active_;
  Napi::ThreadSafeFunction done = done_;
  runner_->post([job, done]() {
    job->execute();
    // If the call cannot be queued, the environment is being torn down and on_env_teardown
    // (waiting for this job to return) frees the job.
    done.NonBlockingCall(job, [](Napi::Env env, Napi::Function, RunJob* j) {
      // Nothing may escape a thread-safe function's callback. A JS call fails here only while
      // the environment is terminating (a worker being stopped), when no one awaits the result.
      try {
        j->owner()->run_finished(env, j);
      } catch (...) {
      }
    });
  });
}

void NativeNetwork::run_finished(Napi::Env env, RunJob* job) {
  job->settle(env);
  delete job;
  active_ = nullptr;
  if (!session_ && queue_.empty()) return stop_runner(env);  // disposed: free the thread now
  if (queue_.empty()) done_.Unref(env);
  start_next();
}

Napi::Function NativeNetwork::define(Napi::Env env) {
  return DefineClass(env, "NativeNetwork",
                     {InstanceMethod("inputs", &NativeNetwork::inputs),
                      InstanceMethod("outputs", &NativeNetwork::outputs),
                      InstanceMethod("run", &NativeNetwork::run),
                      InstanceMethod("runSync", &NativeNetwork::run_sync),
                      InstanceMethod("memoryInfo", &NativeNetwork::memory_info),
                      InstanceMethod("planMemory", &NativeNetwork::plan_memory),
                      InstanceMethod("stats", &NativeNetwork::stats),
                      InstanceMethod("threads", &NativeNetwork::threads),
                      InstanceMethod("clone", &NativeNetwork::clone),
                      InstanceMethod("setProfiling", &NativeNetwork::set_profiling),
                      InstanceMethod("takeProfile", &NativeNetwork::take_profile),
                      InstanceMethod("cancel", &NativeNetwork::cancel),
                      InstanceMethod("dispose", &NativeNetwork::dispose)});
}

NativeNetwork::NativeNetwork(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeNetwork>(info) {
  if (info.Length() != 1 || !info[0].IsExternal())
    throw make_error(info.Env(), "INVALID_ARGUMENT", "NativeNetwork is created by load()");
  session_ = info[0].As<Napi::External<Holder>>().Data()->session;
}

std::shared_ptr<Session> NativeNetwork::session(Napi::Env env) const {
  if (!session_) fail(ErrorCode::Disposed, "this Network has been disposed");
  return session_;
}

// clone(threads) -> NativeNetwork sharing this one's weights (threads 0: the same count).
Napi::Value NativeNetwork::clone(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    int threads = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
    std::shared_ptr<Session> copy(session(env)->clone(threads));
    return wrap_session(env, std::move(copy));
  });
}

Napi::Value NativeNetwork::set_profiling(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    session(env)->set_profiling(info.Length() > 0 && info[0].ToBoolean());
    return env.Undefined();
  });
}

// takeProfile() -> [{ run, node, op, startUs, durationUs, cpuUs, inputShapes }]
Napi::Value NativeNetwork::take_profile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    std::vector<ProfileEvent> events = session(env)->take_profile();
    Napi::Array a = Napi::Array::New(env, events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      const ProfileEvent& e = events[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("run", Napi::Number::New(env, double(e.run)));
      o.Set("node", e.node);
      o.Set("op", e.op);
      o.Set("startUs", Napi::Number::New(env, e.start_us));
      o.Set("durationUs", Napi::Number::New(env, e.duration_us));
      o.Set("cpuUs", Napi::Number::New(env, e.cpu_us));
      Napi::Array shapes = Napi::Array::New(env, e.input_shapes.size());
      for (size_t k = 0; k < e.input_shapes.size(); ++k) {
        Napi::Array dims = Napi::Array::New(env, e.input_shapes[k].size());
        for (size_t d = 0; d < e.input_shapes[k].size(); ++d)
          dims.Set(uint32_t(d), Napi::Number::New(env, double(e.input_shapes[k][d])));
        shapes.Set(uint32_t(k), dims);
      }
      o.Set("inputShapes", shapes);
      a.Set(uint32_t(i), o);
    }
    return a;
  });
}

Napi::Value NativeNetwork::inputs(const Napi::CallbackInfo& info) {
  return guard(info.Env(), [&]() -> Napi::Value { return io_info_to_js(info.Env(), session(info.Env())->inputs()); });
}
Napi::Value NativeNetwork::outputs(const Napi::CallbackInfo& info) {
  return guard(info.Env(), [&]() -> Napi::Value { return io_info_to_js(info.Env(), session(info.Env())->outputs()); });
}

Napi::Value NativeNetwork::run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    auto s = session(env);
    auto feeds = read_feeds(env, info[0]);
    auto names = read_strings(env, info[1], "outputs");
    double id = next_run_id_++;
    auto* w = new RunJob(env, this, std::move(s), std::move(feeds), std::move(names), id);
    Napi::Object handle = Napi::Object::New(env);
    handle.Set("promise", w->promise());
    handle.Set("id", Napi::Number::New(env, id));
    queue_.push_back(w);
    start_next();
    return handle;
  });
}

Napi::Value NativeNetwork::run_sync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    auto s = session(env);
    auto feeds = read_feeds(env, info[0]);
    auto names = read_strings(env, info[1], "outputs");
    std::vector<Tensor> results = s->run(feeds, names);
    Napi::Array a = Napi::Array::New(env, results.size());
    for (size_t i = 0; i < results.size(); ++i)
      a.Set(uint32_t(i), tensor_to_js(env, names.empty() ? s->outputs()[i].name : names[i], results[i]));
    return a;
  });
}

Napi::Value NativeNetwork::memory_info(const Napi::CallbackInfo& info) {
  return guard(info.Env(), [&]() -> Napi::Value { return memory_to_js(info.Env(), session(info.Env())->memory_info()); });
}

Napi::Value NativeNetwork::plan_memory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    auto s = session(env);
    return memory_to_js(env, s->plan_memory(read_feeds(env, info[0])));
  });
}

Napi::Value NativeNetwork::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    ModelStats st = session(env)->stats();
    Napi::Object o = Napi::Object::New(env);
    Napi::Object opsets = Napi::Object::New(env);
    for (auto& [d, v] : st.opsets) opsets.Set(d.empty() ? "ai.onnx" : d, Napi::Number::New(env, double(v)));
    Napi::Object ops = Napi::Object::New(env);
    for (auto& [op, n] : st.op_counts) ops.Set(op, Napi::Number::New(env, double(n)));
    o.Set("opsets", opsets);
    o.Set("opCounts", ops);
    o.Set("nodesInFile", Napi::Number::New(env, double(st.nodes_in_file)));
    o.Set("nodesAfterOptimization", Napi::Number::New(env, double(st.nodes_after_optimization)));
    o.Set("parameters", Napi::Number::New(env, double(st.parameters)));
    o.Set("producer", Napi::String::New(env, st.producer));
    return o;
  });
}

Napi::Value NativeNetwork::threads(const Napi::CallbackInfo& info) {
  return guard(info.Env(), [&]() -> Napi::Value { return Napi::Number::New(info.Env(), session(info.Env())->threads()); });
}

Napi::Value NativeNetwork::cancel(const Napi::CallbackInfo& info) {
  double id = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if ((*it)->id() != id) continue;
    RunJob* w = *it;
    queue_.erase(it);
    w->reject(info.Env(), "ABORTED", "the run was aborted before it started");
    delete w;
    return Napi::Boolean::New(info.Env(), true);
  }
  return Napi::Boolean::New(info.Env(), false);  // already running or done
}

Napi::Value NativeNetwork::dispose(const Napi::CallbackInfo& info) {
  // Queued runs are rejected; the run in flight keeps its own reference to the Session and
  // finishes, after which the Session's memory is freed.
  std::deque<RunJob*> pending;
  pending.swap(queue_);
  for (RunJob* w : pending) {
    w->reject(info.Env(), "DISPOSED", "the Network was disposed before this run started");
    delete w;
  }
  session_.reset();
  if (!active_) stop_runner(info.Env());  // else when the run in flight finishes
  return info.Env().Undefined();
}

Napi::Value load(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    auto* w = new LoadWorker(env, read_load_request(info));
    Napi::Promise p = w->promise();
    w->Queue();
    return p;
  });
}

Napi::Value load_sync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    LoadRequest r = read_load_request(info);
    return wrap_session(env, build_session(r));
  });
}

}  // namespace li::napi
