#include "ops/tensor_util.h"

#include <memory>

namespace li {

std::string* string_elems(Tensor& t) {
  size_t n = size_t(t.numel());
  if (!t.strings) t.strings = std::make_shared<std::vector<std::string>>(n);
  if (t.strings->size() < n) t.strings->resize(n);
  return t.strings->data();
}

const std::string* string_elems(const Tensor& t) {
  if (!t.strings || t.strings->size() < size_t(t.numel()))
    fail(ErrorCode::Internal, "string tensor ", shape_str(t.shape), " has no string storage");
  return t.strings->data();
}

std::vector<int64_t> shape_strides(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t d = s.size(); d-- > 1;) st[d - 1] = st[d] * s[d];
  return st;
}

int64_t dims_product(const Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t d = begin; d < end && d < s.size(); ++d) p *= s[d];
  return p;
}

const TensorInfo& need_input(const InferContext& ctx, size_t i, const char* name) {
  const TensorInfo* t = ctx.input(i);
  if (!t) ctx.error("input ", i, " ('", name, "') is required but missing");
  return *t;
}

int64_t norm_axis(const InferContext& ctx, int64_t axis, int64_t rank, const char* what,
                  bool inclusive) {
  int64_t hi = inclusive ? rank : rank - 1;
  if (axis < -rank || axis > hi)
    ctx.error(what, " ", axis, " is out of range for rank ", rank, " (expected ", -rank, "..", hi,
              ")");
  return axis < 0 ? axis + rank : axis;
}

void check_int_input(const InferContext& ctx, size_t i, const char* name, bool index_only) {
  const TensorInfo* t = ctx.input(i);
  if (!t) return;
  bool ok = index_only ? (t->dtype == DType::Int32 || t->dtype == DType::Int64)
                       : (dtype_is_signed_int(t->dtype) || (dtype_is_unsigned_int(t->dtype) &&
                                                            t->dtype != DType::Bool));
  if (!ok)
    ctx.error("input '", name, "' must be ", index_only ? "int32 or int64" : "an integer tensor",
              ", got ", dtype_name(t->dtype));
}

void check_same_dtype(const InferContext& ctx, size_t i, const char* name) {
  const TensorInfo* t = ctx.input(i);
  const TensorInfo* t0 = ctx.input(0);
  if (t && t0 && t->dtype != t0->dtype)
    ctx.error("input '", name, "' has dtype ", dtype_name(t->dtype), ", expected ",
              dtype_name(t0->dtype), " (the dtype of input 0)");
}

bool input_doubles(const InferContext& ctx, size_t i, std::vector<double>* out) {
  const TensorInfo* t = ctx.input(i);
  if (!t || !t->value) return false;
  int64_t n = t->value->numel();
  out->resize(size_t(n));
  for (int64_t k = 0; k < n; ++k) (*out)[size_t(k)] = t->value->scalar_as_double(k);
  return true;
}

bool const_ints(const OpBuildContext& ctx, size_t i, std::vector<int64_t>* out) {
  const Tensor* t = ctx.const_input(i);
  if (!t) return false;
  *out = t->to_int64_vector();
  return true;
}

std::string ints_str(const std::vector<int64_t>& v) { return shape_str(v); }

void copy_tensor_data(ThreadPool& pool, const Tensor& src, Tensor& dst) {
  if (src.dtype == DType::String) {
    if (src.strings && src.strings == dst.strings) return;
    parallel_copy(pool, elems<std::string>(src), elems<std::string>(dst), src.numel());
    return;
  }
  if (src.data == dst.data) return;
  parallel_copy(pool, static_cast<const uint8_t*>(src.data), static_cast<uint8_t*>(dst.data),
                int64_t(src.nbytes()));
}

void store_scalar(DType t, double v, void* dst) {
  switch (t) {
    case DType::Float32: *static_cast<float*>(dst) = float(v); return;
    case DType::Float64: *static_cast<double*>(dst) = v; return;
    case DType::Float16: *static_cast<uint16_t*>(dst) = float_to_half(float(v)); return;
    case DType::BFloat16: *static_cast<uint16_t*>(dst) = float_to_bf16(float(v)); return;
    case DType::Int8: *static_cast<int8_t*>(dst) = int8_t(v); return;
    case DType::Int16: *static_cast<int16_t*>(dst) = int16_t(v); return;
    case DType::Int32: *static_cast<int32_t*>(dst) = int32_t(v); return;
    case DType::Int64: *static_cast<int64_t*>(dst) = int64_t(v); return;
    case DType::UInt8: *static_cast<uint8_t*>(dst) = uint8_t(v); return;
    case DType::Bool: *static_cast<uint8_t*>(dst) = v != 0; return;
    case DType::UInt16: *static_cast<uint16_t*>(dst) = uint16_t(v); return;
    case DType::UInt32: *static_cast<uint32_t*>(dst) = uint32_t(v); return;
    case DType::UInt64: *static_cast<uint64_t*>(dst) = uint64_t(v); return;
    default: fail(ErrorCode::Internal, "store_scalar on dtype ", dtype_name(t));
  }
}

void fill_bytes(DType t, void* dst, int64_t n, const void* value) {
  visit_elem(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, std::string>) {
      T v;
      std::memcpy(&v, value, sizeof(T));
      T* d = static_cast<T*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = v;
    } else {
      fail(ErrorCode::Internal, "fill_bytes on strings");
    }
  });
}

}  // namespace li
