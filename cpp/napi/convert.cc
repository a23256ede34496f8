#include "napi/convert.h"

#include <cstring>

namespace li::napi {

Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Value().Set("code", Napi::String::New(env, code));
  return e;
}

namespace {

[[noreturn]] void bad_input(const std::string& msg) { fail(ErrorCode::InvalidInput, msg); }

napi_typedarray_type typed_array_type_for(DType t) {
  switch (t) {
    case DType::Float32: return napi_float32_array;
    case DType::Float64: return napi_float64_array;
    case DType::Int8: return napi_int8_array;
    case DType::UInt8: case DType::Bool: return napi_uint8_array;
    case DType::Int16: return napi_int16_array;
    case DType::UInt16: case DType::Float16: case DType::BFloat16: return napi_uint16_array;
    case DType::Int32: return napi_int32_array;
    case DType::UInt32: return napi_uint32_array;
    case DType::Int64: return napi_bigint64_array;
    case DType::UInt64: return napi_biguint64_array;
    default: return napi_float32_array;
  }
}

const char* typed_array_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "TypedArray";
  }
}

}  // namespace

std::vector<std::string> read_strings(Napi::Env env, Napi::Value list, const char* what) {
  std::vector<std::string> out;
  if (list.IsUndefined() || list.IsNull()) return out;
  if (!list.IsArray()) fail(ErrorCode::InvalidArgument, what, " must be an array of strings");
  Napi::Array a = list.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value v = a.Get(i);
    if (!v.IsString()) fail(ErrorCode::InvalidArgument, what, "[", i, "] must be a string");
    out.push_back(v.As<Napi::String>().Utf8Value());
  }
  return out;
}

namespace {

// One value: { dtype, shape, data } for a tensor, or { kind: 1 (sequence) | 2 (optional),
// dtype, items: [value...] } (an optional has no item when absent). `n` names the input in
// errors; sequences hold tensors and optionals a tensor or a sequence.
Tensor read_value(Napi::Object o, const std::string& n, int depth) {
  Napi::Value kind = o.Get("kind"), dtype = o.Get("dtype");
  if (kind.IsNumber() && kind.As<Napi::Number>().Int32Value() != 0) {
    const int32_t k = kind.As<Napi::Number>().Int32Value();
    if ((k != 1 && k != 2) || depth > 1) bad_input(cat("input '", n, "': invalid value kind"));
    const ValueKind vk = k == 1 ? ValueKind::Sequence : ValueKind::Optional;
    Napi::Value items = o.Get("items");
    if (!items.IsArray()) bad_input(cat("input '", n, "': a ", value_kind_name(vk), " needs an items array"));
    Napi::Array a = items.As<Napi::Array>();
    if (vk == ValueKind::Optional && a.Length() > 1) bad_input(cat("input '", n, "': an optional holds one value"));
    DType dt = dtype.IsNumber() && dtype_valid(dtype.As<Napi::Number>().Int32Value())
                   ? DType(dtype.As<Napi::Number>().Int32Value()) : DType::Undefined;
    std::vector<Tensor> values;
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value v = a.Get(i);
      if (!v.IsObject()) bad_input(cat("input '", n, "': element ", i, " must be a Tensor"));
      Tensor t = read_value(v.As<Napi::Object>(), n, depth + 1);
      if ((vk == ValueKind::Sequence && !t.is_tensor()) || t.kind == ValueKind::Optional)
        bad_input(cat("input '", n, "': element ", i, " must be a ",
                      vk == ValueKind::Sequence ? "Tensor" : "Tensor or a sequence", ", got a ", value_kind_name(t.kind)));
      if (dt == DType::Undefined) dt = t.dtype;
      if (t.dtype != dt)
        bad_input(cat("input '", n, "': element ", i, " has dtype ", dtype_name(t.dtype), ", element 0 ",
                      dtype_name(dt), ": a sequence holds one dtype"));
      values.push_back(std::move(t));
    }
    if (vk == ValueKind::Sequence) return Tensor::sequence(dt, std::move(values));
    return Tensor::optional(dt, values.empty() ? nullptr : &values[0]);
  }
  Napi::Value shape = o.Get("shape"), data = o.Get("data");
  {
    if (!dtype.IsNumber() || !dtype_valid(dtype.As<Napi::Number>().Int32Value()))
      bad_input(cat("input '", n, "': invalid dtype"));
    DType dt = DType(dtype.As<Napi::Number>().Int32Value());
    if (!shape.IsArray()) bad_input(cat("input '", n, "': shape must be an array"));
    Shape s;
    Napi::Array sa = shape.As<Napi::Array>();
    for (uint32_t d = 0; d < sa.Length(); ++d) {
      Napi::Value dv = sa.Get(d);
      double x = dv.IsNumber() ? dv.As<Napi::Number>().DoubleValue() : -1;
      if (!(x >= 0) || x != double(int64_t(x)) || x > 9e15)
        bad_input(cat("input '", n, "': shape[", d, "] must be a non-negative integer"));
      s.push_back(int64_t(x));
    }
    int64_t numel = shape_numel(s);
    Tensor t;
    if (dt == DType::String) {
      if (!data.IsArray()) bad_input(cat("input '", n, "': string data must be an array of strings"));
      Napi::Array da = data.As<Napi::Array>();
      if (int64_t(da.Length()) != numel)
        bad_input(cat("input '", n, "': shape ", shape_str(s), " needs ", numel,
                      " elements, data has ", da.Length()));
      t = Tensor::allocate(dt, s);
      for (uint32_t i = 0; i < da.Length(); ++i) {
        Napi::Value v = da.Get(i);
        if (!v.IsString()) bad_input(cat("input '", n, "': data[", i, "] is not a string"));
        (*t.strings)[i] = v.As<Napi::String>().Utf8Value();
      }
    } else {
      if (!data.IsTypedArray()) bad_input(cat("input '", n, "': data must be a typed array"));
      Napi::TypedArray ta = data.As<Napi::TypedArray>();
      napi_typedarray_type want = typed_array_type_for(dt);
      napi_typedarray_type got = ta.TypedArrayType();
      bool ok = got == want || (dt == DType::UInt8 && got == napi_uint8_clamped_array);
      if (!ok)
        bad_input(cat("input '", n, "': dtype ", dtype_name(dt), " needs a ",
                      typed_array_name(want), ", got a ", typed_array_name(got)));
      if (int64_t(ta.ElementLength()) != numel)
        bad_input(cat("input '", n, "': shape ", shape_str(s), " needs ", numel,
                      " elements, data has ", ta.ElementLength()));
      t = Tensor::allocate_uninitialized(dt, s);
      if (numel) {
        const uint8_t* src = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
        std::memcpy(t.data, src, t.nbytes());
      }
    }
    return t;
  }
}

}  // namespace

