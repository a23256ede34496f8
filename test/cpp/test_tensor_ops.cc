// Tensor op family (shape and data movement): each op over shapes, attributes and opsets,
// with hand-computed expected values or a naive reference written here.
#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include "cpu/features.h"
#include "kernels/transpose.h"
#include "ops/op.h"
#include "tensor_test_util.h"

using li::Attribute;
using li::DType;
using li::Shape;
using li::Tensor;
using testing::attr_float;
using testing::attr_int;
using testing::attr_ints;
using testing::attr_string;
using tt::Call;

namespace {

// Builds the op for a node (to query is_view / build-time errors).
std::unique_ptr<li::Op> build(const std::string& op, int64_t opset,
                              std::map<std::string, Attribute> attrs = {}, int outputs = 1,
                              int inputs = 1) {
  li::Node node;
  node.name = "n";
  node.op_type = op;
  node.attrs = std::move(attrs);
  for (int i = 0; i < inputs; ++i) node.inputs.push_back("in" + std::to_string(i));
  for (int i = 0; i < outputs; ++i) node.outputs.push_back("out" + std::to_string(i));
  const li::OpFactory* f = li::find_op("", op, opset);
  if (!f) li::fail(li::ErrorCode::UnsupportedOp, op, " ", opset, " not registered");
  li::OpBuildContext ctx{node, opset, {}};
  return (*f)(ctx);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
TEST(tensor_reshape) {
  Tensor x = tt::iota_f32({2, 3, 4});
  Tensor y = Call("Reshape").in(x).in(tt::i64({2}, {4, -1})).run1();
  CHECK_VEC(y.shape, Shape({4, 6}));
  CHECK_VEC(tt::fv(y), tt::fv(x));
  // 0 copies the input dim; -1 in the middle.
  y = Call("Reshape").in(x).in(tt::i64({3}, {0, -1, 2})).run1();
  CHECK_VEC(y.shape, Shape({2, 6, 2}));
  // Scalar target and back.
  y = Call("Reshape").in(tt::f32({1, 1}, {7})).in(tt::i64({0}, {})).run1();
  CHECK_VEC(y.shape, Shape({}));
  CHECK_EQ(y.ptr<float>()[0], 7.f);
  // Empty tensors: 0 copies the zero dim; allowzero=1 keeps a literal 0.
  Tensor e = Tensor::allocate(DType::Float32, {0, 3});
  y = Call("Reshape").in(e).in(tt::i64({2}, {0, 3})).run1();
  CHECK_VEC(y.shape, Shape({0, 3}));
  y = Call("Reshape", 14).in(e).in(tt::i64({3}, {3, 0, 5})).attr("allowzero", attr_int(1)).run1();
  CHECK_VEC(y.shape, Shape({3, 0, 5}));
  CHECK_THROWS(Call("Reshape", 14).in(e).in(tt::i64({2}, {0, -1})).attr("allowzero", attr_int(1)).run(),
               "both -1 and 0");
  // Without allowzero, 0 copies the dim (here 3 -> [3, 0] would be wrong).
  y = Call("Reshape", 14).in(tt::iota_f32({3, 2})).in(tt::i64({2}, {0, 2})).run1();
  CHECK_VEC(y.shape, Shape({3, 2}));
  // Opset 1-4: shape attribute; strings move too.
  y = Call("Reshape", 4).in(tt::str({2, 2}, {"a", "b", "c", "d"})).attr("shape", attr_ints({4})).run1();
  CHECK_VEC(y.shape, Shape({4}));
  CHECK_VEC(tt::sv(y), std::vector<std::string>({"a", "b", "c", "d"}));
  // int64 data.
  y = Call("Reshape").in(tt::iota_i64({6})).in(tt::i64({2}, {-1, 3})).run1();
  CHECK_VEC(tt::iv(y), std::vector<int64_t>({0, 1, 2, 3, 4, 5}));
  // Errors name the node and the shapes.
  CHECK_THROWS(Call("Reshape").in(x).in(tt::i64({2}, {5, -1})).run(),
               "cannot reshape [2,3,4] (24 elements) to [5,-1]");
  CHECK_THROWS(Call("Reshape").in(x).in(tt::i64({2}, {-1, -1})).run(), "more than one -1");
  CHECK_THROWS(Call("Reshape").in(x).in(tt::i64({2}, {5, 5})).run(), "Reshape node 'test_Reshape'");
  CHECK_THROWS(Call("Reshape").in(x).in(tt::i64({2}, {4, -2})).run(), "invalid dimension -2");
  CHECK_THROWS(Call("Reshape").in(x).in(tt::i64({5}, {0, 0, 0, 0, -1})).run(), "has rank 3");
  CHECK(build("Reshape", 13, {}, 1, 2)->is_view());
}

TEST(tensor_reshape_unknown_value) {
  // infer() returns false while the target shape is unknown (plan time), true once known.
  auto op = build("Reshape", 13, {}, 1, 2);
  li::Node node;
  node.name = "r";
  node.op_type = "Reshape";
  li::TensorInfo x{DType::Float32, {2, 3}, nullptr}, s{DType::Int64, {2}, nullptr};
  li::InferContext ctx{node, {&x, &s}, std::vector<li::TensorInfo>(1), 0};
  CHECK(!op->infer(ctx));
  Tensor v = tt::i64({2}, {3, 2});
  s.value = &v;
  CHECK(op->infer(ctx));
  CHECK_VEC(ctx.outputs[0].shape, Shape({3, 2}));
}

TEST(tensor_flatten) {
  Tensor x = tt::iota_f32({2, 3, 4, 5});
  struct Case { int64_t axis; Shape want; };
  for (Case c : {Case{0, {1, 120}}, Case{1, {2, 60}}, Case{2, {6, 20}}, Case{4, {120, 1}},
                 Case{-1, {24, 5}}, Case{-4, {1, 120}}}) {
    Tensor y = Call("Flatten", 13).in(x).attr("axis", attr_int(c.axis)).run1();
    CHECK_VEC(y.shape, c.want);
    CHECK_VEC(tt::fv(y), tt::fv(x));
  }
  CHECK_VEC(Call("Flatten").in(x).run1().shape, Shape({2, 60}));  // default axis 1
  CHECK_VEC(Call("Flatten").in(tt::f32({}, {3})).attr("axis", attr_int(0)).run1().shape, Shape({1, 1}));
  CHECK_THROWS(Call("Flatten", 9).in(x).attr("axis", attr_int(-1)).run(), "non-negative");
  CHECK_THROWS(Call("Flatten").in(x).attr("axis", attr_int(5)).run(), "out of range");
  CHECK(build("Flatten", 13)->is_view());
}

TEST(tensor_squeeze_unsqueeze) {
  Tensor x = tt::iota_f32({1, 3, 1, 2});
  // Opset 11: attribute axes, negative allowed.
  Tensor y = Call("Squeeze", 11).in(x).attr("axes", attr_ints({0, -2})).run1();
  CHECK_VEC(y.shape, Shape({3, 2}));
  CHECK_VEC(tt::fv(y), tt::fv(x));
  // Opset 13: axes input; no axes: every 1 goes.
  CHECK_VEC(Call("Squeeze", 13).in(x).in(tt::i64({1}, {2})).run1().shape, Shape({1, 3, 2}));
  CHECK_VEC(Call("Squeeze", 13).in(x).run1().shape, Shape({3, 2}));
  CHECK_VEC(Call("Squeeze", 13).in(tt::f32({1, 1}, {5})).run1().shape, Shape({}));
  CHECK_THROWS(Call("Squeeze", 13).in(x).in(tt::i64({1}, {1})).run(),
               "cannot squeeze axis 1 of input [1,3,1,2]: its size is 3");
  CHECK_THROWS(Call("Squeeze", 13).in(x).in(tt::i64({1}, {4})).run(), "out of range");
  // Unsqueeze: axes index the output; negative counts from the output's end.
  Tensor z = tt::iota_i64({3, 4});
  CHECK_VEC(Call("Unsqueeze", 13).in(z).in(tt::i64({2}, {0, 3})).run1().shape, Shape({1, 3, 4, 1}));
  CHECK_VEC(Call("Unsqueeze", 13).in(z).in(tt::i64({2}, {-1, 1})).run1().shape, Shape({3, 1, 4, 1}));
  CHECK_VEC(Call("Unsqueeze", 11).in(z).attr("axes", attr_ints({1})).run1().shape, Shape({3, 1, 4}));
  CHECK_VEC(Call("Unsqueeze", 13).in(tt::f32({}, {2})).in(tt::i64({1}, {0})).run1().shape, Shape({1}));
  CHECK_VEC(tt::iv(Call("Unsqueeze", 13).in(z).in(tt::i64({1}, {0})).run1()), tt::iv(z));
  CHECK_THROWS(Call("Unsqueeze", 13).in(z).in(tt::i64({2}, {1, -3})).run(), "duplicate");
  CHECK_THROWS(Call("Unsqueeze", 13).in(z).in(tt::i64({1}, {3})).run(), "out of range");
  CHECK_THROWS(build("Unsqueeze", 11), "'axes' is required");
  // Empty tensor.
  Tensor e = Tensor::allocate(DType::Float32, {0, 1});
  CHECK_VEC(Call("Squeeze", 13).in(e).run1().shape, Shape({0}));
  CHECK(build("Squeeze", 13)->is_view());
  CHECK(build("Unsqueeze", 13, {}, 1, 2)->is_view());
}

TEST(tensor_identity_dropout) {
  Tensor s = tt::str({3}, {"x", "", "zz"});
  CHECK_VEC(tt::sv(Call("Identity").in(s).run1()), tt::sv(s));
  CHECK(build("Identity", 16)->is_view());
  Tensor x = tt::f32({2, 2}, {1, -2, 3, 4});
  // Opset 12+: optional ratio/training_mode; mask is bool, all true.
  auto outs = Call("Dropout", 13).in(x).in(tt::f32({}, {0.5f})).outs(2).run();
  CHECK_VEC(tt::fv(outs[0]), tt::fv(x));
  CHECK(outs[1].dtype == DType::Bool);
  CHECK_VEC(tt::iv(outs[1]), std::vector<int64_t>({1, 1, 1, 1}));
  outs = Call("Dropout", 13).in(x).in(tt::f32({}, {0.5f})).in(tt::boolean({}, {0})).outs(2).run();
  CHECK_VEC(tt::fv(outs[0]), tt::fv(x));
  // Training mode: each value is dropped (0, mask false) or scaled by 1 / (1 - ratio); ratio 0
  // keeps everything; a ratio outside [0, 1) is an error.
  outs = Call("Dropout", 13).in(x).in(tt::f32({}, {0.5f})).in(tt::boolean({}, {1})).outs(2).run();
  for (size_t i = 0; i < 4; ++i)
    CHECK(tt::fv(outs[0])[i] == (tt::iv(outs[1])[i] ? 2 * tt::fv(x)[i] : 0.f));
  outs = Call("Dropout", 13).in(x).in(tt::f32({}, {0.f})).in(tt::boolean({}, {1})).dynamic().outs(2).run();
  CHECK_VEC(tt::fv(outs[0]), tt::fv(x));
  CHECK_VEC(tt::iv(outs[1]), std::vector<int64_t>({1, 1, 1, 1}));
  CHECK_THROWS(Call("Dropout", 13).in(x).in(tt::f32({}, {1.f})).in(tt::boolean({}, {1})).run(), "ratio");
  // Opset 7-9: mask has the input's type (ones); opset 10: bool.
  outs = Call("Dropout", 7).in(x).attr("ratio", attr_float(0.3f)).outs(2).run();
  CHECK(outs[1].dtype == DType::Float32);
  CHECK_VEC(tt::fv(outs[1]), std::vector<float>({1, 1, 1, 1}));
  CHECK(Call("Dropout", 10).in(x).outs(2).run()[1].dtype == DType::Bool);
  // A view only when the mask is not wanted (the mask must be written by run()).
  CHECK(build("Dropout", 13, {}, 1)->is_view());
  CHECK(!build("Dropout", 13, {}, 2)->is_view());
}

TEST(tensor_shape_size) {
  Tensor x = Tensor::allocate(DType::Float32, {2, 0, 5, 7});
  CHECK_VEC(tt::iv(Call("Shape").in(x).run1()), std::vector<int64_t>({2, 0, 5, 7}));
  struct Case { int64_t start; bool has_end; int64_t end; std::vector<int64_t> want; };
  for (const Case& c : {Case{1, false, 0, {0, 5, 7}}, Case{-1, false, 0, {7}},
                        Case{1, true, 3, {0, 5}}, Case{0, true, -1, {2, 0, 5}},
                        Case{-10, true, 10, {2, 0, 5, 7}}, Case{3, true, 1, {}}}) {
    Call call("Shape", 15);
    call.in(x).attr("start", attr_int(c.start));
    if (c.has_end) call.attr("end", attr_int(c.end));
    Tensor y = call.run1();
    CHECK(y.dtype == DType::Int64);
    CHECK_VEC(tt::iv(y), c.want);
  }
  Tensor s = Call("Shape").in(tt::f32({}, {1})).run1();
  CHECK_VEC(s.shape, Shape({0}));
  Tensor n = Call("Size").in(tt::iota_f32({3, 5})).run1();
  CHECK_VEC(n.shape, Shape({}));
  CHECK_EQ(n.ptr<int64_t>()[0], 15);
  CHECK_EQ(Call("Size").in(x).run1().ptr<int64_t>()[0], 0);
}

// ---------------------------------------------------------------------------------------------
TEST(tensor_concat) {
  Tensor a = tt::iota_f32({2, 3}), b = tt::f32({2, 1}, {10, 11});
  Tensor y = Call("Concat").in(a).in(b).attr("axis", attr_int(1)).run1();
  CHECK_VEC(y.shape, Shape({2, 4}));
  CHECK_VEC(tt::fv(y), std::vector<float>({0, 1, 2, 10, 3, 4, 5, 11}));
  y = Call("Concat").in(b).in(a).attr("axis", attr_int(-1)).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({10, 0, 1, 2, 11, 3, 4, 5}));
  // Axis 0 with an empty input in the middle.
  Tensor e = Tensor::allocate(DType::Float32, {0, 3});
  y = Call("Concat").in(a).in(e).in(tt::f32({1, 3}, {7, 8, 9})).attr("axis", attr_int(0)).run1();
  CHECK_VEC(y.shape, Shape({3, 3}));
  CHECK_VEC(tt::fv(y), std::vector<float>({0, 1, 2, 3, 4, 5, 7, 8, 9}));
  // All empty.
  CHECK_VEC(Call("Concat").in(e).in(e).attr("axis", attr_int(0)).run1().shape, Shape({0, 3}));
  // Strings and int64.
  Tensor s = Call("Concat").in(tt::str({1, 2}, {"a", "b"})).in(tt::str({1, 1}, {"c"}))
                 .attr("axis", attr_int(1)).run1();
  CHECK_VEC(tt::sv(s), std::vector<std::string>({"a", "b", "c"}));
  Tensor i = Call("Concat").in(tt::iota_i64({2})).in(tt::iota_i64({3}, 5)).attr("axis", attr_int(0)).run1();
  CHECK_VEC(tt::iv(i), std::vector<int64_t>({0, 1, 5, 6, 7}));
  // Large, multi-threaded, odd sizes vs a naive loop: [5, k, 33] on axis 1.
  std::vector<Tensor> parts;
  Call big("Concat");
  big.attr("axis", attr_int(1)).threads(3);
  int64_t total = 0;
  for (int64_t k : {1, 7, 0, 130, 2}) {
    Tensor t = Tensor::allocate(DType::Float32, {5, k, 33});
    for (int64_t j = 0; j < t.numel(); ++j) t.ptr<float>()[j] = float(k * 100000 + j);
    parts.push_back(t);
    big.in(t);
    total += k;
  }
  Tensor out = big.run1();
  CHECK_VEC(out.shape, Shape({5, total, 33}));
  bool ok = true;
  for (int64_t o = 0, pos = 0; o < 5; ++o)
    for (const Tensor& t : parts)
      for (int64_t j = 0; j < t.shape[1] * 33; ++j, ++pos)
        ok = ok && out.ptr<float>()[pos] == t.ptr<float>()[o * t.shape[1] * 33 + j];
  CHECK(ok);
  CHECK_THROWS(Call("Concat").in(a).in(tt::iota_f32({3, 3})).attr("axis", attr_int(1)).run(),
               "incompatible with [2,3]");
  CHECK_THROWS(Call("Concat").in(a).in(tt::iota_i64({2, 3})).attr("axis", attr_int(1)).run(), "dtype");
  CHECK_THROWS(Call("Concat").in(a).attr("axis", attr_int(2)).run(), "out of range");
  CHECK_THROWS(build("Concat", 13), "'axis' is required");
}

TEST(tensor_split) {
  Tensor x = tt::iota_f32({2, 6});
  // Opset 11 attribute sizes, axis 1.
  auto outs = Call("Split", 11).in(x).attr("axis", attr_int(1)).attr("split", attr_ints({1, 2, 3})).outs(3).run();
  CHECK_VEC(tt::fv(outs[0]), std::vector<float>({0, 6}));
  CHECK_VEC(tt::fv(outs[1]), std::vector<float>({1, 2, 7, 8}));
  CHECK_VEC(tt::fv(outs[2]), std::vector<float>({3, 4, 5, 9, 10, 11}));
  // Opset 13 sizes input, negative axis, a zero-size part.
  outs = Call("Split", 13).in(x).in(tt::i64({3}, {4, 0, 2})).attr("axis", attr_int(-1)).outs(3).run();
  CHECK_VEC(outs[0].shape, Shape({2, 4}));
  CHECK_VEC(outs[1].shape, Shape({2, 0}));
  CHECK_VEC(tt::fv(outs[2]), std::vector<float>({4, 5, 10, 11}));
  // Equal parts along axis 0; strings.
  outs = Call("Split", 13).in(tt::str({4}, {"a", "b", "c", "d"})).outs(2).run();
  CHECK_VEC(tt::sv(outs[1]), std::vector<std::string>({"c", "d"}));
  outs = Call("Split", 13).in(x).in(tt::i64({0}, {})).attr("axis", attr_int(1)).outs(3).run();
  CHECK_VEC(tt::fv(outs[2]), std::vector<float>({4, 5, 10, 11}));  // empty split: equal parts
  CHECK_THROWS(Call("Split", 13).in(x).attr("axis", attr_int(1)).outs(4).run(), "cannot be split evenly");
  CHECK_THROWS(Call("Split", 13).in(x).in(tt::i64({2}, {1, 2})).attr("axis", attr_int(1)).outs(2).run(),
               "sums to 3");
  CHECK_THROWS(Call("Split", 13).in(x).in(tt::i64({2}, {1, 5})).attr("axis", attr_int(1)).outs(3).run(),
               "has 2 entries");
  // Opset 18 num_outputs: ceil-sized chunks, the last smaller.
  outs = Call("Split", 18).in(tt::iota_i64({7})).attr("num_outputs", attr_int(3)).outs(3).run();
  CHECK_VEC(tt::iv(outs[0]), std::vector<int64_t>({0, 1, 2}));
  CHECK_VEC(tt::iv(outs[1]), std::vector<int64_t>({3, 4, 5}));
  CHECK_VEC(tt::iv(outs[2]), std::vector<int64_t>({6}));
  // Large odd split, 3 threads.
  Tensor big = tt::iota_f32({3, 1001, 5});
  outs = Call("Split", 13).in(big).in(tt::i64({3}, {500, 1, 500})).attr("axis", attr_int(1)).outs(3).threads(3).run();
  CHECK_EQ(outs[2].ptr<float>()[0], float(501 * 5));
  CHECK_EQ(outs[2].ptr<float>()[500 * 5], float(1001 * 5 + 501 * 5));
  CHECK_EQ(outs[1].ptr<float>()[5], float(1001 * 5 + 500 * 5));
}

namespace {

// Naive Slice reference (ONNX spec formulas, opset 10+) on int64 data.
std::vector<int64_t> slice_ref(const Tensor& x, std::vector<int64_t> starts, std::vector<int64_t> ends,
                               std::vector<int64_t> axes, std::vector<int64_t> steps, Shape* out) {
  size_t r = x.shape.size();
  std::vector<int64_t> st(r, 0), sp(r, 1), ln(x.shape.begin(), x.shape.end());
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t a = axes[i] < 0 ? axes[i] + int64_t(r) : axes[i];
    int64_t d = x.shape[size_t(a)], s = starts[i], e = ends[i], k = steps[i];
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (k > 0) { s = std::clamp<int64_t>(s, 0, d); e = std::clamp<int64_t>(e, 0, d); }
    else { s = std::clamp<int64_t>(s, 0, d - 1); e = std::clamp<int64_t>(e, -1, d - 1); }
    int64_t n = 0;
    for (int64_t v = s; k > 0 ? v < e : v > e; v += k) ++n;
    st[size_t(a)] = s; sp[size_t(a)] = k; ln[size_t(a)] = n;
  }
  *out = Shape(ln.begin(), ln.end());
  std::vector<int64_t> res;
  int64_t total = 1;
  for (int64_t v : ln) total *= v;
  std::vector<int64_t> strides(r, 1);
  for (size_t d = r; d-- > 1;) strides[d - 1] = strides[d] * x.shape[d];
  for (int64_t k = 0; k < total; ++k) {
    int64_t rem = k, off = 0;
    for (size_t d = r; d-- > 0;) {
      int64_t i = rem % ln[d];
      rem /= ln[d];
      off += (st[d] + i * sp[d]) * strides[d];
    }
    res.push_back(x.ptr<int64_t>()[off]);
  }
  return res;
}

}  // namespace

