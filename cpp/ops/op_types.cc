// What each registered op computes on: the element types of its main data type T, the output
// types where they are not T, and which ops have SIMD kernels besides the portable path. One
// table for docs/operators.md and `liteinfer inspect`; the ops themselves check their inputs.
// A test asserts every registered op has an entry, and the conformance and op suites only
// feed types listed here (checked when the table was written, from the ops' own checks).
#include "ops/op_types.h"

#include <map>
#include <utility>

namespace li {

namespace {

constexpr DTypeSet F = kFloatTypes;  // float32/float64/float16/bfloat16
constexpr DTypeSet F32 = dt_bit(DType::Float32);
constexpr DTypeSet N = kNumericTypes;
constexpr DTypeSet I = kIntTypes;
constexpr DTypeSet B = kBoolType;
constexpr DTypeSet S = dt_bit(DType::String);
constexpr DTypeSet ANY = kAllTypes | S;
constexpr DTypeSet I64 = dt_bit(DType::Int64);
constexpr DTypeSet IDX = dt_bit(DType::Int32) | I64;
constexpr DTypeSet Q8 = dt_bit(DType::Int8) | dt_bit(DType::UInt8);
constexpr DTypeSet F3 = dt_bit(DType::Float32) | dt_bit(DType::Float64) | dt_bit(DType::Float16);
constexpr DTypeSet SAME = 0;
constexpr uint32_t SIMD = kSimdAvx2;  // float32 SIMD kernels
constexpr uint32_t GEMM = kSimdAvx2 | kSimdAvx512;  // float32 work through the GEMM

struct Row {
  const char* op;
  DTypeSet types, outputs;
  uint32_t simd;
  const char* note;
};

// ai.onnx, alphabetical. `outputs` SAME means the outputs have type T.
const Row kOnnx[] = {
    {"Abs", N, SAME, SIMD, ""},
    {"Acos", F, SAME, 0, ""},
    {"Acosh", F, SAME, 0, ""},
    {"Add", N, SAME, SIMD, ""},
    {"And", B, SAME, 0, ""},
    {"ArgMax", N, I64, 0, ""},
    {"ArgMin", N, I64, 0, ""},
    {"Asin", F, SAME, 0, ""},
    {"Asinh", F, SAME, 0, ""},
    {"Atan", F, SAME, 0, ""},
    {"Atanh", F, SAME, 0, ""},
    {"AveragePool", F32, SAME, 0, ""},
    {"BatchNormalization", F, SAME, 0, "folded into a preceding Conv when inference-only"},
    {"Bernoulli", F, N | B, 0, "output type from 'dtype'"},
    {"BitShift", kUnsignedTypes, SAME, 0, ""},
    {"BitwiseAnd", I, SAME, 0, ""},
    {"BitwiseNot", I, SAME, 0, ""},
    {"BitwiseOr", I, SAME, 0, ""},
    {"BitwiseXor", I, SAME, 0, ""},
    {"BlackmanWindow", IDX, N, 0, "output type from 'output_datatype'"},
    {"Cast", ANY, ANY, 0, ""},
    {"CastLike", ANY, ANY, 0, ""},
    {"Ceil", F, SAME, 0, ""},
    {"Celu", F, SAME, 0, ""},
    {"Clip", N, SAME, SIMD, "integer types from opset 12"},
    {"Col2Im", N, SAME, 0, ""},
    {"Compress", ANY, SAME, 0, ""},
    {"Concat", ANY, SAME, 0, ""},
    {"ConcatFromSequence", ANY, SAME, 0, "input: a sequence of T; new_axis stacks"},
    {"ConstantOfShape", I64, kAllTypes, 0, "output type from 'value'"},
    {"Conv", F32, SAME, GEMM, "1x1 as GEMM, depthwise direct, Winograd F(4x4,3x3), im2col + GEMM"},
    {"ConvInteger", Q8, dt_bit(DType::Int32), 0, ""},
    {"ConvTranspose", F32, SAME, GEMM, ""},
    {"Cos", F, SAME, 0, ""},
    {"Cosh", F, SAME, 0, ""},
    {"CumSum", F | IDX | dt_bit(DType::UInt32) | dt_bit(DType::UInt64), SAME, 0,
     "float16/bfloat16 from opset 14"},
    {"DFT", F, SAME, 0, ""},
    {"DepthToSpace", ANY, SAME, 0, ""},
    {"DequantizeLinear", Q8 | dt_bit(DType::Int32) | dt_bit(DType::Int16) | dt_bit(DType::UInt16),
     F, 0, "16-bit inputs from opset 21; float16/bfloat16 outputs from opset 19"},
    {"Det", F, SAME, 0, ""},
    {"Div", N, SAME, SIMD, ""},
    {"Dropout", ANY, SAME, 0, "inference: identity"},
    {"DynamicQuantizeLinear", F32, dt_bit(DType::UInt8), 0, ""},
    {"Einsum", N, SAME, GEMM, "float32 contractions through GEMM"},
    {"Elu", F, SAME, 0, ""},
    {"Equal", ANY, B, 0, "strings from opset 19"},
    {"Erf", F, SAME, SIMD, ""},
    {"Exp", F, SAME, SIMD, ""},
    {"Expand", ANY, SAME, 0, ""},
    {"EyeLike", ANY, kAllTypes, 0, "output type from 'dtype'"},
    {"Flatten", ANY, SAME, 0, ""},
    {"Floor", F, SAME, 0, ""},
    {"GRU", F3, SAME, GEMM, ""},
    {"Gather", ANY, SAME, 0, ""},
    {"GatherElements", ANY, SAME, 0, ""},
    {"GatherND", ANY, SAME, 0, ""},
    {"Gelu", F, SAME, SIMD, ""},
    {"Gemm", F32, SAME, GEMM, ""},
    {"GlobalAveragePool", F32, SAME, 0, ""},
    {"GlobalMaxPool", F32, SAME, 0, ""},
    {"Greater", N, B, 0, ""},
    {"GreaterOrEqual", N, B, 0, ""},
    {"GridSample", F3, SAME, 0, ""},
    {"GroupNormalization", F, SAME, 0, ""},
    {"HammingWindow", IDX, N, 0, "output type from 'output_datatype'"},
    {"HannWindow", IDX, N, 0, "output type from 'output_datatype'"},
    {"HardSigmoid", F, SAME, SIMD, ""},
    {"HardSwish", F, SAME, SIMD, ""},
    {"Hardmax", F, SAME, 0, ""},
    {"Identity", ANY, SAME, 0, ""},
    {"If", B, ANY, 0, "T is the condition; outputs are the branch's"},
    {"InstanceNormalization", F, SAME, SIMD, ""},
    {"IsInf", F, B, 0, ""},
    {"IsNaN", F, B, 0, ""},
    {"LRN", F, SAME, 0, ""},
    {"LSTM", F3, SAME, GEMM, ""},
    {"LayerNormalization", F, SAME, SIMD, ""},
    {"LeakyRelu", F, SAME, SIMD, ""},
    {"Less", N, B, 0, ""},
    {"LessOrEqual", N, B, 0, ""},
    {"Log", F, SAME, SIMD, ""},
    {"LogSoftmax", F, SAME, SIMD, ""},
    {"Loop", ANY, SAME, 0, "loop-carried and scan values"},
    {"LpNormalization", F, SAME, 0, ""},
    {"MatMul", F32 | dt_bit(DType::Float64) | IDX | dt_bit(DType::UInt32) | dt_bit(DType::UInt64),
     SAME, GEMM, ""},
    {"MatMulInteger", Q8, dt_bit(DType::Int32), 0, ""},
    {"Max", N, SAME, SIMD, ""},
    {"MaxPool", F3 | Q8, SAME, 0, ""},
    {"MaxUnpool", kAllTypes, SAME, 0, ""},
    {"Mean", F, SAME, 0, ""},
    {"MeanVarianceNormalization", F, SAME, 0, ""},
    {"MelWeightMatrix", IDX, N, 0, "output type from 'output_datatype'"},
    {"Min", N, SAME, SIMD, ""},
    {"Mish", F, SAME, 0, ""},
    {"Mod", N, SAME, 0, ""},
    {"Mul", N, SAME, SIMD, ""},
    {"Multinomial", F, IDX, 0, "output type from 'dtype'"},
    {"Neg", F | kSignedTypes, SAME, SIMD, ""},
    {"NegativeLogLikelihoodLoss", F, SAME, 0, ""},
    {"NonMaxSuppression", F32, I64, 0, ""},
    {"NonZero", kAllTypes, I64, 0, ""},
    {"Not", B, SAME, 0, ""},
    {"OneHot", ANY, SAME, 0, "T is the values input"},
    {"Optional", ANY, SAME, 0, "output: an optional of a T tensor or sequence (absent with `type`)"},
    {"OptionalGetElement", ANY, SAME, 0, "input: an optional (18: also a tensor or sequence)"},
    {"OptionalHasElement", ANY, B, 0, "input: an optional (18: also a tensor, a sequence or none)"},
    {"Or", B, SAME, 0, ""},
    {"PRelu", N, SAME, 0, ""},
    {"Pad", ANY, SAME, 0, ""},
    {"Pow", N, SAME, 0, ""},
    {"QLinearConv", Q8, Q8, 0, ""},
    {"QLinearMatMul", Q8, Q8, 0, ""},
    {"QuantizeLinear", F32 | dt_bit(DType::Int32) | dt_bit(DType::Float16) | dt_bit(DType::BFloat16),
     Q8 | dt_bit(DType::Int16) | dt_bit(DType::UInt16), 0,
     "float16/bfloat16 inputs from opset 19; 16-bit outputs from opset 21"},
    {"RNN", F3, SAME, GEMM, ""},
    {"RandomNormal", 0, F, 0, "no input; output type from 'dtype'"},
    {"RandomNormalLike", ANY, F, 0, "output type from 'dtype' (non-float inputs need it)"},
    {"RandomUniform", 0, F, 0, "no input; output type from 'dtype'"},
    {"RandomUniformLike", ANY, F, 0, "output type from 'dtype' (non-float inputs need it)"},
    {"Range", F32 | dt_bit(DType::Float64) | dt_bit(DType::Int16) | IDX, SAME, 0, ""},
    {"Reciprocal", F, SAME, 0, ""},
    {"ReduceL1", N, SAME, 0, ""},
    {"ReduceL2", N, SAME, SIMD, ""},
    {"ReduceLogSum", N, SAME, SIMD, ""},
    {"ReduceLogSumExp", N, SAME, 0, ""},
    {"ReduceMax", N | B, SAME, SIMD, "bool from opset 20"},
    {"ReduceMean", N, SAME, SIMD, ""},
    {"ReduceMin", N | B, SAME, SIMD, "bool from opset 20"},
    {"ReduceProd", N, SAME, 0, ""},
    {"ReduceSum", N, SAME, SIMD, ""},
    {"ReduceSumSquare", N, SAME, SIMD, ""},
    {"Relu", F | kSignedTypes, SAME, SIMD, ""},
    {"Reshape", ANY, SAME, 0, ""},
    {"Resize", ANY, SAME, 0, "linear and cubic modes: float types only"},
    {"ReverseSequence", ANY, SAME, 0, ""},
    {"RoiAlign", F3, SAME, 0, ""},
    {"Round", F, SAME, 0, ""},
    {"STFT", F, SAME, 0, ""},
    {"Scan", ANY, SAME, 0, "state and scan values"},
    {"Scatter", ANY, SAME, 0, ""},
    {"ScatterElements", ANY, SAME, 0, "reductions: numeric types only"},
    {"ScatterND", ANY, SAME, 0, "reductions: numeric types only"},
    {"Selu", F, SAME, 0, ""},
    {"SequenceAt", ANY, SAME, 0, "input: a sequence of T; position int32/int64"},
    {"SequenceConstruct", ANY, SAME, 0, "output: a sequence of T"},
    {"SequenceEmpty", ANY, SAME, 0, "output: an empty sequence of 'dtype'"},
    {"SequenceErase", ANY, SAME, 0, "sequences of T; position int32/int64"},
    {"SequenceInsert", ANY, SAME, 0, "sequences of T; position int32/int64"},
    {"SequenceLength", ANY, I64, 0, "input: a sequence of T"},
    {"SequenceMap", ANY, ANY, 0, "sequences of T (and tensors) in, sequences out, through the body"},
    {"Shape", ANY, I64, 0, ""},
    {"Shrink", N, SAME, 0, ""},
    {"Sigmoid", F, SAME, SIMD, ""},
    {"Sign", N, SAME, 0, ""},
    {"Sin", F, SAME, 0, ""},
    {"Sinh", F, SAME, 0, ""},
    {"Size", ANY, I64, 0, ""},
    {"Slice", ANY, SAME, 0, ""},
    {"Softmax", F, SAME, SIMD, ""},
    {"SoftmaxCrossEntropyLoss", F, SAME, 0, ""},
    {"Softplus", F, SAME, 0, ""},
    {"Softsign", F, SAME, 0, ""},
    {"SpaceToDepth", ANY, SAME, 0, ""},
    {"Split", ANY, SAME, 0, ""},
    {"SplitToSequence", ANY, SAME, 0, "output: a sequence of T"},
    {"Sqrt", F, SAME, SIMD, ""},
    {"Squeeze", ANY, SAME, 0, ""},
    {"StringNormalizer", S, SAME, 0, ""},
    {"Sub", N, SAME, SIMD, ""},
    {"Sum", N, SAME, SIMD, ""},
    {"Tan", F, SAME, 0, ""},
    {"Tanh", F, SAME, SIMD, ""},
    {"TfIdfVectorizer", S | IDX, F32, 0, ""},
    {"ThresholdedRelu", F, SAME, 0, ""},
    {"Tile", ANY, SAME, 0, ""},
    {"TopK", N, SAME, 0, "integer types from opset 11"},
    {"Transpose", ANY, SAME, kSimdAvx2, ""},
    {"Trilu", ANY, SAME, 0, ""},
    {"Unique", ANY, SAME, 0, ""},
    {"Unsqueeze", ANY, SAME, 0, ""},
    {"Upsample", ANY, SAME, 0, "linear mode: float types only"},
    {"Where", ANY, SAME, 0, "T is the X/Y values; the condition is bool"},
    {"Xor", B, SAME, 0, ""},
};

// Fused nodes the graph passes create (domain "liteinfer").
const Row kFused[] = {
    {"Conv", F32, SAME, GEMM, "Conv with a fused activation"},
    {"Gelu", F, SAME, SIMD, "the erf Gelu pattern"},
    {"SiLU", F, SAME, SIMD, "x * sigmoid(x)"},
    {"Gemm", F32, SAME, GEMM, "Gemm with a fused activation"},
    {"MatMul", F32, SAME, GEMM, "MatMul with a fused bias and activation"},
};

using Table = std::map<std::pair<std::string, std::string>, OpTypeInfo>;

const Table& table() {
  static const Table t = [] {
    Table r;
    for (const Row& row : kOnnx) r[{"", row.op}] = {row.types, row.outputs, row.simd, row.note};
    for (const Row& row : kFused) r[{"liteinfer", row.op}] = {row.types, row.outputs, row.simd, row.note};
    return r;
  }();
  return t;
}

}  // namespace

const OpTypeInfo* op_type_info(const std::string& domain, const std::string& op_type) {
  auto it = table().find({domain == "ai.onnx" ? "" : domain, op_type});
  return it == table().end() ? nullptr : &it->second;
}

}  // namespace li
