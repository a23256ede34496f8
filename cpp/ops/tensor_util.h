// Shared pieces of the tensor op family (shape and data movement: Reshape, Concat, Slice,
// Transpose, Gather, Pad, Resize, ...): element visiting by size, axis normalization, input
// helpers for infer(), parallel copies. These ops only move bytes, so most are written once per
// element size (1/2/4/8 bytes) plus std::string for DType::String.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "ops/op.h"

namespace li {

// Highest opset our registrations claim; versions above it are unknown to us.
constexpr int64_t kTensorMaxOpset = 21;
// Bytes per parallel task for copies: smaller tensors stay on the calling thread.
constexpr int64_t kCopyGrainBytes = int64_t(64) << 10;

template <class T> struct ElemTag { using type = T; };

// Calls f(ElemTag<T>{}) with an unsigned carrier type of the dtype's size, or std::string for
// DType::String. Throws Internal for Undefined.
template <class F>
void visit_elem(DType t, F&& f) {
  if (t == DType::String) { f(ElemTag<std::string>{}); return; }
  switch (dtype_size(t)) {
    case 1: f(ElemTag<uint8_t>{}); return;
    case 2: f(ElemTag<uint16_t>{}); return;
    case 4: f(ElemTag<uint32_t>{}); return;
    case 8: f(ElemTag<uint64_t>{}); return;
    default: fail(ErrorCode::Internal, "no element type for dtype ", dtype_name(t));
  }
}

// Elements per parallel task for a copy of T.
template <class T>
constexpr int64_t copy_grain() {
  if constexpr (std::is_same_v<T, std::string>) return 2048;
  else return kCopyGrainBytes / int64_t(sizeof(T));
}

// The element array of a tensor as T (for strings: the string vector, created on demand for
// outputs so every op can write through it).
std::string* string_elems(Tensor& t);
const std::string* string_elems(const Tensor& t);
template <class T> inline T* elems(Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>) return string_elems(t);
  else return static_cast<T*>(t.data);
}
template <class T> inline const T* elems(const Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>) return string_elems(t);
  else return static_cast<const T*>(t.data);
}

// Row-major strides of a shape (in elements).
std::vector<int64_t> shape_strides(const Shape& s);
// Product of dims [begin, end).
int64_t dims_product(const Shape& s, size_t begin, size_t end);

// ---- infer() helpers: all throw InvalidModel naming the node ----
// Input i, which must be present.
const TensorInfo& need_input(const InferContext& ctx, size_t i, const char* name);
// Normalizes an axis in [-rank, rank) (or [-rank, rank] when `inclusive`, as Flatten) to >= 0.
int64_t norm_axis(const InferContext& ctx, int64_t axis, int64_t rank, const char* what,
                  bool inclusive = false);
// Input i must have an integer dtype (int32/int64 when `index_only`).
void check_int_input(const InferContext& ctx, size_t i, const char* name, bool index_only);
// Input i must have the same dtype as input 0.
void check_same_dtype(const InferContext& ctx, size_t i, const char* name);
// The value of input i as doubles, or false when it is not known yet.
bool input_doubles(const InferContext& ctx, size_t i, std::vector<double>* out);
// A constant's value as int64 at build time (nullptr -> false).
bool const_ints(const OpBuildContext& ctx, size_t i, std::vector<int64_t>* out);
std::string ints_str(const std::vector<int64_t>& v);  // "[1,2,3]"

// ---- run() helpers ----
// Copies n elements of T with the pool (memcpy for POD).
template <class T>
void parallel_copy(ThreadPool& pool, const T* src, T* dst, int64_t n) {
  if (n <= 0 || src == dst) return;
  pool.parallel_for(n, copy_grain<T>(), [&](int64_t b, int64_t e) {
    if constexpr (std::is_same_v<T, std::string>) {
      for (int64_t i = b; i < e; ++i) dst[i] = src[i];
    } else {
      std::memcpy(dst + b, src + b, size_t(e - b) * sizeof(T));
    }
  });
}
// dst = src's elements (same count), skipped when they already share storage (views).
void copy_tensor_data(ThreadPool& pool, const Tensor& src, Tensor& dst);
// Writes `v` converted to dtype t at dst (numeric and bool dtypes; Internal otherwise).
void store_scalar(DType t, double v, void* dst);
// Fills n elements of dst (dtype t) with copies of the element at `value` (elem size bytes).
void fill_bytes(DType t, void* dst, int64_t n, const void* value);

// ---- shared kernels of the family (transpose.cc) ----
// Permutes `src` (shape in_shape, any rank) into `dst`: dst dim d is src dim perm[d].
// Used by Transpose, DepthToSpace and SpaceToDepth; picks the copy / blocked 2-D paths.
void transpose_tensor(ThreadPool& pool, DType dtype, const Tensor& src, const Shape& in_shape,
                      const std::vector<int64_t>& perm, Tensor& dst);
// Copies a strided view of src (per-dim element strides, any sign, 0 to broadcast; `offset`
// elements from src's start) into contiguous dst of `shape`. Used by Slice, Expand, Tile.
void strided_copy_tensor(ThreadPool& pool, DType dtype, const Tensor& src, int64_t offset,
                         const Shape& shape, const std::vector<int64_t>& strides, Tensor& dst);

// ---- registration, one function per op file ----
void register_reshape_ops();       // Reshape Flatten Squeeze Unsqueeze Identity Dropout Shape Size
void register_concat_split_ops();  // Concat Split
void register_slice_ops();         // Slice
void register_transpose_ops();     // Transpose DepthToSpace SpaceToDepth
void register_gather_ops();        // Gather GatherElements GatherND Scatter ScatterElements ScatterND
void register_expand_tile_ops();   // Expand Tile
void register_pad_ops();           // Pad
void register_resize_ops();        // Resize Upsample
void register_generator_ops();     // ConstantOfShape Range EyeLike OneHot Trilu NonZero

}  // namespace li