TEST(tensor_slice) {
  const int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  Tensor x = tt::iota_i64({3, 4, 5});
  // Opset 9 attributes.
  Tensor y = Call("Slice", 9).in(x).attr("starts", attr_ints({1, -3})).attr("ends", attr_ints({1000, -1}))
                 .attr("axes", attr_ints({0, 2})).run1();
  CHECK_VEC(y.shape, Shape({2, 4, 2}));
  CHECK_EQ(tt::iv(y)[0], 20 + 2);
  // Opset 13: negative steps, sentinels, clamping.
  Tensor r = Call("Slice").in(tt::iota_i64({6})).in(tt::i64({1}, {kMax})).in(tt::i64({1}, {kMin}))
                 .in(tt::i64({1}, {0})).in(tt::i64({1}, {-1})).run1();
  CHECK_VEC(tt::iv(r), std::vector<int64_t>({5, 4, 3, 2, 1, 0}));
  r = Call("Slice").in(tt::iota_i64({6})).in(tt::i64({1}, {-2})).in(tt::i64({1}, {0}))
          .none().in(tt::i64({1}, {-3})).run1();
  CHECK_VEC(tt::iv(r), std::vector<int64_t>({4, 1}));
  r = Call("Slice").in(tt::iota_i64({6})).in(tt::i64({1}, {1})).in(tt::i64({1}, {kMax}))
          .none().in(tt::i64({1}, {kMax})).run1();
  CHECK_VEC(tt::iv(r), std::vector<int64_t>({1}));
  r = Call("Slice").in(tt::iota_i64({6})).in(tt::i64({1}, {4})).in(tt::i64({1}, {2})).run1();
  CHECK_VEC(r.shape, Shape({0}));
  r = Call("Slice").in(tt::iota_i64({6})).in(tt::i32({1}, {5})).in(tt::i32({1}, {-100}))
          .in(tt::i32({1}, {-1})).in(tt::i32({1}, {-2})).run1();
  CHECK_VEC(tt::iv(r), std::vector<int64_t>({5, 3, 1}));
  // Strings.
  Tensor s = Call("Slice").in(tt::str({4}, {"a", "b", "c", "d"})).in(tt::i64({1}, {-1}))
                 .in(tt::i64({1}, {0})).in(tt::i64({1}, {0})).in(tt::i64({1}, {-2})).run1();
  CHECK_VEC(tt::sv(s), std::vector<std::string>({"d", "b"}));
  // Randomized vs the naive reference: rank 1..4, odd dims, random starts/ends/steps.
  uint32_t seed = 12345;
  auto rnd = [&](int64_t lo, int64_t hi) {
    seed = seed * 1664525u + 1013904223u;
    return lo + int64_t((seed >> 8) % uint32_t(hi - lo + 1));
  };
  for (int iter = 0; iter < 300; ++iter) {
    int64_t rank = rnd(1, 4);
    Shape shape;
    for (int64_t d = 0; d < rank; ++d) shape.push_back(rnd(0, 7));
    Tensor data = tt::iota_i64(shape);
    std::vector<int64_t> axes, starts, ends, steps;
    for (int64_t d = 0; d < rank; ++d) {
      if (rnd(0, 3) == 0) continue;
      axes.push_back(rnd(0, 1) ? d : d - rank);
      starts.push_back(rnd(0, 9) == 0 ? kMin : rnd(-9, 9));
      ends.push_back(rnd(0, 9) == 0 ? kMax : rnd(-9, 9));
      int64_t k = rnd(-3, 3);
      steps.push_back(k == 0 ? 1 : k);
    }
    int64_t n = int64_t(axes.size());
    Shape want_shape;
    std::vector<int64_t> want = slice_ref(data, starts, ends, axes, steps, &want_shape);
    Tensor got = Call("Slice").in(data).in(tt::i64({n}, starts)).in(tt::i64({n}, ends))
                     .in(tt::i64({n}, axes)).in(tt::i64({n}, steps)).threads(iter % 3 + 1).run1();
    CHECK_VEC(got.shape, want_shape);
    CHECK_VEC(tt::iv(got), want);
  }
  CHECK_THROWS(Call("Slice").in(x).in(tt::i64({1}, {0})).in(tt::i64({1}, {1})).in(tt::i64({1}, {0}))
                   .in(tt::i64({1}, {0})).run(), "zero step");
  CHECK_THROWS(Call("Slice").in(x).in(tt::i64({2}, {0, 0})).in(tt::i64({2}, {1, 1}))
                   .in(tt::i64({2}, {1, -2})).run(), "repeats axis");
  CHECK_THROWS(Call("Slice").in(x).in(tt::i64({1}, {0})).in(tt::i64({1}, {1})).in(tt::i64({1}, {3})).run(),
               "out of range");
  CHECK_THROWS(Call("Slice").in(x).in(tt::i64({2}, {0, 0})).in(tt::i64({1}, {1})).run(), "differ in length");
}