std::vector<NamedTensor> read_feeds(Napi::Env env, Napi::Value feeds) {
  if (!feeds.IsArray()) fail(ErrorCode::InvalidArgument, "feeds must be an array");
  Napi::Array list = feeds.As<Napi::Array>();
  std::vector<NamedTensor> out;
  for (uint32_t k = 0; k < list.Length(); ++k) {
    Napi::Value item = list.Get(k);
    if (!item.IsObject()) fail(ErrorCode::InvalidArgument, "feed ", k, " must be an object");
    Napi::Object o = item.As<Napi::Object>();
    Napi::Value name = o.Get("name");
    if (!name.IsString()) fail(ErrorCode::InvalidArgument, "feed ", k, ": name must be a string");
    std::string n = name.As<Napi::String>().Utf8Value();
    out.push_back({n, read_value(o, n, 0)});
  }
  return out;
}

Napi::Object tensor_to_js(Napi::Env env, const std::string& name, const Tensor& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", Napi::String::New(env, name));
  o.Set("dtype", Napi::Number::New(env, int(t.dtype)));
  if (!t.is_tensor()) {
    o.Set("kind", Napi::Number::New(env, int(t.kind)));
    Napi::Array items = Napi::Array::New(env, t.size());
    for (size_t i = 0; i < t.size(); ++i) items.Set(uint32_t(i), tensor_to_js(env, name, (*t.items)[i]));
    o.Set("items", items);
    return o;
  }
  Napi::Array shape = Napi::Array::New(env, t.shape.size());
  for (size_t d = 0; d < t.shape.size(); ++d) shape.Set(uint32_t(d), Napi::Number::New(env, double(t.shape[d])));
  o.Set("shape", shape);
  if (t.dtype == DType::String) {
    Napi::Array a = Napi::Array::New(env, t.strings ? t.strings->size() : 0);
    for (size_t i = 0; t.strings && i < t.strings->size(); ++i)
      a.Set(uint32_t(i), Napi::String::New(env, (*t.strings)[i]));
    o.Set("data", a);
    return o;
  }
  size_t bytes = t.nbytes();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);  // JS-allocated
  if (bytes) std::memcpy(buf.Data(), t.data, bytes);
  size_t n = size_t(t.numel());
  napi_value ta;
  napi_status st = napi_create_typedarray(env, typed_array_type_for(t.dtype), n, buf, 0, &ta);
  NAPI_THROW_IF_FAILED(env, st, o);
  o.Set("data", Napi::Value(env, ta));
  return o;
}

Napi::Array io_info_to_js(Napi::Env env, const std::vector<IoInfo>& ios) {
  Napi::Array a = Napi::Array::New(env, ios.size());
  for (size_t i = 0; i < ios.size(); ++i) {
    const IoInfo& io = ios[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", Napi::String::New(env, io.name));
    o.Set("dtype", Napi::Number::New(env, int(io.dtype)));
    if (io.kind != ValueKind::Tensor) {
      o.Set("kind", Napi::Number::New(env, int(io.kind)));
      o.Set("elementKind", Napi::Number::New(env, int(io.elem_kind)));
    }
    if (io.has_shape) {
      Napi::Array dims = Napi::Array::New(env, io.dims.size());
      for (size_t d = 0; d < io.dims.size(); ++d) {
        const Dim& dim = io.dims[d];
        if (dim.known()) dims.Set(uint32_t(d), Napi::Number::New(env, double(dim.value)));
        else if (!dim.symbol.empty()) dims.Set(uint32_t(d), Napi::String::New(env, dim.symbol));
        else dims.Set(uint32_t(d), env.Null());
      }
      o.Set("shape", dims);
    } else {
      o.Set("shape", env.Null());
    }
    a.Set(uint32_t(i), o);
  }
  return a;
}

}  // namespace li::napi
