#include "core/tensor.h"

#include <cstdlib>
#include <cstring>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "core/error.h"

namespace li {

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) fail(ErrorCode::InvalidModel, "negative dimension ", d, " in shape ", shape_str(s));
    if (d != 0 && n > (int64_t(1) << 62) / d)
      fail(ErrorCode::InvalidModel, "shape ", shape_str(s), " has too many elements");
    n *= d;
  }
  return n;
}

std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) r += ",";
    r += std::to_string(s[i]);
  }
  return r + "]";
}

std::shared_ptr<void> aligned_alloc_shared(size_t bytes, bool zero) {
  if (int64_t(bytes) > kMaxTensorBytes || int64_t(bytes) < 0)
    fail(ErrorCode::OutOfMemory, "allocation of ", bytes, " bytes exceeds the limit of ",
         kMaxTensorBytes, " bytes");
  // Large blocks (packed weights, arenas, model bytes) start on a 2 MiB boundary and ask for
  // transparent huge pages: one fault per 2 MiB instead of 512 makes loading a 100 MB model
  // measurably faster, and fewer TLB misses help the kernels that stream them.
  constexpr size_t kHuge = size_t(2) << 20;
  const bool huge = bytes >= 2 * kHuge;
  const size_t align = huge ? kHuge : 64;
  size_t rounded = (bytes + align - 1) / align * align;
  if (rounded == 0) rounded = 64;
  void* p = std::aligned_alloc(align, rounded);
  if (!p) fail(ErrorCode::OutOfMemory, "out of memory allocating ", bytes, " bytes");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (huge) ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  if (zero) std::memset(p, 0, rounded);
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

namespace {
Tensor allocate_tensor(DType dtype, const Shape& shape, bool zero) {
  Tensor t;
  t.dtype = dtype;
  t.shape = shape;
  int64_t n = shape_numel(shape);
  if (dtype == DType::String) {
    t.strings = std::make_shared<std::vector<std::string>>(size_t(n));
    return t;
  }
  size_t es = dtype_size(dtype);
  if (es == 0) fail(ErrorCode::Internal, "cannot allocate a tensor of dtype ", dtype_name(dtype));
  if (n > kMaxTensorBytes / int64_t(es))
    fail(ErrorCode::OutOfMemory, "tensor of shape ", shape_str(shape), " is too large");
  t.owner = aligned_alloc_shared(size_t(n) * es, zero);
  t.data = t.owner.get();
  return t;
}
}  // namespace

Tensor Tensor::allocate(DType dtype, const Shape& shape) { return allocate_tensor(dtype, shape, true); }
Tensor Tensor::allocate_uninitialized(DType dtype, const Shape& shape) {
  return allocate_tensor(dtype, shape, false);
}

Tensor Tensor::view(DType dtype, const Shape& shape, void* data) {
  Tensor t;
  t.dtype = dtype;
  t.shape = shape;
  t.data = data;
  return t;
}

Tensor Tensor::sequence(DType elem, std::vector<Tensor> items) {
  Tensor t;
  t.dtype = elem;
  t.kind = ValueKind::Sequence;
  t.items = std::make_shared<const std::vector<Tensor>>(std::move(items));
  return t;
}

Tensor Tensor::optional(DType elem, const Tensor* value) {
  Tensor t;
  t.dtype = elem;
  t.kind = ValueKind::Optional;
  std::vector<Tensor> items;
  if (value) items.push_back(value->owned());
  t.items = std::make_shared<const std::vector<Tensor>>(std::move(items));
  return t;
}

const char* value_kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::Sequence: return "sequence";
    case ValueKind::Optional: return "optional";
    default: return "tensor";
  }
}

Tensor Tensor::owned() const {
  if (!is_tensor() || owner || dtype == DType::String || data == nullptr) return *this;
  return clone();
}

Tensor Tensor::clone() const {
  if (!is_tensor()) {
    Tensor t = *this;
    std::vector<Tensor> copies;
    for (size_t i = 0; i < size(); ++i) copies.push_back((*items)[i].clone());
    t.items = std::make_shared<const std::vector<Tensor>>(std::move(copies));
    return t;
  }
  Tensor t = Tensor::allocate_uninitialized(dtype, shape);
  if (dtype == DType::String) {
    *t.strings = *strings;
  } else if (nbytes()) {
    std::memcpy(t.data, data, nbytes());
  }
  return t;
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  int64_t n = numel();
  std::vector<int64_t> v(static_cast<size_t>(n));
  if (dtype == DType::Int64) {
    if (n) std::memcpy(v.data(), data, size_t(n) * 8);  // exact past 2^53
  } else if (dtype == DType::UInt64) {
    for (int64_t i = 0; i < n; ++i) v[size_t(i)] = int64_t(ptr<uint64_t>()[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) v[size_t(i)] = int64_t(scalar_as_double(i));
  }
  return v;
}

double Tensor::scalar_as_double(int64_t i) const {
  switch (dtype) {
    case DType::Float32: return ptr<float>()[i];
    case DType::Float64: return ptr<double>()[i];
    case DType::Float16: return half_to_float(ptr<uint16_t>()[i]);
    case DType::BFloat16: return bf16_to_float(ptr<uint16_t>()[i]);
    case DType::Int8: return ptr<int8_t>()[i];
    case DType::Int16: return ptr<int16_t>()[i];
    case DType::Int32: return ptr<int32_t>()[i];
    case DType::Int64: return double(ptr<int64_t>()[i]);
    case DType::UInt8: case DType::Bool: return ptr<uint8_t>()[i];
    case DType::UInt16: return ptr<uint16_t>()[i];
    case DType::UInt32: return ptr<uint32_t>()[i];
    case DType::UInt64: return double(ptr<uint64_t>()[i]);
    default: fail(ErrorCode::Internal, "scalar_as_double on dtype ", dtype_name(dtype));
  }
}

}  // namespace li
