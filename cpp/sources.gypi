{
  "variables": {
    "liteinfer_engine_sources": [
      "cpp/core/dtype.cc",
      "cpp/core/error.cc",
      "cpp/core/tensor.cc",
      "cpp/core/thread_pool.cc",
      "cpp/cpu/features.cc",
      "cpp/graph/ir.cc",
      "cpp/ops/registry.cc",
      "cpp/ops/elementwise_ops.cc",
      "cpp/ops/math_ops.cc",
      "cpp/ops/tensor_ops.cc",
      "cpp/ops/fused.cc"
    ],
    "liteinfer_avx2_sources": [],
    "liteinfer_napi_sources": [],
    "liteinfer_test_sources": [
      "test/cpp/testing.cc",
      "test/cpp/op_runner.cc"
    ]
  }
}