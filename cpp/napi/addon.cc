// The addon's exports, nothing else.
#include "napi/addon.h"

#include "cpu/features.h"
#include "napi/convert.h"
#include "napi/network.h"
#include "onnx/loader.h"
#include "ops/op.h"
#include "ops/op_types.h"
#include "runtime/flops.h"

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
    const OpTypeInfo* t = op_type_info(ops[i].domain, ops[i].op_type);
    auto names = [&](DTypeSet set) {
      Napi::Array r = Napi::Array::New(env);
      for (int d = 1; d <= 16; ++d)
        if (set & (DTypeSet(1) << d)) r.Set(r.Length(), dtype_name(DType(d)));
      return r;
    };
    o.Set("types", names(t ? t->types : 0));
    o.Set("outputTypes", names(t ? (t->outputs ? t->outputs : t->types) : 0));
    Napi::Array simd = Napi::Array::New(env);
    if (t && (t->simd & kSimdAvx2)) simd.Set(simd.Length(), "avx2");
    if (t && (t->simd & kSimdAvx512)) simd.Set(simd.Length(), "avx512");
    if (t && (t->simd & kSimdNeon)) simd.Set(simd.Length(), "neon");
    o.Set("simd", simd);
    o.Set("note", t ? t->note : "");
    a.Set(uint32_t(i), o);
  }
  return a;
}

// modelFlops(pathOrBytes, { input: shape, ... }, baseDir?) -> { flops, byOp, unknownNodes }.
// Synchronous: a diagnostic for benchmarks, not for a server's hot path.
Napi::Value model_flops_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[1].IsObject())
      fail(ErrorCode::InvalidArgument, "modelFlops(model, inputShapes): inputShapes must be an object");
    LoadOptions lo;
    if (info.Length() > 2 && info[2].IsString()) lo.base_dir = info[2].As<Napi::String>().Utf8Value();
    std::vector<std::pair<std::string, Shape>> shapes;
    Napi::Object so = info[1].As<Napi::Object>();
    Napi::Array keys = so.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string name = keys.Get(i).As<Napi::String>().Utf8Value();
      Napi::Value v = so.Get(name);
      if (!v.IsArray()) fail(ErrorCode::InvalidArgument, "inputShapes['", name, "'] must be an array of dims");
      Napi::Array a = v.As<Napi::Array>();
      Shape s;
      for (uint32_t d = 0; d < a.Length(); ++d) {
        Napi::Value x = a.Get(d);
        double dim = x.IsNumber() ? x.As<Napi::Number>().DoubleValue() : -1;
        if (!(dim >= 0 && dim <= 9.0e15) || dim != double(int64_t(dim)))
          fail(ErrorCode::InvalidArgument, "inputShapes['", name, "'][", d, "] must be an integer >= 0");
        s.push_back(int64_t(dim));
      }
      shapes.emplace_back(std::move(name), std::move(s));
    }
    Model model;
    if (info[0].IsString()) {
      model = load_model_file(info[0].As<Napi::String>().Utf8Value(), lo);
    } else if (info[0].IsTypedArray()) {
      Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
      model = load_model(static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset(),
                         ta.ByteLength(), lo);
    } else {
      fail(ErrorCode::InvalidArgument, "model must be a path (string) or the model's bytes (Uint8Array)");
    }
    FlopsReport r = model_flops(model, shapes);
    Napi::Object o = Napi::Object::New(env);
    o.Set("flops", Napi::Number::New(env, double(r.flops)));
    Napi::Object by = Napi::Object::New(env);
    for (auto& [op, f] : r.by_op) by.Set(op, Napi::Number::New(env, double(f)));
    o.Set("byOp", by);
    Napi::Array unknown = Napi::Array::New(env, r.unknown_nodes.size());
    for (size_t i = 0; i < r.unknown_nodes.size(); ++i) unknown.Set(uint32_t(i), r.unknown_nodes[i]);
    o.Set("unknownNodes", unknown);
    return o;
  });
}

// fmaPeakGflops(threads) -> GFLOP/s, 0 when the CPU has no probe. Blocks for ~0.3 s.
Napi::Value fma_peak_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    int threads = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
    if (threads < 1 || threads > 1024) fail(ErrorCode::InvalidArgument, "threads must be between 1 and 1024, got ", threads);
    return Napi::Number::New(env, fma_peak_gflops(threads));
  });
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->network_constructor = Napi::Persistent(NativeNetwork::define(env));
  env.SetInstanceData(data);
  exports.Set("load", Napi::Function::New(env, load, "load"));
  exports.Set("loadSync", Napi::Function::New(env, load_sync, "loadSync"));
  exports.Set("cpuInfo", Napi::Function::New(env, cpu_info, "cpuInfo"));
  exports.Set("registeredOps", Napi::Function::New(env, registered_ops_js, "registeredOps"));
  exports.Set("modelFlops", Napi::Function::New(env, model_flops_js, "modelFlops"));
  exports.Set("fmaPeakGflops", Napi::Function::New(env, fma_peak_js, "fmaPeakGflops"));
  return exports;
}

}  // namespace

}  // namespace li::napi

static Napi::Object InitLiteinfer(Napi::Env env, Napi::Object exports) {
  return li::napi::init(env, exports);
}

NODE_API_MODULE(liteinfer, InitLiteinfer)