// ---------------------------------------------------------------------------------------------
namespace {

// Naive strided transpose: out[i] = in[sum idx_k * in_stride[perm[k]]], any element type.
template <class T>
std::vector<T> transpose_ref(const std::vector<T>& in, const Shape& shape, const std::vector<int64_t>& perm) {
  size_t r = shape.size();
  std::vector<int64_t> st(r, 1);
  for (size_t d = r; d-- > 1;) st[d - 1] = st[d] * shape[d];
  std::vector<T> out(in.size());
  for (size_t k = 0; k < in.size(); ++k) {
    int64_t rem = int64_t(k), off = 0;
    for (size_t d = r; d-- > 0;) {
      int64_t n = shape[size_t(perm[d])];
      off += (rem % n) * st[size_t(perm[d])];
      rem /= n;
    }
    out[k] = in[size_t(off)];
  }
  return out;
}

template <class T>
Tensor typed_iota(DType dt, const Shape& s) {
  Tensor t = Tensor::allocate(dt, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.ptr<T>()[i] = T(i * 2654435761u);
  return t;
}

}  // namespace

TEST(tensor_transpose_random_perms) {
  uint32_t seed = 99;
  auto rnd = [&](int lo, int hi) {
    seed = seed * 1664525u + 1013904223u;
    return lo + int((seed >> 8) % uint32_t(hi - lo + 1));
  };
  const int64_t kDims[] = {1, 2, 3, 5, 7, 8, 9, 13, 17, 33};
  int checked = 0;
  for (int iter = 0; iter < 400; ++iter) {
    int rank = rnd(2, 5);
    Shape shape;
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) {
      shape.push_back(kDims[rnd(0, rank >= 4 ? 6 : 9)]);
      n *= shape.back();
    }
    if (iter % 50 == 7) shape[size_t(rnd(0, rank - 1))] = 0;
    std::vector<int64_t> perm(static_cast<size_t>(rank));
    std::iota(perm.begin(), perm.end(), 0);
    for (int d = rank - 1; d > 0; --d) std::swap(perm[size_t(d)], perm[size_t(rnd(0, d))]);
    Shape out_shape;
    for (int64_t p : perm) out_shape.push_back(shape[size_t(p)]);
    int threads = 1 + iter % 3;
    // Every element size, plus strings now and then.
    int kind = iter % 5;
    if (kind == 0) {
      Tensor x = typed_iota<uint32_t>(DType::Float32, shape);
      Tensor y = Call("Transpose").in(x).attr("perm", attr_ints(perm)).threads(threads).run1();
      std::vector<uint32_t> in(x.ptr<uint32_t>(), x.ptr<uint32_t>() + x.numel());
      CHECK_VEC(y.shape, out_shape);
      CHECK(std::vector<uint32_t>(y.ptr<uint32_t>(), y.ptr<uint32_t>() + y.numel()) == transpose_ref(in, shape, perm));
    } else if (kind == 1) {
      Tensor x = typed_iota<uint64_t>(DType::Int64, shape);
      Tensor y = Call("Transpose").in(x).attr("perm", attr_ints(perm)).threads(threads).run1();
      std::vector<uint64_t> in(x.ptr<uint64_t>(), x.ptr<uint64_t>() + x.numel());
      CHECK(std::vector<uint64_t>(y.ptr<uint64_t>(), y.ptr<uint64_t>() + y.numel()) == transpose_ref(in, shape, perm));
    } else if (kind == 2) {
      Tensor x = typed_iota<uint16_t>(DType::Float16, shape);
      Tensor y = Call("Transpose").in(x).attr("perm", attr_ints(perm)).threads(threads).run1();
      std::vector<uint16_t> in(x.ptr<uint16_t>(), x.ptr<uint16_t>() + x.numel());
      CHECK(std::vector<uint16_t>(y.ptr<uint16_t>(), y.ptr<uint16_t>() + y.numel()) == transpose_ref(in, shape, perm));
    } else if (kind == 3) {
      Tensor x = typed_iota<uint8_t>(DType::UInt8, shape);
      Tensor y = Call("Transpose").in(x).attr("perm", attr_ints(perm)).threads(threads).run1();
      std::vector<uint8_t> in(x.ptr<uint8_t>(), x.ptr<uint8_t>() + x.numel());
      CHECK(std::vector<uint8_t>(y.ptr<uint8_t>(), y.ptr<uint8_t>() + y.numel()) == transpose_ref(in, shape, perm));
    } else if (n <= 5000) {
      std::vector<std::string> in;
      for (int64_t i = 0; i < n; ++i) in.push_back("s" + std::to_string(i));
      Tensor y = Call("Transpose").in(tt::str(shape, in)).attr("perm", attr_ints(perm)).threads(threads).run1();
      CHECK(tt::sv(y) == transpose_ref(in, shape, perm));
    }
    ++checked;
  }
  CHECK_EQ(checked, 400);
}

