// The addon's exports, nothing else.
#include "napi/addon.h"

#include "cpu/features.h"
#include "napi/convert.h"
#include "napi/network.h"
#include "ops/op.h"

namespace li::napi {

AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

namespace {

Napi::Value cpu_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CpuFeatures& f = cpu_features();
  Napi::Object o = Napi::Object::New(env);
  o.Set("description", Napi::String::New(env, cpu_description()));
  o.Set("tier", Napi::String::New(env, cpu_tier_name(cpu_tier())));
  Napi::Object feats = Napi::Object::New(env);
  feats.Set("avx2", f.avx2);
  feats.Set("fma", f.fma);
  feats.Set("f16c", f.f16c);
  feats.Set("avx512f", f.avx512f);
  feats.Set("avx512bw", f.avx512bw);
  feats.Set("avx512dq", f.avx512dq);
  feats.Set("avx512vl", f.avx512vl);
  feats.Set("avx512vnni", f.avx512vnni);
  feats.Set("avx512bf16", f.avx512bf16);
  feats.Set("neon", f.neon);
  feats.Set("neonFp16", f.neon_fp16);
  o.Set("features", feats);
  o.Set("hardwareThreads", Napi::Number::New(env, ThreadPool::hardware_threads()));
  return o;
}

Napi::Value registered_ops_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto ops = registered_ops();
  Napi::Array a = Napi::Array::New(env, ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("domain", ops[i].domain.empty() ? "ai.onnx" : ops[i].domain);
    o.Set("opType", ops[i].op_type);
    o.Set("since", Napi::Number::New(env, double(ops[i].since)));
    o.Set("until", Napi::Number::New(env, double(ops[i].until)));
    a.Set(uint32_t(i), o);
  }
  return a;
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->network_constructor = Napi::Persistent(NativeNetwork::define(env));
  env.SetInstanceData(data);
  exports.Set("load", Napi::Function::New(env, load, "load"));
  exports.Set("loadSync", Napi::Function::New(env, load_sync, "loadSync"));
  exports.Set("cpuInfo", Napi::Function::New(env, cpu_info, "cpuInfo"));
  exports.Set("registeredOps", Napi::Function::New(env, registered_ops_js, "registeredOps"));
  return exports;
}

}  // namespace

}  // namespace li::napi

static Napi::Object InitLiteinfer(Napi::Env env, Napi::Object exports) {
  return li::napi::init(env, exports);
}

NODE_API_MODULE(liteinfer, InitLiteinfer)
