// Tensor: a dtype, a shape and a pointer to row-major contiguous data. The storage is either
// owned (a 64-byte aligned heap block kept alive by `owner`) or borrowed (a slice of a run's
// arena, or a constant). Strings live in a separate vector because they are not POD.
// The same struct carries ONNX's other runtime values, a sequence (tensors of one dtype) and an
// optional (absent, or one tensor or sequence), so that every value flows through the executor
// and the API as one type; see `kind`.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace li {

using Shape = std::vector<int64_t>;

// What a value is. Sequence and optional values are never planned into the arena: the ops that
// make them run dynamically (Op::outputs_from_run).
enum class ValueKind : uint8_t { Tensor, Sequence, Optional };
const char* value_kind_name(ValueKind k);  // "tensor", "sequence", "optional"

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
  // kind != Tensor: dtype is the element dtype, shape and data are unused, and `items` holds
  // the elements (an optional: none when absent, else its one value). Elements own their data
  // and are never written, so copying a sequence shares them.
  ValueKind kind = ValueKind::Tensor;
  std::shared_ptr<const std::vector<Tensor>> items;

  // A new owned, zero-filled tensor.
  static Tensor allocate(DType dtype, const Shape& shape);
  // The same without the zero fill, for callers that write every element (copies, parsed
  // initializers, planned outputs): filling large tensors twice costs real time at load.
  static Tensor allocate_uninitialized(DType dtype, const Shape& shape);
  // A view over memory someone else owns.
  static Tensor view(DType dtype, const Shape& shape, void* data);
  // A sequence of `elem` tensors; each item must own its data (see owned()).
  static Tensor sequence(DType elem, std::vector<Tensor> items);
  // An optional: absent when value is null, else holding *value (a tensor or a sequence).
  static Tensor optional(DType elem, const Tensor* value);

  int64_t numel() const { return shape_numel(shape); }
  size_t nbytes() const { return size_t(numel()) * dtype_size(dtype); }
  int64_t rank() const { return int64_t(shape.size()); }
  bool empty() const { return dtype == DType::Undefined && kind == ValueKind::Tensor; }
  bool is_tensor() const { return kind == ValueKind::Tensor; }
  size_t size() const { return items ? items->size() : 0; }  // elements of a sequence or optional

  template <class T> T* ptr() { return static_cast<T*>(data); }
  template <class T> const T* ptr() const { return static_cast<const T*>(data); }

  // Deep copy into owned storage (element by element for a sequence or optional).
  Tensor clone() const;
  // This value, or a deep copy when its data is borrowed (an arena slice may be overwritten by
  // later steps): what a sequence or optional may keep.
  Tensor owned() const;
  // Values of an integer tensor (any int dtype) as int64, e.g. a Reshape target or axes list.
  std::vector<int64_t> to_int64_vector() const;
  // Element i as double, for any numeric dtype (slow; for attributes and scalars).
  double scalar_as_double(int64_t i = 0) const;
};

}  // namespace li
