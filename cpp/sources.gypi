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
      "cpp/ops/fused.cc",
      "cpp/graph/passes/use_counts.cc",
      "cpp/graph/passes/fold_batchnorm.cc",
      "cpp/graph/passes/fuse_activation.cc",
      "cpp/runtime/session.cc",
      "cpp/runtime/memory_planner.cc"
    ],
    "liteinfer_avx2_sources": [],
    "liteinfer_napi_sources": [
      "cpp/napi/addon.cc",
      "cpp/napi/convert.cc",
      "cpp/napi/network.cc"
    ],
    "liteinfer_test_sources": [
      "test/cpp/testing.cc",
      "test/cpp/op_runner.cc",
      "test/cpp/test_runtime.cc"
    ]
  }
}