// MatMul through the registry, including a fused activation on an integer result (the plain
// loop path, where sgemm's epilogue does not apply).
#include "op_runner.h"
#include "testing.h"

using namespace testing;

TEST(matmul_int64_with_fused_relu) {
  OpCall c;
  c.op_type = "MatMul";
  c.domain = "liteinfer";
  c.opset = 1;
  c.inputs = {tensor_i64({2, 2}, {1, -2, -3, 4}), tensor_i64({2, 2}, {(int64_t(1) << 60), 1, 0, 1})};
  c.attrs["activation"] = attr_string("Relu");
  auto out = run_op(c);
  const int64_t* y = out[0].ptr<int64_t>();
  CHECK_EQ(y[0], int64_t(1) << 60);  // stays exact past 2^53
  CHECK_EQ(y[1], int64_t(0));        // 1 - 2 = -1 -> 0
  CHECK_EQ(y[2], int64_t(0));        // -3 * 2^60 -> 0
  CHECK_EQ(y[3], int64_t(1));        // -3 + 4
}

TEST(matmul_float32_batched_broadcast) {
  OpCall c;
  c.op_type = "MatMul";
  c.inputs = {tensor_f32({2, 1, 1, 2}, {1, 2, 3, 4}), tensor_f32({3, 2, 1}, {1, 1, 2, 0, 0, 5})};
  auto out = run_op(c);
  CHECK(out[0].shape == (li::Shape{2, 3, 1, 1}));
  const float* y = out[0].ptr<float>();
  float want[] = {3, 2, 10, 7, 6, 20};
  CHECK_NEAR_ARRAYS(y, want, 6, 1e-6, 1e-6);
}