TEST(tensor_transpose_fast_paths) {
  // Default perm reverses the dims.
  Tensor x = tt::iota_f32({2, 3});
  Tensor y = Call("Transpose").in(x).run1();
  CHECK_VEC(y.shape, Shape({3, 2}));
  CHECK_VEC(tt::fv(y), std::vector<float>({0, 3, 1, 4, 2, 5}));
  // Identity (also after dropping 1-dims) is a copy.
  Tensor z = tt::iota_f32({3, 1, 4});
  CHECK_VEC(tt::fv(Call("Transpose").in(z).attr("perm", attr_ints({1, 0, 2})).run1()), tt::fv(z));
  // NCHW <-> NHWC on a realistic odd shape, 2 threads, vs the reference.
  for (Shape s : {Shape{2, 3, 17, 19}, Shape{1, 64, 15, 15}, Shape{2, 33, 8, 9}}) {
    Tensor a = tt::iota_f32(s);
    std::vector<float> in = tt::fv(a);
    Tensor nhwc = Call("Transpose").in(a).attr("perm", attr_ints({0, 2, 3, 1})).run1();
    CHECK(tt::fv(nhwc) == transpose_ref(in, s, {0, 2, 3, 1}));
    Tensor back = Call("Transpose").in(nhwc).attr("perm", attr_ints({0, 3, 1, 2})).run1();
    CHECK(tt::fv(back) == in);
  }
  // Large 2-D, several threads (blocked path with row blocks).
  Tensor big = tt::iota_f32({257, 131});
  Tensor bt = Call("Transpose").in(big).threads(3).run1();
  CHECK(tt::fv(bt) == transpose_ref(tt::fv(big), {257, 131}, {1, 0}));
  // Scalars and rank 1.
  CHECK_VEC(tt::fv(Call("Transpose").in(tt::f32({}, {4})).run1()), std::vector<float>({4}));
  CHECK_THROWS(Call("Transpose").in(x).attr("perm", attr_ints({0, 0})).run(), "not a permutation");
  CHECK_THROWS(Call("Transpose").in(x).attr("perm", attr_ints({0})).run(), "expected the input rank 2");
}

// 2-D transpose kernels: each tier's variants vs the reference over edge sizes and leading
// dimensions larger than the block (exact: pure moves).
TEST(tensor_transpose_kernels) {
  const li::TransposeKernels& ref = li::transpose_kernels_for(li::CpuTier::Generic);
  const li::TransposeKernels& best = li::transpose_kernels_for(li::cpu_tier());
  const int64_t sizes[] = {1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 127};
  for (int v = 0; v < 4; ++v) {
    size_t es = size_t(1) << v;
    for (int64_t rows : sizes)
      for (int64_t cols : sizes) {
        int64_t sld = cols + (rows % 3), dld = rows + (cols % 2);
        std::vector<uint8_t> src(size_t(rows * sld) * es);
        for (size_t i = 0; i < src.size(); ++i) src[i] = uint8_t(i * 131 + 7);
        std::vector<uint8_t> a(size_t(cols * dld) * es, 0xAB), b(a);
        ref.t2d[v](src.data(), sld, a.data(), dld, rows, cols);
        best.t2d[v](src.data(), sld, b.data(), dld, rows, cols);
        CHECK(a == b);
        // Spot-check the reference itself.
        int64_t r = rows / 2, c = cols - 1;
        CHECK(std::memcmp(&a[size_t(c * dld + r) * es], &src[size_t(r * sld + c) * es], es) == 0);
        CHECK(a[size_t(dld - 1) * es] == (dld > rows ? 0xAB : a[size_t(dld - 1) * es]));
      }
  }
}

// ---------------------------------------------------------------------------------------------
TEST(tensor_gather) {
  Tensor x = tt::iota_f32({3, 4});
  // axis 0, 2-D indices with a negative one.
  Tensor y = Call("Gather").in(x).in(tt::i64({2, 2}, {0, -1, 2, 1})).run1();
  CHECK_VEC(y.shape, Shape({2, 2, 4}));
  CHECK_VEC(tt::fv(y), std::vector<float>({0, 1, 2, 3, 8, 9, 10, 11, 8, 9, 10, 11, 4, 5, 6, 7}));
  // axis -1, scalar index (removes the axis), int32 indices.
  y = Call("Gather").in(x).in(tt::i32({}, {2})).attr("axis", attr_int(-1)).run1();
  CHECK_VEC(y.shape, Shape({3}));
  CHECK_VEC(tt::fv(y), std::vector<float>({2, 6, 10}));
  // Strings, int64 data, empty indices.
  Tensor s = Call("Gather").in(tt::str({3}, {"a", "b", "c"})).in(tt::i64({2}, {2, 0})).run1();
  CHECK_VEC(tt::sv(s), std::vector<std::string>({"c", "a"}));
  Tensor e = Call("Gather").in(tt::iota_i64({3, 2})).in(tt::i64({0}, {})).attr("axis", attr_int(1)).run1();
  CHECK_VEC(e.shape, Shape({3, 0}));
  // Larger, threaded, inner == 1 and inner > 1.
  Tensor big = tt::iota_f32({7, 300, 3});
  std::vector<int64_t> idx;
  for (int i = 0; i < 500; ++i) idx.push_back((i * 37) % 300 - (i % 2 ? 300 : 0));
  Tensor g = Call("Gather").in(big).in(tt::i64({500}, idx)).attr("axis", attr_int(1)).threads(3).run1();
  bool ok = true;
  for (int64_t o = 0; o < 7; ++o)
    for (int64_t i = 0; i < 500; ++i)
      for (int64_t c = 0; c < 3; ++c) {
        int64_t j = idx[size_t(i)] < 0 ? idx[size_t(i)] + 300 : idx[size_t(i)];
        ok = ok && g.ptr<float>()[(o * 500 + i) * 3 + c] == float((o * 300 + j) * 3 + c);
      }
  CHECK(ok);
  // Out-of-range: a constant index is a model error (infer); a fed one fails at run time.
  CHECK_THROWS(Call("Gather").in(x).in(tt::i64({2}, {0, 3})).run(),
               "index 3 at position 1 of 'indices' is out of range for axis 0 of 'data' (size 3");
  try {
    Call("Gather").in(x).in(tt::i64({1}, {-4})).dynamic().run();
    CHECK(false);
  } catch (const li::Error& err) {
    CHECK(err.code() == li::ErrorCode::InvalidInput);
    CHECK(std::string(err.what()).find("Gather node 'test_Gather'") != std::string::npos);
  }
  CHECK_THROWS(Call("Gather").in(x).in(tt::f32({1}, {0})).run(), "int32 or int64");
  CHECK_THROWS(Call("Gather").in(x).in(tt::i64({1}, {0})).attr("axis", attr_int(2)).run(), "out of range");
}

TEST(tensor_gather_elements) {
  Tensor x = tt::f32({2, 2}, {1, 2, 3, 4});
  Tensor y = Call("GatherElements").in(x).in(tt::i64({2, 2}, {0, 0, 1, 0})).attr("axis", attr_int(1)).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 1, 4, 3}));
  Tensor x3 = tt::iota_f32({3, 3});
  y = Call("GatherElements").in(x3).in(tt::i32({2, 3}, {1, 2, 0, 2, 0, -3})).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({3, 7, 2, 6, 1, 2}));
  // Indices smaller than data on the other axes; axis -1, rank 3, vs a naive loop.
  Tensor d = tt::iota_i64({3, 4, 5});
  std::vector<int64_t> iv;
  for (int i = 0; i < 2 * 3 * 7; ++i) iv.push_back((i * 7) % 5 - (i % 3 == 0 ? 5 : 0));
  Tensor g = Call("GatherElements").in(d).in(tt::i64({2, 3, 7}, iv)).attr("axis", attr_int(-1)).run1();
  bool ok = true;
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t c = 0; c < 7; ++c) {
        int64_t j = iv[size_t((a * 3 + b) * 7 + c)];
        if (j < 0) j += 5;
        ok = ok && g.ptr<int64_t>()[(a * 3 + b) * 7 + c] == (a * 4 + b) * 5 + j;
      }
  CHECK(ok);
  CHECK_THROWS(Call("GatherElements").in(x).in(tt::i64({2, 3}, {0, 0, 0, 0, 0, 0})).run(), "exceeds");
  CHECK_THROWS(Call("GatherElements").in(x).in(tt::i64({1, 1}, {2})).run(), "out of range");
  CHECK_THROWS(Call("GatherElements").in(x).in(tt::i64({2}, {0, 0})).run(), "rank");
}

TEST(tensor_gather_nd) {
  // ONNX spec examples.
  Tensor d = tt::i64({2, 2}, {0, 1, 2, 3});
  CHECK_VEC(tt::iv(Call("GatherND").in(d).in(tt::i64({2, 2}, {0, 0, 1, 1})).run1()), std::vector<int64_t>({0, 3}));
  Tensor y = Call("GatherND").in(d).in(tt::i64({2, 1}, {1, 0})).run1();
  CHECK_VEC(y.shape, Shape({2, 2}));
  CHECK_VEC(tt::iv(y), std::vector<int64_t>({2, 3, 0, 1}));
  Tensor d3 = tt::iota_i64({2, 2, 2});
  y = Call("GatherND").in(d3).in(tt::i64({2, 1, 2}, {0, 1, 1, 0})).run1();
  CHECK_VEC(y.shape, Shape({2, 1, 2}));
  CHECK_VEC(tt::iv(y), std::vector<int64_t>({2, 3, 4, 5}));
  // batch_dims = 1.
  y = Call("GatherND").in(d3).in(tt::i64({2, 1}, {1, 0})).attr("batch_dims", attr_int(1)).run1();
  CHECK_VEC(y.shape, Shape({2, 2}));
  CHECK_VEC(tt::iv(y), std::vector<int64_t>({2, 3, 4, 5}));
  // Negative index, strings.
  Tensor s = Call("GatherND").in(tt::str({2, 2}, {"a", "b", "c", "d"})).in(tt::i64({1, 2}, {-1, -2})).run1();
  CHECK_VEC(tt::sv(s), std::vector<std::string>({"c"}));
  CHECK_THROWS(Call("GatherND").in(d).in(tt::i64({1, 2}, {0, 2})).run(), "axis 1 of 'data'");
  CHECK_THROWS(Call("GatherND").in(d).in(tt::i64({1, 3}, {0, 0, 0})).run(), "expected 1..2");
}

