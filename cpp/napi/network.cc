#include "napi/network.h"

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

class NativeNetwork::RunWorker : public PromiseWorker {
 public:
  RunWorker(Napi::Env env, NativeNetwork* owner, std::shared_ptr<Session> s,
            std::vector<NamedTensor> feeds, std::vector<std::string> outputs, double id)
      : PromiseWorker(env), owner_(owner), owner_ref_(Napi::Persistent(owner->Value())),
        session_(std::move(s)), feeds_(std::move(feeds)), names_(std::move(outputs)), id_(id) {}
  double id() const { return id_; }
  // Rejects a run that never started (cancelled or disposed) and frees it.
  void reject_unstarted(const char* code, const std::string& message) {
    Napi::HandleScope scope(Env());
    deferred_.Reject(make_error(Env(), code, message).Value());
    delete this;  // never queued to libuv, so nothing else owns it
  }
  void work() override {
    results_ = session_->run(feeds_, names_);
    feeds_.clear();
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    try {
      Napi::Array a = Napi::Array::New(env, results_.size());
      for (size_t i = 0; i < results_.size(); ++i) {
        std::string name = names_.empty() ? session_->outputs()[i].name : names_[i];
        a.Set(uint32_t(i), tensor_to_js(env, name, results_[i]));
      }
      deferred_.Resolve(a);
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
    finish();
  }
  void OnError(const Napi::Error& e) override {
    PromiseWorker::OnError(e);
    finish();
  }

 private:
  void finish() {
    results_.clear();
    session_.reset();
    owner_->run_finished();
  }
  NativeNetwork* owner_;
  Napi::ObjectReference owner_ref_;  // keeps the owner alive while the run is queued
  std::shared_ptr<Session> session_;
  std::vector<NamedTensor> feeds_;
  std::vector<std::string> names_;
  std::vector<Tensor> results_;
  double id_;
};

void NativeNetwork::start_next() {
  if (active_ || queue_.empty()) return;
  active_ = queue_.front();
  queue_.pop_front();
  active_->Queue();
}

void NativeNetwork::run_finished() {
  active_ = nullptr;
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
    auto* w = new RunWorker(env, this, std::move(s), std::move(feeds), std::move(names), id);
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
    RunWorker* w = *it;
    queue_.erase(it);
    w->reject_unstarted("ABORTED", "the run was aborted before it started");
    return Napi::Boolean::New(info.Env(), true);
  }
  return Napi::Boolean::New(info.Env(), false);  // already running or done
}

Napi::Value NativeNetwork::dispose(const Napi::CallbackInfo& info) {
  // Queued runs are rejected; the run in flight keeps its own reference to the Session and
  // finishes, after which the Session's memory is freed.
  std::deque<RunWorker*> pending;
  pending.swap(queue_);
  for (RunWorker* w : pending)
    w->reject_unstarted("DISPOSED", "the Network was disposed before this run started");
  session_.reset();
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
