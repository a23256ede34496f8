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
  CHECK_THROWS(Call("Dropout", 13).in(x).in(tt::f32({}, {0.5f})).in(tt::boolean({}, {1})).run(),
               "training_mode");
  CHECK_THROWS(Call("Dropout", 13).in(x).in(tt::f32({}, {0.5f})).in(tt::boolean({}, {1})).dynamic().run(),
               "training_mode");
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