TEST(tensor_scatter) {
  // ScatterElements spec example (axis 1) and reductions.
  Tensor x = tt::f32({1, 5}, {1, 2, 3, 4, 5});
  Tensor ind = tt::i64({1, 2}, {1, 3});
  Tensor upd = tt::f32({1, 2}, {1.1f, 2.1f});
  Tensor y = Call("ScatterElements").in(x).in(ind).in(upd).attr("axis", attr_int(1)).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 1.1f, 3, 2.1f, 5}));
  Tensor dup = tt::i64({1, 2}, {1, -4});
  y = Call("ScatterElements", 16).in(x).in(dup).in(upd).attr("axis", attr_int(1))
          .attr("reduction", attr_string("add")).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 2 + 1.1f + 2.1f, 3, 4, 5}));
  y = Call("ScatterElements", 16).in(x).in(dup).in(upd).attr("axis", attr_int(1))
          .attr("reduction", attr_string("mul")).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 2 * 1.1f * 2.1f, 3, 4, 5}));
  y = Call("ScatterElements", 18).in(x).in(tt::i64({1, 2}, {0, 4})).in(upd).attr("axis", attr_int(1))
          .attr("reduction", attr_string("max")).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1.1f, 2, 3, 4, 5}));
  y = Call("ScatterElements", 18).in(x).in(tt::i64({1, 2}, {0, 4})).in(upd).attr("axis", attr_int(1))
          .attr("reduction", attr_string("min")).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 2, 3, 4, 2.1f}));
  // Axis 0 on 3x3 (spec example), deprecated Scatter alias, int64.
  Tensor d = tt::i64({3, 3}, {0, 0, 0, 0, 0, 0, 0, 0, 0});
  y = Call("Scatter", 10).in(d).in(tt::i64({2, 3}, {1, 0, 2, 0, 2, 1}))
          .in(tt::i64({2, 3}, {10, 11, 12, 20, 21, 22})).run1();
  CHECK_VEC(tt::iv(y), std::vector<int64_t>({20, 11, 0, 10, 0, 22, 0, 21, 12}));
  CHECK_THROWS(build("ScatterElements", 13, {{"reduction", attr_string("add")}}), "reduction 'add'");
  CHECK_THROWS(Call("ScatterElements").in(x).in(tt::i64({1, 1}, {5})).in(tt::f32({1, 1}, {0})).attr("axis", attr_int(1)).run(),
               "out of range");
  CHECK_THROWS(Call("ScatterElements").in(x).in(ind).in(tt::f32({1, 1}, {0})).run(), "shape of 'indices'");
  // ScatterND spec example: [4,4,4] data, slabs at 0 and 2.
  Tensor data = Tensor::allocate(DType::Float32, {4, 4, 4});
  for (int64_t i = 0; i < 64; ++i) data.ptr<float>()[i] = 1;
  Tensor u = Tensor::allocate(DType::Float32, {2, 4, 4});
  for (int64_t i = 0; i < 32; ++i) u.ptr<float>()[i] = float(5 + i / 16);
  y = Call("ScatterND").in(data).in(tt::i64({2, 1}, {0, -2})).in(u).run1();
  CHECK_EQ(y.ptr<float>()[0], 5.f);
  CHECK_EQ(y.ptr<float>()[16], 1.f);
  CHECK_EQ(y.ptr<float>()[32], 6.f);
  CHECK_EQ(y.ptr<float>()[63], 1.f);
  // Element updates with add on duplicates; strings without reduction.
  y = Call("ScatterND", 16).in(tt::f32({4}, {1, 2, 3, 4})).in(tt::i64({3, 1}, {1, 1, 3}))
          .in(tt::f32({3}, {10, 20, 30})).attr("reduction", attr_string("add")).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 32, 3, 34}));
  Tensor st = Call("ScatterND").in(tt::str({2, 2}, {"a", "b", "c", "d"})).in(tt::i64({1, 2}, {1, 0}))
                  .in(tt::str({1}, {"z"})).run1();
  CHECK_VEC(tt::sv(st), std::vector<std::string>({"a", "b", "z", "d"}));
  CHECK_THROWS(Call("ScatterND").in(data).in(tt::i64({2, 1}, {0, 2})).in(tt::f32({2}, {0, 0})).run(),
               "'updates' has shape [2], expected [2,4,4]");
  CHECK_THROWS(Call("ScatterND").in(data).in(tt::i64({1, 1}, {4})).in(tt::f32({1, 4, 4}, std::vector<float>(16))).run(),
               "out of range");
}

// ---------------------------------------------------------------------------------------------
TEST(tensor_expand) {
  Tensor x = tt::f32({3, 1}, {1, 2, 3});
  Tensor y = Call("Expand").in(x).in(tt::i64({3}, {2, 1, 4})).run1();
  CHECK_VEC(y.shape, Shape({2, 3, 4}));
  std::vector<float> want;
  for (int b = 0; b < 2; ++b)
    for (float v : {1.f, 2.f, 3.f})
      for (int k = 0; k < 4; ++k) want.push_back(v);
  CHECK_VEC(tt::fv(y), want);
  // Shape smaller than the input (bidirectional): [3,1] with [4] -> [3,4]; with [1] -> [3,1].
  CHECK_VEC(Call("Expand").in(x).in(tt::i64({1}, {4})).run1().shape, Shape({3, 4}));
  CHECK_VEC(tt::fv(Call("Expand").in(x).in(tt::i64({1}, {1})).run1()), tt::fv(x));
  // Zero-size target; strings; int64 inner broadcast.
  CHECK_VEC(Call("Expand").in(x).in(tt::i64({2}, {3, 0})).run1().shape, Shape({3, 0}));
  Tensor s = Call("Expand").in(tt::str({1, 2}, {"a", "b"})).in(tt::i64({2}, {2, 2})).run1();
  CHECK_VEC(tt::sv(s), std::vector<std::string>({"a", "b", "a", "b"}));
  Tensor big = Call("Expand").in(tt::iota_i64({1, 5, 1})).in(tt::i64({3}, {301, 5, 7})).threads(3).run1();
  bool ok = true;
  for (int64_t i = 0; i < big.numel(); ++i) ok = ok && big.ptr<int64_t>()[i] == (i / 7) % 5;
  CHECK(ok);
  CHECK_THROWS(Call("Expand").in(x).in(tt::i64({2}, {2, 4})).run(), "cannot be expanded to [2,4]");
}

TEST(tensor_tile) {
  Tensor x = tt::f32({2, 2}, {1, 2, 3, 4});
  Tensor y = Call("Tile").in(x).in(tt::i64({2}, {2, 3})).run1();
  CHECK_VEC(y.shape, Shape({4, 6}));
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                                           1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  CHECK_VEC(Call("Tile").in(x).in(tt::i64({2}, {0, 3})).run1().shape, Shape({0, 6}));
  Tensor s = Call("Tile").in(tt::str({1}, {"q"})).in(tt::i64({1}, {3})).run1();
  CHECK_VEC(tt::sv(s), std::vector<std::string>({"q", "q", "q"}));
  // Random rank-3 vs a naive modulo reference.
  Tensor z = tt::iota_i64({3, 1, 5});
  Tensor t = Call("Tile").in(z).in(tt::i64({3}, {2, 7, 3})).threads(2).run1();
  CHECK_VEC(t.shape, Shape({6, 7, 15}));
  bool ok = true;
  for (int64_t a = 0; a < 6; ++a)
    for (int64_t b = 0; b < 7; ++b)
      for (int64_t c = 0; c < 15; ++c)
        ok = ok && t.ptr<int64_t>()[(a * 7 + b) * 15 + c] == (a % 3) * 5 + c % 5;
  CHECK(ok);
  CHECK_THROWS(Call("Tile").in(x).in(tt::i64({1}, {2})).run(), "expected the input rank 2");
  CHECK_THROWS(Call("Tile").in(x).in(tt::i64({2}, {1, -1})).run(), "negative");
}

namespace {

// numpy-style pad reference on a 2-D float tensor (reflect as a periodic mirror).
std::vector<float> pad2d_ref(const Tensor& x, const std::vector<int64_t>& p, const std::string& mode, float c) {
  int64_t h = x.shape[0], w = x.shape[1];
  int64_t oh = h + p[0] + p[2], ow = w + p[1] + p[3];
  auto map = [&](int64_t i, int64_t n) -> int64_t {
    if (i >= 0 && i < n) return i;
    if (mode == "constant") return -1;
    if (mode == "edge") return i < 0 ? 0 : n - 1;
    if (mode == "wrap") return ((i % n) + n) % n;
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
  };
  std::vector<float> out;
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      int64_t a = map(i - p[0], h), b = map(j - p[1], w);
      out.push_back(a < 0 || b < 0 ? c : x.ptr<float>()[a * w + b]);
    }
  return out;
}

}  // namespace

