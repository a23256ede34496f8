// The element types and SIMD paths of each registered op (cpp/ops/op_types.cc): what
// docs/operators.md and `supportedOps()` report.
#pragma once
#include <cstdint>
#include <string>

#include "ops/eltwise_util.h"

namespace li {

// Which CPU paths have SIMD kernels for an op (all ops have the portable C++ path).
constexpr uint32_t kSimdAvx2 = 1;    // x86-64 AVX2+FMA (also used on AVX-512 CPUs)
constexpr uint32_t kSimdNeon = 2;    // ARM NEON
constexpr uint32_t kSimdAvx512 = 4;  // x86-64 AVX-512 (F+DQ+BW+VL): the GEMM micro-kernel

struct OpTypeInfo {
  DTypeSet types = 0;    // the element types of the op's main type T (0: the op has no input)
  DTypeSet outputs = 0;  // the output types where they differ from T, 0 when they are T
  uint32_t simd = 0;     // kSimd* bits: float32 kernels beyond the portable path
  const char* note = "";
};

// nullptr for an op without an entry (a test keeps the table complete).
const OpTypeInfo* op_type_info(const std::string& domain, const std::string& op_type);

}  // namespace li
