// Element types. The numeric values are ONNX's TensorProto.DataType, so the loader
// and the binding can pass them through unchanged.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace li {

enum class DType : int32_t {
  Undefined = 0,
  Float32 = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Float64 = 11,
  UInt32 = 12,
  UInt64 = 13,
  BFloat16 = 16,
};

// Bytes per element; 0 for Undefined and String (strings live outside the arena).
size_t dtype_size(DType t);
// The public name used by the JS API ("float32", "int64", ...); "undefined" for unknown.
const char* dtype_name(DType t);
// True for dtypes the runtime knows (a value read from a file may be anything).
bool dtype_valid(int32_t raw);
bool dtype_is_float(DType t);   // float16/bfloat16/float32/float64
bool dtype_is_signed_int(DType t);
bool dtype_is_unsigned_int(DType t);  // includes Bool

// IEEE half and bfloat16 conversions (round to nearest even).
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);
inline float bf16_to_float(uint16_t b) {
  uint32_t u = uint32_t(b) << 16;
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}
uint16_t float_to_bf16(float f);

}  // namespace li