TEST(tensor_pad) {
  // Spec examples.
  Tensor x = tt::f32({3, 2}, {1, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f});
  Tensor y = Call("Pad", 13).in(x).in(tt::i64({4}, {0, 2, 0, 0})).in(tt::f32({}, {0})).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({0, 0, 1, 1.2f, 0, 0, 2.3f, 3.4f, 0, 0, 4.5f, 5.7f}));
  y = Call("Pad", 13).in(x).in(tt::i64({4}, {0, 2, 0, 0})).attr("mode", attr_string("reflect")).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 1.2f, 1, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f}));
  y = Call("Pad", 13).in(x).in(tt::i64({4}, {0, 2, 0, 0})).attr("mode", attr_string("edge")).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 1, 1, 1.2f, 2.3f, 2.3f, 2.3f, 3.4f, 4.5f, 4.5f, 4.5f, 5.7f}));
  // Randomized 2-D vs the reference: all modes, negative pads (crop), 3 threads.
  uint32_t seed = 5;
  auto rnd = [&](int lo, int hi) {
    seed = seed * 1664525u + 1013904223u;
    return lo + int((seed >> 8) % uint32_t(hi - lo + 1));
  };
  for (int iter = 0; iter < 200; ++iter) {
    int64_t h = rnd(1, 6), w = rnd(1, 9);
    Tensor a = tt::iota_f32({h, w});
    std::string mode = std::vector<std::string>{"constant", "reflect", "edge", "wrap"}[size_t(iter % 4)];
    std::vector<int64_t> p;
    for (int k = 0; k < 4; ++k) {
      int64_t n = k % 2 ? w : h;
      int64_t lo = -(n - 1) / 2;  // crop at most half so something stays
      int64_t hi = mode == "wrap" ? n : 7;
      p.push_back(rnd(int(lo), int(hi)));
    }
    Tensor got = Call("Pad", 19).in(a).in(tt::i64({4}, p)).in(tt::f32({1}, {-9})).attr("mode", attr_string(mode))
                     .threads(1 + iter % 3).run1();
    std::vector<float> want = pad2d_ref(a, p, mode, -9);
    CHECK_VEC(tt::fv(got), want);
  }
  // Opset 2 attributes; the value attribute converts to the dtype.
  Tensor i = Call("Pad", 2).in(tt::iota_i64({2})).attr("pads", attr_ints({1, 2})).attr("value", attr_float(7)).run1();
  CHECK_VEC(tt::iv(i), std::vector<int64_t>({7, 0, 1, 7, 7}));
  // Opset 18 axes; rank 3.
  y = Call("Pad", 18).in(tt::iota_f32({1, 2, 2})).in(tt::i64({2}, {1, 0})).none().in(tt::i64({1}, {-1})).run1();
  CHECK_VEC(y.shape, Shape({1, 2, 3}));
  CHECK_VEC(tt::fv(y), std::vector<float>({0, 0, 1, 0, 2, 3}));
  // Strings with a string constant; empty input in constant mode.
  Tensor s = Call("Pad").in(tt::str({2}, {"a", "b"})).in(tt::i64({2}, {1, 1})).in(tt::str({}, {"_"})).run1();
  CHECK_VEC(tt::sv(s), std::vector<std::string>({"_", "a", "b", "_"}));
  Tensor e = Call("Pad").in(Tensor::allocate(DType::Float32, {0, 2})).in(tt::i64({4}, {1, 0, 0, 0})).run1();
  CHECK_VEC(tt::fv(e), std::vector<float>({0, 0}));
  CHECK_THROWS(Call("Pad").in(Tensor::allocate(DType::Float32, {0, 2})).in(tt::i64({4}, {1, 0, 0, 0}))
                   .attr("mode", attr_string("edge")).run(), "empty axis");
  CHECK_THROWS(Call("Pad").in(x).in(tt::i64({3}, {0, 0, 0})).run(), "expected 4");
  CHECK_THROWS(Call("Pad").in(x).in(tt::i64({4}, {-2, 0, -2, 0})).run(), "crop more");
  CHECK_THROWS(build("Pad", 13, {{"mode", attr_string("wrap")}}), "mode 'wrap'");
}

TEST(tensor_constant_of_shape_range) {
  Tensor y = Call("ConstantOfShape").in(tt::i64({2}, {2, 3})).run1();
  CHECK(y.dtype == DType::Float32);
  CHECK_VEC(tt::fv(y), std::vector<float>(6, 0.f));
  y = Call("ConstantOfShape").in(tt::i64({3}, {1, 2, 2})).attr("value", testing::attr_tensor(tt::i64({1}, {-5}))).run1();
  CHECK(y.dtype == DType::Int64);
  CHECK_VEC(tt::iv(y), std::vector<int64_t>(4, -5));
  y = Call("ConstantOfShape").in(tt::i64({0}, {})).attr("value", testing::attr_tensor(tt::f32({1}, {2.5f}))).run1();
  CHECK_VEC(y.shape, Shape({}));
  CHECK_EQ(y.ptr<float>()[0], 2.5f);
  CHECK_VEC(Call("ConstantOfShape").in(tt::i64({2}, {4, 0})).run1().shape, Shape({4, 0}));
  CHECK_THROWS(Call("ConstantOfShape").in(tt::i64({1}, {-1})).run(), "negative");
  // Range.
  CHECK_VEC(tt::fv(Call("Range").in(tt::f32({}, {1})).in(tt::f32({}, {2})).in(tt::f32({}, {0.3f})).run1()),
            std::vector<float>({1, 1 + 0.3f, 1 + 2 * 0.3f, 1 + 3 * 0.3f}));
  CHECK_VEC(tt::iv(Call("Range").in(tt::i64({}, {10})).in(tt::i64({}, {4})).in(tt::i64({}, {-3})).run1()),
            std::vector<int64_t>({10, 7}));
  CHECK_VEC(tt::iv(Call("Range").in(tt::i32({}, {0})).in(tt::i32({}, {5})).in(tt::i32({}, {2})).run1()),
            std::vector<int64_t>({0, 2, 4}));
  CHECK_VEC(Call("Range").in(tt::i64({}, {3})).in(tt::i64({}, {3})).in(tt::i64({}, {1})).run1().shape, Shape({0}));
  CHECK_VEC(Call("Range").in(tt::i64({}, {5})).in(tt::i64({}, {0})).in(tt::i64({}, {1})).run1().shape, Shape({0}));
  CHECK_THROWS(Call("Range").in(tt::i64({}, {0})).in(tt::i64({}, {5})).in(tt::i64({}, {0})).run(), "zero");
  // Counts whose difference overflows int64 (computed on uint64 magnitudes: no __int128 on armv7).
  CHECK_THROWS(Call("Range").in(tt::i64({}, {INT64_MIN})).in(tt::i64({}, {INT64_MAX})).in(tt::i64({}, {1})).run(),
               "too many elements");
  CHECK_VEC(Call("Range").in(tt::i64({}, {INT64_MAX})).in(tt::i64({}, {INT64_MIN})).in(tt::i64({}, {1})).run1().shape, Shape({0}));
  CHECK_VEC(tt::iv(Call("Range").in(tt::i64({}, {-7})).in(tt::i64({}, {7})).in(tt::i64({}, {INT64_MAX})).run1()),
            std::vector<int64_t>({-7}));
  CHECK_THROWS(Call("Range").in(tt::i64({}, {0})).in(tt::f32({}, {5})).in(tt::i64({}, {1})).run(), "dtype");
}

TEST(tensor_eyelike_onehot_trilu_nonzero) {
  Tensor e = Call("EyeLike").in(Tensor::allocate(DType::Int32, {3, 4})).attr("k", attr_int(1)).run1();
  CHECK(e.dtype == DType::Int32);
  CHECK_VEC(tt::iv(e), std::vector<int64_t>({0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}));
  e = Call("EyeLike").in(Tensor::allocate(DType::Int32, {3, 2})).attr("dtype", attr_int(1)).attr("k", attr_int(-1)).run1();
  CHECK(e.dtype == DType::Float32);
  CHECK_VEC(tt::fv(e), std::vector<float>({0, 0, 1, 0, 0, 1}));
  // OneHot: axis -1 and 0, negative indices (opset 11), out of range -> all off.
  Tensor oh = Call("OneHot").in(tt::i64({3}, {0, -1, 5})).in(tt::f32({}, {3})).in(tt::f32({2}, {0, 1})).run1();
  CHECK_VEC(oh.shape, Shape({3, 3}));
  CHECK_VEC(tt::fv(oh), std::vector<float>({1, 0, 0, 0, 0, 1, 0, 0, 0}));
  oh = Call("OneHot").in(tt::f32({2}, {1, 2})).in(tt::i64({1}, {3})).in(tt::i64({2}, {-1, 7})).attr("axis", attr_int(0)).run1();
  CHECK_VEC(oh.shape, Shape({3, 2}));
  CHECK_VEC(tt::iv(oh), std::vector<int64_t>({-1, -1, 7, -1, -1, 7}));
  oh = Call("OneHot", 9).in(tt::i64({1}, {-1})).in(tt::i64({}, {2})).in(tt::i64({2}, {0, 1})).run1();
  CHECK_VEC(tt::iv(oh), std::vector<int64_t>({0, 0}));
  CHECK_THROWS(Call("OneHot").in(tt::i64({1}, {0})).in(tt::i64({}, {2})).in(tt::i64({3}, {0, 1, 2})).run(), "two elements");
  // Trilu on [2,3,4] with k = 0, 1, -1; upper and lower.
  Tensor x = tt::iota_f32({2, 3, 4});
  for (int upper = 0; upper < 2; ++upper)
    for (int64_t k : {-1, 0, 1, 5}) {
      Call call("Trilu");
      call.in(x).in(tt::i64({}, {k})).attr("upper", attr_int(upper));
      Tensor y = call.run1();
      std::vector<float> want = tt::fv(x);
      for (int64_t m = 0; m < 2; ++m)
        for (int64_t i = 0; i < 3; ++i)
          for (int64_t j = 0; j < 4; ++j) {
            bool keep = upper ? j - i >= k : j - i <= k;
            if (!keep) want[size_t((m * 3 + i) * 4 + j)] = 0;
          }
      CHECK_VEC(tt::fv(y), want);
    }
  CHECK_VEC(tt::iv(Call("Trilu").in(tt::iota_i64({2, 2}, 1)).run1()), std::vector<int64_t>({1, 2, 0, 4}));
  // NonZero: row-major coordinates; -0 is zero; the shape depends on the value.
  Tensor nz = Call("NonZero").in(tt::f32({2, 3}, {0, 1, -0.f, 2, 0, 3})).run1();
  CHECK_VEC(nz.shape, Shape({2, 3}));
  CHECK_VEC(tt::iv(nz), std::vector<int64_t>({0, 1, 1, 1, 0, 2}));
  nz = Call("NonZero").in(tt::boolean({4}, {0, 0, 0, 0})).run1();
  CHECK_VEC(nz.shape, Shape({1, 0}));
  nz = Call("NonZero").in(tt::i64({}, {5})).run1();
  CHECK_VEC(nz.shape, Shape({1, 1}));
  auto op = build("NonZero", 13);
  li::Node node;
  node.op_type = "NonZero";
  li::TensorInfo ti{DType::Float32, {3}, nullptr};
  li::InferContext ictx{node, {&ti}, std::vector<li::TensorInfo>(1), 0};
  CHECK(!op->infer(ictx));
}

