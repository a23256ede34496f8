// Tensor: a dtype, a shape and a pointer to row-major contiguous data. The storage is either
// owned (a 64-byte aligned heap block kept alive by `owner`) or borrowed (a slice of a run's
// arena, or a constant). Strings live in a separate vector because they are not POD.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace li {

using Shape = std::vector<int64_t>;

// Element count of a shape. Throws InvalidModel on a negative dim or on overflow past 2^62,
// so a hostile shape can never turn into a huge or wrapped allocation.
int64_t shape_numel(const Shape& s);
std::string shape_str(const Shape& s);  // "[1,3,224,224]"

// Upper bound on one tensor's bytes (16 GiB): anything larger is treated as a hostile model.
constexpr int64_t kMaxTensorBytes = int64_t(1) << 34;

// 64-byte aligned heap allocation; throws OutOfMemory on failure or beyond kMaxTensorBytes.
std::shared_ptr<void> aligned_alloc_shared(size_t bytes, bool zero = false);

struct Tensor {
  DType dtype = DType::Undefined;
  Shape shape;
  void* data = nullptr;
  std::shared_ptr<void> owner;                          // null for borrowed data
  std::shared_ptr<std::vector<std::string>> strings;    // only for DType::String

  // A new owned, zero-filled tensor.
  static Tensor allocate(DType dtype, const Shape& shape);
  // The same without the zero fill, for callers that write every element (copies, parsed
  // initializers, planned outputs): filling large tensors twice costs real time at load.
  static Tensor allocate_uninitialized(DType dtype, const Shape& shape);
  // A view over memory someone else owns.
  static Tensor view(DType dtype, const Shape& shape, void* data);

  int64_t numel() const { return shape_numel(shape); }
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype); }
  int64_t rank() const { return int64_t(shape.size()); }
  bool empty() const { return dtype == DType::Undefined; }

  template <class T> T* ptr() { return static_cast<T*>(data); }
  template <class T> const T* ptr() const { return static_cast<const T*>(data); }

  // Deep copy into owned storage.
  Tensor clone() const;
  // Values of an integer tensor (any int dtype) as int64, e.g. a Reshape target or axes list.
  std::vector<int64_t> to_int64_vector() const;
  // Element i as double, for any numeric dtype (slow; for attributes and scalars).
  double scalar_as_double(int64_t i = 0) const;
};

}  // namespace li