// ---------------------------------------------------------------------------------------------
// Resize: a direct reference of the ONNX formulas (float coordinates as onnxruntime, double
// sums), compared for every mode and coordinate transformation on small odd sizes.
namespace {

struct ResizeRef {
  std::string mode = "nearest", coord = "half_pixel", nearest = "round_prefer_floor";
  float a = -0.75f;
  bool exclude = false;
  float extrap = 0.f;
  std::vector<float> roi;  // full rank starts..., ends...
};

// Taps (index, weight) of output coordinate o along an axis; empty = extrapolate.
std::vector<std::pair<int64_t, double>> ref_taps(const ResizeRef& p, int64_t o, int64_t in, int64_t out,
                                                 float scale, float rs, float re) {
  float x = 0, xo = float(o), lin = float(in), lout = float(out);
  if (p.coord == "half_pixel") x = (xo + 0.5f) / scale - 0.5f;
  else if (p.coord == "pytorch_half_pixel") x = out > 1 ? (xo + 0.5f) / scale - 0.5f : 0.f;
  else if (p.coord == "align_corners") x = out == 1 ? 0.f : xo * (lin - 1) / (lout - 1);
  else if (p.coord == "asymmetric") x = xo / scale;
  else if (p.coord == "tf_half_pixel_for_nn") x = (xo + 0.5f) / scale;
  else if (p.coord == "tf_crop_and_resize")
    x = out > 1 ? rs * (lin - 1) + xo * (re - rs) * (lin - 1) / (lout - 1) : 0.5f * (rs + re) * (lin - 1);
  if (p.coord == "tf_crop_and_resize" && (x < 0 || x > lin - 1)) return {};
  auto clampi = [&](int64_t i) { return std::min<int64_t>(std::max<int64_t>(i, 0), in - 1); };
  int64_t f = int64_t(std::floor(x));
  double ratio = double(x) - double(f);
  if (p.mode == "nearest") {
    bool up;
    if (ratio == 0) up = false;
    else if (p.nearest == "round_prefer_floor") up = ratio > 0.5;
    else if (p.nearest == "round_prefer_ceil") up = ratio >= 0.5;
    else if (p.nearest == "floor") up = false;
    else up = true;
    return {{clampi(f + (up ? 1 : 0)), 1.0}};
  }
  if (p.mode == "linear") return {{clampi(f), 1 - ratio}, {clampi(f + 1), ratio}};
  double A = p.a, s = ratio;
  double c[4] = {((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A,
                 ((A + 2) * s - (A + 3)) * s * s + 1,
                 ((A + 2) * (1 - s) - (A + 3)) * (1 - s) * (1 - s) + 1,
                 ((A * (2 - s) - 5 * A) * (2 - s) + 8 * A) * (2 - s) - 4 * A};
  std::vector<std::pair<int64_t, double>> t;
  double sum = 0;
  for (int j = 0; j < 4; ++j) {
    int64_t i = f - 1 + j;
    double w = p.exclude && (i < 0 || i >= in) ? 0 : c[j];
    t.push_back({clampi(i), w});
    sum += w;
  }
  if (p.exclude)
    for (auto& e : t) e.second /= sum;
  return t;
}

std::vector<double> resize_ref(const ResizeRef& p, const std::vector<double>& x, const Shape& in,
                               const Shape& out, const std::vector<float>& scales) {
  size_t r = in.size();
  std::vector<int64_t> st(r, 1);
  for (size_t d = r; d-- > 1;) st[d - 1] = st[d] * in[d];
  int64_t n = 1;
  for (int64_t d : out) n *= d;
  std::vector<double> y;
  for (int64_t k = 0; k < n; ++k) {
    std::vector<std::pair<int64_t, double>> acc = {{0, 1.0}};
    int64_t rem = k;
    bool ex = false;
    std::vector<int64_t> coord(r);
    for (size_t d = r; d-- > 0;) { coord[d] = rem % out[d]; rem /= out[d]; }
    for (size_t d = 0; d < r && !ex; ++d) {
      float rs = p.roi.empty() ? 0 : p.roi[d], re = p.roi.empty() ? 1 : p.roi[r + d];
      auto t = ref_taps(p, coord[d], in[d], out[d], scales[d], rs, re);
      if (t.empty()) { ex = true; break; }
      std::vector<std::pair<int64_t, double>> next;
      for (auto& a : acc)
        for (auto& b : t) next.push_back({a.first + b.first * st[d], a.second * b.second});
      acc = next;
    }
    double v = 0;
    for (auto& a : acc) v += a.second * x[size_t(a.first)];
    y.push_back(ex ? p.extrap : v);
  }
  return y;
}

Call resize_call(const ResizeRef& p, const Tensor& x, const Tensor* scales, const Tensor* sizes, int64_t opset = 13) {
  Call c("Resize", opset);
  c.in(x);
  if (p.roi.empty()) c.none(); else c.in(tt::f32({int64_t(p.roi.size())}, p.roi));
  if (scales) c.in(*scales); else c.none();
  if (sizes) c.in(*sizes);
  c.attr("mode", attr_string(p.mode)).attr("coordinate_transformation_mode", attr_string(p.coord))
      .attr("nearest_mode", attr_string(p.nearest)).attr("cubic_coeff_a", attr_float(p.a))
      .attr("exclude_outside", attr_int(p.exclude)).attr("extrapolation_value", attr_float(p.extrap));
  return c;
}

}  // namespace

TEST(tensor_resize_vs_reference) {
  const char* coords[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                          "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  struct Geo { Shape in, out; };
  const Geo geos[] = {{{1, 1, 3, 5}, {1, 1, 7, 4}}, {{1, 1, 5, 7}, {1, 1, 2, 3}},
                      {{2, 3, 4}, {3, 5, 2}}, {{1, 2, 1, 6}, {1, 2, 3, 1}}, {{9}, {4}}};
  int cases = 0;
  for (const Geo& g : geos) {
    Tensor x = testing::tensor_random(g.in, uint32_t(g.in.size() * 31 + g.out[0]), -2.f, 3.f);
    std::vector<double> xd(x.ptr<float>(), x.ptr<float>() + x.numel());
    std::vector<float> scales;
    for (size_t d = 0; d < g.in.size(); ++d) scales.push_back(float(g.out[d]) / float(g.in[d]));
    Tensor sizes = tt::i64({int64_t(g.out.size())}, std::vector<int64_t>(g.out.begin(), g.out.end()));
    for (const char* coord : coords) {
      for (std::string mode : {"nearest", "linear", "cubic"}) {
        std::vector<ResizeRef> variants;
        ResizeRef p;
        p.mode = mode;
        p.coord = coord;
        if (p.coord == "tf_crop_and_resize") {
          for (size_t d = 0; d < g.in.size(); ++d) p.roi.push_back(d % 2 ? -0.2f : 0.1f);
          for (size_t d = 0; d < g.in.size(); ++d) p.roi.push_back(d % 2 ? 0.9f : 1.3f);
          p.extrap = 7.5f;
        }
        if (mode == "nearest") {
          for (const char* nm : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}) {
            p.nearest = nm;
            variants.push_back(p);
          }
        } else if (mode == "cubic") {
          variants.push_back(p);
          p.exclude = true;
          p.a = -0.5f;
          variants.push_back(p);
        } else {
          variants.push_back(p);
        }
        for (const ResizeRef& v : variants) {
          std::vector<double> want = resize_ref(v, xd, g.in, g.out, scales);
          Tensor y = resize_call(v, x, nullptr, &sizes).threads(1 + cases % 3).run1();
          CHECK_VEC(y.shape, g.out);
          std::vector<float> wf(want.begin(), want.end());
          if (y.numel() == int64_t(wf.size())) CHECK_NEAR_ARRAYS(y.ptr<float>(), wf.data(), wf.size(), 1e-5, 1e-5);
          ++cases;
        }
      }
    }
  }
  CHECK(cases > 100);
}

TEST(tensor_resize_spec_examples) {
  Tensor x = tt::f32({1, 1, 2, 2}, {1, 2, 3, 4});
  // Nearest upsample with scales (half_pixel, round_prefer_floor defaults).
  Tensor sc = tt::f32({4}, {1, 1, 2, 3});
  Tensor y = Call("Resize", 13).in(x).none().in(sc).attr("mode", attr_string("nearest")).run1();
  CHECK_VEC(y.shape, Shape({1, 1, 4, 6}));
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
  // Linear upsample x2 (half_pixel) and align_corners.
  Tensor s2 = tt::f32({4}, {1, 1, 2, 2});
  y = Call("Resize", 13).in(x).none().in(s2).attr("mode", attr_string("linear")).run1();
  std::vector<float> want = {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4};
  CHECK_NEAR_ARRAYS(y.ptr<float>(), want.data(), 16, 1e-6, 1e-6);
  y = Call("Resize", 11).in(x).in(tt::f32({0}, {})).in(s2).attr("mode", attr_string("linear"))
          .attr("coordinate_transformation_mode", attr_string("align_corners")).run1();
  want = {1, 4.f / 3, 5.f / 3, 2, 5.f / 3, 2, 7.f / 3, 8.f / 3, 7.f / 3, 8.f / 3, 3, 10.f / 3, 3, 10.f / 3, 11.f / 3, 4};
  CHECK_NEAR_ARRAYS(y.ptr<float>(), want.data(), 16, 1e-5, 1e-6);
  // Linear downsample 0.6 -> [1,1,1,2].
  Tensor x8 = tt::f32({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  y = Call("Resize", 13).in(x8).none().in(tt::f32({4}, {1, 1, 0.6f, 0.6f})).attr("mode", attr_string("linear")).run1();
  CHECK_VEC(y.shape, Shape({1, 1, 1, 2}));
  want = {2.6666665f, 4.3333331f};
  CHECK_NEAR_ARRAYS(y.ptr<float>(), want.data(), 2, 1e-6, 1e-6);
  // Cubic upsample x2 of 1..16 (onnx test_resize_upsample_scales_cubic, first row).
  Tensor x16 = tt::f32({1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  y = Call("Resize", 13).in(x16).none().in(s2).attr("mode", attr_string("cubic")).run1();
  want = {0.47265625f, 0.76953125f, 1.24609375f, 1.875f, 2.28125f, 2.91015625f, 3.38671875f, 3.68359375f};
  CHECK_NEAR_ARRAYS(y.ptr<float>(), want.data(), 8, 1e-5, 1e-5);
  // Opset 10 and Upsample: asymmetric coordinates.
  y = Call("Resize", 10).in(x).in(s2).attr("mode", attr_string("linear")).run1();
  want = {1, 1.5f, 2, 2, 2, 2.5f, 3, 3, 3, 3.5f, 4, 4, 3, 3.5f, 4, 4};
  CHECK_NEAR_ARRAYS(y.ptr<float>(), want.data(), 16, 1e-6, 1e-6);
  y = Call("Upsample", 9).in(x).in(sc).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
  y = Call("Upsample", 7).in(x).attr("scales", testing::attr_floats({1, 1, 2, 2})).attr("mode", attr_string("linear")).run1();
  CHECK_NEAR_ARRAYS(y.ptr<float>(), want.data(), 16, 1e-6, 1e-6);
  // Opset 10 nearest downsample ("simple": ceil when the scale is < 1).
  Tensor x5 = tt::iota_f32({1, 5});
  y = Call("Resize", 10).in(x5).in(tt::f32({2}, {1, 0.5f})).run1();
  CHECK_VEC(tt::fv(y), std::vector<float>({0, 2}));
  CHECK_THROWS(Call("Upsample", 9).in(x).in(tt::f32({4}, {1, 1, 0.5f, 1})).run(), ">= 1");
}

TEST(tensor_resize_dtypes_and_errors) {
  // Nearest moves any dtype (int64, strings); linear on float16 / float64 vs float32.
  Tensor xi = tt::iota_i64({1, 3});
  Tensor y = Call("Resize", 13).in(xi).none().none().in(tt::i64({2}, {2, 5})).run1();
  CHECK_VEC(y.shape, Shape({2, 5}));
  Tensor xs = tt::str({2}, {"a", "b"});
  y = Call("Resize", 13).in(xs).none().in(tt::f32({1}, {2})).run1();
  CHECK_VEC(tt::sv(y), std::vector<std::string>({"a", "a", "b", "b"}));
  Tensor xf = testing::tensor_random({1, 2, 5, 7}, 77);
  Tensor sizes = tt::i64({4}, {1, 2, 9, 4});
  Tensor ref = Call("Resize", 13).in(xf).none().none().in(sizes).attr("mode", attr_string("linear")).run1();
  Tensor xh = Tensor::allocate(DType::Float16, xf.shape), xd = Tensor::allocate(DType::Float64, xf.shape);
  for (int64_t i = 0; i < xf.numel(); ++i) {
    xh.ptr<uint16_t>()[i] = li::float_to_half(xf.ptr<float>()[i]);
    xd.ptr<double>()[i] = xf.ptr<float>()[i];
  }
  Tensor yh = Call("Resize", 13).in(xh).none().none().in(sizes).attr("mode", attr_string("linear")).run1();
  Tensor yd = Call("Resize", 13).in(xd).none().none().in(sizes).attr("mode", attr_string("linear")).run1();
  std::vector<float> h, d;
  for (int64_t i = 0; i < yh.numel(); ++i) {
    h.push_back(li::half_to_float(yh.ptr<uint16_t>()[i]));
    d.push_back(float(yd.ptr<double>()[i]));
  }
  CHECK_NEAR_ARRAYS(h.data(), ref.ptr<float>(), h.size(), 2e-3, 2e-3);  // float16 rounding
  CHECK_NEAR_ARRAYS(d.data(), ref.ptr<float>(), d.size(), 1e-6, 1e-6);
  // Opset 18 axes + keep_aspect_ratio_policy.
  y = Call("Resize", 18).in(xf).none().none().in(tt::i64({2}, {10, 10})).attr("axes", attr_ints({2, 3}))
          .attr("keep_aspect_ratio_policy", attr_string("not_larger")).run1();
  CHECK_VEC(y.shape, Shape({1, 2, 7, 10}));  // scale min(10/5, 10/7)
  y = Call("Resize", 18).in(xf).none().none().in(tt::i64({2}, {10, 10})).attr("axes", attr_ints({2, 3}))
          .attr("keep_aspect_ratio_policy", attr_string("not_smaller")).run1();
  CHECK_VEC(y.shape, Shape({1, 2, 10, 14}));  // scale max(10/5, 10/7)
  y = Call("Resize", 18).in(xf).none().in(tt::f32({1}, {2})).attr("axes", attr_ints({-1})).run1();
  CHECK_VEC(y.shape, Shape({1, 2, 5, 14}));
  CHECK_THROWS(Call("Resize", 13).in(xi).none().in(tt::f32({2}, {1, 2})).in(tt::i64({2}, {1, 6})).run(),
               "only one of");
  CHECK_THROWS(Call("Resize", 13).in(xi).none().in(tt::f32({1}, {2})).run(), "expected 2");
  CHECK_THROWS(Call("Resize", 13).in(xi).none().in(tt::f32({2}, {1, 2})).attr("mode", attr_string("linear")).run(),
               "float16/bfloat16/float32/float64");
  CHECK_THROWS(build("Resize", 13, {{"mode", attr_string("area")}}), "mode 'area'");
  // antialias (opset 18) is supported for linear and cubic; a downscale widens the filter, so a
  // 4 -> 1 linear resize weighs all four inputs (edge-clamped taps, symmetric weights): 2.5.
  y = Call("Resize", 18).in(tt::f32({1, 1, 1, 4}, {1, 2, 3, 4})).none().in(tt::f32({4}, {1, 1, 1, 0.25f}))
          .attr("mode", attr_string("linear")).attr("antialias", attr_int(1)).run1();
  CHECK_VEC(y.shape, Shape({1, 1, 1, 1}));
  CHECK(std::abs(y.ptr<float>()[0] - 2.5f) < 1e-5f);
  CHECK_THROWS(build("Resize", 13, {{"coordinate_transformation_mode", attr_string("half_pixel_symmetric")}}),
               "half_pixel_symmetric");
  CHECK_THROWS(Call("Resize", 13).in(xf).none().none().in(sizes)
                   .attr("coordinate_transformation_mode", attr_string("tf_crop_and_resize")).run(), "roi");
}

// ---------------------------------------------------------------------------------------------
TEST(tensor_depth_space) {
  Tensor x = tt::iota_f32({1, 8, 2, 3});
  Tensor dcr = Call("DepthToSpace").in(x).attr("blocksize", attr_int(2)).run1();
  CHECK_VEC(dcr.shape, Shape({1, 2, 4, 6}));
  CHECK_VEC(tt::fv(dcr), std::vector<float>({0, 12, 1, 13, 2, 14, 24, 36, 25, 37, 26, 38,
                                             3, 15, 4, 16, 5, 17, 27, 39, 28, 40, 29, 41,
                                             6, 18, 7, 19, 8, 20, 30, 42, 31, 43, 32, 44,
                                             9, 21, 10, 22, 11, 23, 33, 45, 34, 46, 35, 47}));
  Tensor crd = Call("DepthToSpace").in(x).attr("blocksize", attr_int(2)).attr("mode", attr_string("CRD")).run1();
  CHECK_VEC(tt::fv(crd), std::vector<float>({0, 6, 1, 7, 2, 8, 12, 18, 13, 19, 14, 20,
                                             3, 9, 4, 10, 5, 11, 15, 21, 16, 22, 17, 23,
                                             24, 30, 25, 31, 26, 32, 36, 42, 37, 43, 38, 44,
                                             27, 33, 28, 34, 29, 35, 39, 45, 40, 46, 41, 47}));
  // SpaceToDepth inverts DCR; larger odd shape, int64, 3 threads.
  Tensor back = Call("SpaceToDepth").in(dcr).attr("blocksize", attr_int(2)).run1();
  CHECK_VEC(back.shape, x.shape);
  CHECK_VEC(tt::fv(back), tt::fv(x));
  Tensor big = tt::iota_i64({2, 27, 5, 7});
  Tensor d = Call("DepthToSpace").in(big).attr("blocksize", attr_int(3)).threads(3).run1();
  Tensor s = Call("SpaceToDepth").in(d).attr("blocksize", attr_int(3)).threads(3).run1();
  CHECK_VEC(tt::iv(s), tt::iv(big));
  CHECK_THROWS(Call("DepthToSpace").in(tt::iota_f32({1, 6, 2, 2})).attr("blocksize", attr_int(2)).run(),
               "not divisible");
  CHECK_THROWS(Call("SpaceToDepth").in(tt::iota_f32({1, 1, 3, 2})).attr("blocksize", attr_int(2)).run(),
               "divisible");
  CHECK_THROWS(build("DepthToSpace", 13), "'blocksize' is required");
}

// Every op of the family is registered over the opsets the brief names.
TEST(tensor_registrations) {
  struct R { const char* op; int64_t lo, hi; };
  const R regs[] = {{"Reshape", 1, 21}, {"Flatten", 1, 21}, {"Squeeze", 1, 21}, {"Unsqueeze", 1, 21},
                    {"Identity", 1, 21}, {"Dropout", 1, 21}, {"Shape", 1, 21}, {"Size", 1, 21},
                    {"Concat", 1, 21}, {"Split", 1, 21}, {"Slice", 1, 21}, {"Transpose", 1, 21},
                    {"Gather", 1, 21}, {"GatherElements", 11, 21}, {"GatherND", 11, 21},
                    {"ScatterElements", 11, 21}, {"Scatter", 9, 10}, {"ScatterND", 11, 21},
                    {"Expand", 8, 21}, {"Tile", 6, 21}, {"Pad", 1, 21}, {"Resize", 10, 21},
                    {"Upsample", 7, 9}, {"ConstantOfShape", 9, 21}, {"Range", 11, 21},
                    {"EyeLike", 9, 21}, {"OneHot", 9, 21}, {"Trilu", 14, 21},
                    {"DepthToSpace", 1, 21}, {"SpaceToDepth", 1, 21}, {"NonZero", 9, 21}};
  for (const R& r : regs)
    for (int64_t v = r.lo; v <= r.hi; ++v)
      if (!li::find_op("", r.op, v)) testing::record_failure(__FILE__, __LINE__, std::string(r.op) + " " + std::to_string(v));
  CHECK(!li::find_op("", "Upsample", 10));
}
