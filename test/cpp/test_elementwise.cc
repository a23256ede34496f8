// Elementwise family: SIMD kernels vs the reference, math accuracy vs double libm, and op tests
// through the registry (broadcasting, dtypes, opset variants, edge values).
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/activation.h"
#include "kernels/elementwise.h"
#include "op_runner.h"
#include "testing.h"

using li::Activation;
using li::CpuTier;
using li::ElementwiseKernels;

namespace {

// Around the 4- and 8-float vectors (NEON, AVX2) and their 2x unrolls, a prime, long rows.
const int64_t kSizes[] = {1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 127, 1000, 4099};
const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

const ElementwiseKernels& generic() { return li::elementwise_kernels_for(CpuTier::Generic); }
const ElementwiseKernels& best() { return li::elementwise_kernels_for(li::cpu_tier()); }
bool have_simd() { return testing::simd_tier() != CpuTier::Generic; }

// Inputs with a few edge values mixed in (positions depend on n, so tails get them too).
std::vector<float> kernel_input(int64_t n, uint32_t seed, float lo, float hi, bool edges) {
  std::vector<float> v = testing::random_floats(size_t(n), seed, lo, hi);
  if (edges && n > 4) {
    v[size_t(n / 3)] = -0.f;
    v[size_t(n - 1)] = kNaN;
    v[size_t(n / 2)] = 0.f;
  }
  return v;
}

// Distance in units in the last place between two floats (NaN == NaN; inf == inf).
double ulp_diff(float a, double exact) {
  if (std::isnan(a) && std::isnan(exact)) return 0;
  float e = float(exact);
  if (std::isinf(e) || std::isinf(a)) return a == e ? 0 : 1e30;
  double ulp = std::nextafter(std::fabs(e), kInf) - std::fabs(e);
  if (ulp == 0 || !std::isfinite(ulp)) ulp = std::numeric_limits<float>::denorm_min();
  return std::fabs(double(a) - exact) / ulp;
}

// Like CHECK_NEAR_ARRAYS, but equal values (including inf == inf) and NaN == NaN always pass.
double violation(const float* a, const float* b, size_t n, double rtol, double atol) {
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) continue;
    double d = std::fabs(double(a[i]) - double(b[i])) / (atol + rtol * std::fabs(double(b[i])));
    if (!(d <= worst)) worst = d;
  }
  return worst;
}
#define CHECK_CLOSE(a, b, n, rtol, atol)                                                   \
  do {                                                                                   \
    double v_ = violation((a), (b), (n), (rtol), (atol));                                \
    if (!(v_ <= 1.0))                                                                    \
      testing::record_failure(__FILE__, __LINE__, li::cat("arrays differ (violation ", v_, \
                                                          ") for " #a " vs " #b));       \
  } while (0)

}  // namespace

// ---------------------------------------------------------------------------------------------
// activation_f32: every kind, SIMD vs reference over the standard sizes and in place.
// Tolerance: rtol 2e-6, atol 1e-6 (Sigmoid/SiLU/Gelu/Tanh use polynomial math; the reference
// calls libm; tiny values differ absolutely, e.g. SiLU(-100) is -0 vs -3.7e-42).
TEST(elementwise_activation_simd_vs_ref) {
  if (!have_simd()) return;
  const ElementwiseKernels& k = li::elementwise_kernels_for(testing::simd_tier());
  CHECK(std::strcmp(k.tier, li::cpu_tier_name(testing::simd_tier())) == 0);
  const Activation::Kind kinds[] = {Activation::None, Activation::Relu, Activation::Clip,
                                    Activation::LeakyRelu, Activation::Sigmoid,
                                    Activation::HardSigmoid, Activation::HardSwish,
                                    Activation::Tanh, Activation::SiLU, Activation::Gelu};
  for (auto kind : kinds) {
    Activation a;
    a.kind = kind;
    if (kind == Activation::Clip) { a.alpha = -0.5f; a.beta = 2.f; }
    if (kind == Activation::LeakyRelu) a.alpha = 0.1f;
    if (kind == Activation::HardSigmoid) { a.alpha = 0.2f; a.beta = 0.5f; }
    for (int64_t n : kSizes) {
      std::vector<float> x = kernel_input(n, uint32_t(n * 7 + kind), -12.f, 12.f, true);
      std::vector<float> ref(static_cast<size_t>(n)), out(static_cast<size_t>(n), 123.f);
      li::f32_activation__ref(a, x.data(), ref.data(), n);
      k.activation(a, x.data(), out.data(), n);
      CHECK_CLOSE(out.data(), ref.data(), size_t(n), 2e-6, 1e-6);
      std::vector<float> inplace = x;
      k.activation(a, inplace.data(), inplace.data(), n);
      CHECK_CLOSE(inplace.data(), ref.data(), size_t(n), 2e-6, 1e-6);
    }
  }
}

// The public entry uses the current tier and agrees with the reference; n = 0 is a no-op.
TEST(elementwise_activation_f32_entry) {
  Activation a;
  a.kind = Activation::Gelu;
  std::vector<float> x = kernel_input(1000, 5, -6.f, 6.f, false), ref(1000), out(1000);
  li::f32_activation__ref(a, x.data(), ref.data(), 1000);
  li::activation_f32(a, x.data(), out.data(), 1000);
  CHECK_CLOSE(out.data(), ref.data(), 1000, 2e-6, 1e-6);
  li::activation_f32(a, x.data(), out.data(), 0);
  // Edge values shared by all tiers.
  for (const ElementwiseKernels* k : {&generic(), &best()}) {
    Activation r;
    r.kind = Activation::Relu;
    float in[4] = {-0.f, kInf, -kInf, 3.f}, o[4];
    k->activation(r, in, o, 4);
    CHECK_EQ(o[0], 0.f);
    CHECK_EQ(o[1], kInf);
    CHECK_EQ(o[2], 0.f);
    CHECK_EQ(o[3], 3.f);
    Activation s;
    s.kind = Activation::Sigmoid;
    float in2[4] = {kInf, -kInf, kNaN, 0.f};
    k->activation(s, in2, o, 4);
    CHECK_EQ(o[0], 1.f);
    CHECK_EQ(o[1], 0.f);
    CHECK(std::isnan(o[2]));
    CHECK_EQ(o[3], 0.5f);
  }
}

// Vector math accuracy against double libm over a dense sweep including huge, tiny and
// special values. Bounds: exp/log/sigmoid 3 ulp; tanh 4 ulp; erf 4 ulp or 1e-6 relative.
TEST(elementwise_simd_math_accuracy) {
  if (!have_simd()) return;
  const ElementwiseKernels& k = li::elementwise_kernels_for(testing::simd_tier());
  std::vector<float> x;
  for (float v = -110.f; v <= 110.f; v += 0.00731f) x.push_back(v);
  for (float v = 1e-30f; v < 1e30f; v *= 1.37f) { x.push_back(v); x.push_back(-v); }
  for (float v : {0.f, -0.f, kInf, -kInf, kNaN, 88.72f, 88.73f, -87.33f, -103.9f, 1e-40f,
                  3.4e38f, 1.17549435e-38f, 0.875f, -0.875f, 0.625f, 3.92f, 9.f})
    x.push_back(v);
  int64_t n = int64_t(x.size());
  std::vector<float> y(x.size());
  struct Case { li::UnOp op; double (*f)(double); double max_ulp; double rel; };
  const Case cases[] = {
      {li::UnOp::Exp, [](double v) { return std::exp(v); }, 3, 0},
      {li::UnOp::Log, [](double v) { return std::log(v); }, 3, 0},
      {li::UnOp::Sigmoid, [](double v) { return 1 / (1 + std::exp(-v)); }, 3, 0},
      {li::UnOp::Tanh, [](double v) { return std::tanh(v); }, 4, 0},
      {li::UnOp::Erf, [](double v) { return std::erf(v); }, 4, 1e-6},
  };
  for (const Case& c : cases) {
    k.unary[int(c.op)](x.data(), y.data(), n);
    double worst = 0;
    float worst_x = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      double exact = c.f(double(x[i]));
      double u = ulp_diff(y[i], exact);
      if (c.rel > 0 && std::fabs(y[i] - exact) <= c.rel * std::fabs(exact)) u = 0;
      // Denormal results: accept an absolute error of a few denormal steps.
      if (std::fabs(exact) < 1.2e-38 && std::fabs(y[i] - exact) < 1e-44) u = 0;
      if (u > worst) { worst = u; worst_x = x[i]; }
    }
    if (worst > c.max_ulp)
      testing::record_failure(__FILE__, __LINE__,
                              li::cat("unary op ", int(c.op), ": ", worst, " ulp at x=", worst_x));
  }
}

// ---------------------------------------------------------------------------------------------
// Op tests through the registry.
namespace {

using testing::OpCall;
using testing::run_op;
using testing::tensor_f32;
using testing::tensor_i64;

template <class T>
li::Tensor tensor_of(li::DType dt, const li::Shape& shape, const std::vector<T>& v) {
  li::Tensor t = li::Tensor::allocate(dt, shape);
  CHECK_EQ(int64_t(v.size()), t.numel());
  for (size_t i = 0; i < v.size(); ++i) t.ptr<T>()[i] = v[i];  // (vector<bool> has no data())
  return t;
}
template <class T>
std::vector<T> values(const li::Tensor& t) {
  const T* p = t.ptr<T>();
  return std::vector<T>(p, p + t.numel());
}
li::Tensor run1(const std::string& op, std::vector<li::Tensor> ins,
                std::map<std::string, li::Attribute> attrs = {}, int64_t opset = 17) {
  OpCall c;
  c.op_type = op;
  c.opset = opset;
  c.inputs = std::move(ins);
  c.attrs = std::move(attrs);
  return run_op(c)[0];
}

// Reference numpy-style broadcasting of a binary float op, computed in double.
std::vector<float> np_binary(const li::Tensor& a, const li::Tensor& b, const li::Shape& out,
                             double (*f)(double, double)) {
  size_t r = out.size();
  std::vector<float> y(size_t(li::shape_numel(out)));
  std::vector<int64_t> idx(r, 0);
  for (size_t i = 0; i < y.size(); ++i) {
    int64_t rem = int64_t(i);
    for (size_t d = r; d-- > 0;) { idx[d] = rem % out[d]; rem /= out[d]; }
    auto at = [&](const li::Tensor& t) {
      int64_t off = 0;
      for (size_t d = 0; d < t.shape.size(); ++d) {
        int64_t od = idx[d + r - t.shape.size()];
        off = off * t.shape[d] + (t.shape[d] == 1 ? 0 : od);
      }
      return double(t.ptr<float>()[off]);
    };
    y[i] = float(f(at(a), at(b)));
  }
  return y;
}

}  // namespace

// Broadcasting shapes for every float32 SIMD binary op, vs a double-precision numpy-style model.
// Tolerance: rtol 1e-6 (one float rounding), atol 0.
TEST(elementwise_binary_broadcast_f32) {
  struct Shapes { li::Shape a, b, out; };
  const Shapes shapes[] = {
      {{2, 3, 4}, {4}, {2, 3, 4}},          {{2, 1, 4}, {3, 1}, {2, 3, 4}},
      {{5, 7}, {}, {5, 7}},                  {{}, {5, 7}, {5, 7}},
      {{2, 3, 5, 7}, {3, 1, 1}, {2, 3, 5, 7}}, {{1, 3, 1, 1}, {2, 3, 5, 7}, {2, 3, 5, 7}},
      {{4099}, {4099}, {4099}},              {{0, 3}, {3}, {0, 3}},
      {{3, 1}, {1, 0}, {3, 0}},              {{70, 300}, {70, 1}, {70, 300}},
      {{1}, {1}, {1}},                       {{2, 1, 3, 1, 5}, {1, 4, 1, 6, 1}, {2, 4, 3, 6, 5}},
  };
  struct Opf { const char* name; double (*f)(double, double); };
  const Opf ops[] = {
      {"Add", [](double x, double y) { return x + y; }},
      {"Sub", [](double x, double y) { return x - y; }},
      {"Mul", [](double x, double y) { return x * y; }},
      {"Div", [](double x, double y) { return x / y; }},
      {"Pow", [](double x, double y) { return std::pow(x, y); }},
  };
  uint32_t seed = 1;
  for (const Shapes& s : shapes) {
    li::Tensor a = testing::tensor_random(s.a, seed++, 0.5f, 2.f);
    li::Tensor b = testing::tensor_random(s.b, seed++, 0.5f, 2.f);
    for (const Opf& op : ops) {
      li::Tensor y = run1(op.name, {a, b});
      CHECK(y.shape == s.out);
      std::vector<float> want = np_binary(a, b, s.out, op.f);
      CHECK_CLOSE(y.ptr<float>(), want.data(), want.size(), 1e-6, 0);
    }
    for (const char* name : {"Max", "Min"}) {
      li::Tensor y = run1(name, {a, b});
      std::vector<float> want = np_binary(a, b, s.out, name[1] == 'a' ? [](double x, double z) {
        return std::max(x, z); } : [](double x, double z) { return std::min(x, z); });
      CHECK_CLOSE(y.ptr<float>(), want.data(), want.size(), 1e-7, 0);
    }
  }
  CHECK_THROWS(run1("Add", {testing::tensor_random({2, 3}, 1), testing::tensor_random({4}, 2)}),
               "[2,3] and [4] cannot be broadcast");
}

// ---------------------------------------------------------------------------------------------
// Kernel tables: every SIMD entry vs the reference entry, standard sizes, in place.
namespace {
struct TierPair { const ElementwiseKernels* ref; const ElementwiseKernels* simd; };
bool tiers(TierPair* p) {
  if (!have_simd()) return false;
  p->ref = &generic();
  p->simd = &li::elementwise_kernels_for(testing::simd_tier());
  return true;
}
}  // namespace

// Binary vv/vs/sv: Add/Sub/Mul/Max/Min exact (same IEEE ops); Div exact (IEEE division).
// NaN in either operand must propagate through Max/Min in both tiers.
TEST(elementwise_binary_kernels_simd_vs_ref) {
  TierPair t;
  if (!tiers(&t)) return;
  for (int op = 0; op < li::kNumBinOps; ++op) {
    for (int64_t n : kSizes) {
      std::vector<float> a = kernel_input(n, uint32_t(n + op), -3.f, 3.f, true);
      std::vector<float> b = kernel_input(n, uint32_t(n * 3 + op), 0.5f, 3.f, false);
      if (n > 5) b[2] = kNaN;
      std::vector<float> r(static_cast<size_t>(n)), s(static_cast<size_t>(n));
      t.ref->binary[op](a.data(), b.data(), r.data(), n);
      t.simd->binary[op](a.data(), b.data(), s.data(), n);
      CHECK_CLOSE(s.data(), r.data(), size_t(n), 1e-7, 1e-30);
      std::vector<float> ip = a;  // in place: y == a
      t.simd->binary[op](ip.data(), b.data(), ip.data(), n);
      CHECK_CLOSE(ip.data(), r.data(), size_t(n), 1e-7, 1e-30);
      for (float sc : {1.5f, -0.f, kNaN}) {
        t.ref->binary_vs[op](a.data(), sc, r.data(), n);
        t.simd->binary_vs[op](a.data(), sc, s.data(), n);
        CHECK_CLOSE(s.data(), r.data(), size_t(n), 1e-7, 1e-30);
        t.ref->binary_sv[op](a.data(), sc, r.data(), n);
        t.simd->binary_sv[op](a.data(), sc, s.data(), n);
        CHECK_CLOSE(s.data(), r.data(), size_t(n), 1e-7, 1e-30);
      }
    }
  }
}

// Unary table: Sqrt/Abs/Neg exact; Exp/Log/Tanh/Sigmoid/Erf within 4e-6 relative of libm.
TEST(elementwise_unary_kernels_simd_vs_ref) {
  TierPair t;
  if (!tiers(&t)) return;
  for (int op = 0; op < li::kNumUnOps; ++op) {
    for (int64_t n : kSizes) {
      bool positive = op == int(li::UnOp::Log) || op == int(li::UnOp::Sqrt);
      std::vector<float> x = kernel_input(n, uint32_t(n + 17 * op), positive ? 0.f : -20.f, 20.f, true);
      std::vector<float> r(static_cast<size_t>(n)), s(static_cast<size_t>(n));
      t.ref->unary[op](x.data(), r.data(), n);
      t.simd->unary[op](x.data(), s.data(), n);
      CHECK_CLOSE(s.data(), r.data(), size_t(n), 4e-6, 1e-37);
      std::vector<float> ip = x;
      t.simd->unary[op](ip.data(), ip.data(), n);
      CHECK_CLOSE(ip.data(), r.data(), size_t(n), 4e-6, 1e-37);
    }
  }
}

// Softmax rows: 2e-6 relative (+1e-9 absolute for the tiny probabilities); LogSoftmax 2e-6
// relative + 2e-6 absolute (values near 0 come from differences). Reductions: sums within
// 1e-6 of sum|x| (float vs double accumulation), max/min exact and NaN-propagating.
TEST(elementwise_row_kernels_simd_vs_ref) {
  TierPair t;
  if (!tiers(&t)) return;
  for (int64_t n : kSizes) {
    std::vector<float> x = kernel_input(n, uint32_t(n), -30.f, 30.f, false);
    std::vector<float> r(static_cast<size_t>(n)), s(static_cast<size_t>(n));
    t.ref->softmax_row(x.data(), r.data(), n);
    t.simd->softmax_row(x.data(), s.data(), n);
    CHECK_CLOSE(s.data(), r.data(), size_t(n), 2e-6, 1e-9);
    std::vector<float> ip = x;
    t.simd->softmax_row(ip.data(), ip.data(), n);
    CHECK_CLOSE(ip.data(), r.data(), size_t(n), 2e-6, 1e-9);
    t.ref->log_softmax_row(x.data(), r.data(), n);
    t.simd->log_softmax_row(x.data(), s.data(), n);
    CHECK_CLOSE(s.data(), r.data(), size_t(n), 2e-6, 2e-6);
    ip = x;
    t.simd->log_softmax_row(ip.data(), ip.data(), n);
    CHECK_CLOSE(ip.data(), r.data(), size_t(n), 2e-6, 2e-6);

    double sabs = 0, ssq = 0;
    for (float v : x) { sabs += std::fabs(v); ssq += double(v) * v; }
    float a = t.simd->reduce_sum(x.data(), n), b = t.ref->reduce_sum(x.data(), n);
    CHECK(std::fabs(a - b) <= 1e-6 * sabs + 1e-6);
    a = t.simd->reduce_sum_squares(x.data(), n);
    b = t.ref->reduce_sum_squares(x.data(), n);
    CHECK(std::fabs(a - b) <= 1e-6 * ssq);
    CHECK_EQ(t.simd->reduce_max(x.data(), n), t.ref->reduce_max(x.data(), n));
    CHECK_EQ(t.simd->reduce_min(x.data(), n), t.ref->reduce_min(x.data(), n));
    std::vector<float> xn = x;
    xn[size_t(n - 1)] = kNaN;
    CHECK(std::isnan(t.simd->reduce_max(xn.data(), n)));
    CHECK(std::isnan(t.simd->reduce_min(xn.data(), n)));
    CHECK(std::isnan(t.ref->reduce_max(xn.data(), n)));

    std::vector<float> acc_r = kernel_input(n, uint32_t(n + 99), -1.f, 1.f, false), acc_s = acc_r;
    const li::AccumulateFn ks[] = {t.simd->acc_add, t.simd->acc_max, t.simd->acc_min, t.simd->acc_add_squares};
    const li::AccumulateFn kr[] = {t.ref->acc_add, t.ref->acc_max, t.ref->acc_min, t.ref->acc_add_squares};
    for (int k = 0; k < 4; ++k) {
      kr[k](acc_r.data(), xn.data(), n);
      ks[k](acc_s.data(), xn.data(), n);
      CHECK_CLOSE(acc_s.data(), acc_r.data(), size_t(n), 1e-6, 1e-6);
    }
  }
  CHECK_EQ(t.simd->reduce_sum(nullptr, 0), 0.f);
  CHECK_EQ(t.simd->reduce_max(nullptr, 0), -kInf);
}

// ---------------------------------------------------------------------------------------------
// Binary ops: dtype classes and integer semantics (exact).
TEST(elementwise_binary_int_semantics) {
  using li::DType;
  auto i32 = [](const li::Shape& s, std::vector<int32_t> v) { return tensor_of(DType::Int32, s, v); };
  li::Tensor a = i32({6}, {-7, 7, -7, 7, INT32_MIN, 5});
  li::Tensor b = i32({6}, {2, -2, -2, 2, -1, 0});
  CHECK(values<int32_t>(run1("Div", {a, b})) == (std::vector<int32_t>{-3, -3, 3, 3, INT32_MIN, 0}));
  CHECK(values<int32_t>(run1("Add", {a, b})) == (std::vector<int32_t>{-5, 5, -9, 9, INT32_MAX, 5}));
  // Mod fmod=0 takes the divisor's sign (Python); fmod=1 the dividend's (C).
  li::Tensor m0 = run1("Mod", {i32({4}, {-7, 7, -7, 7}), i32({4}, {3, -3, -3, 3})});
  CHECK(values<int32_t>(m0) == (std::vector<int32_t>{2, -2, -1, 1}));
  li::Tensor m1 = run1("Mod", {i32({4}, {-7, 7, -7, 7}), i32({4}, {3, -3, -3, 3})},
                       {{"fmod", testing::attr_int(1)}});
  CHECK(values<int32_t>(m1) == (std::vector<int32_t>{-1, 1, -1, 1}));
  li::Tensor fm = run1("Mod", {tensor_f32({3}, {-7.5f, 7.5f, 5.f}), tensor_f32({3}, {2.f, -2.f, 5.f})},
                       {{"fmod", testing::attr_int(1)}});
  CHECK(values<float>(fm) == (std::vector<float>{-1.5f, 1.5f, 0.f}));
  CHECK_THROWS(run1("Mod", {tensor_f32({1}, {1.f}), tensor_f32({1}, {1.f})}), "fmod must be 1");
  // Integer Pow, negative exponents truncate; float base with int exponent.
  li::Tensor p = run1("Pow", {tensor_i64({5}, {2, -3, 2, -1, 1}), tensor_i64({5}, {10, 3, -1, -3, -5})});
  CHECK(values<int64_t>(p) == (std::vector<int64_t>{1024, -27, 0, -1, 1}));
  li::Tensor pf = run1("Pow", {tensor_f32({3}, {2.f, -2.f, 9.f}), tensor_i64({3}, {3, 2, 0})});
  CHECK(values<float>(pf) == (std::vector<float>{8.f, 4.f, 1.f}));
  li::Tensor sq = run1("Pow", {tensor_f32({4}, {3.f, -0.5f, kInf, kNaN}), tensor_f32({}, {2.f})});
  CHECK(values<float>(sq)[0] == 9.f && values<float>(sq)[1] == 0.25f && values<float>(sq)[2] == kInf);
  CHECK(std::isnan(values<float>(sq)[3]));
  // uint8 wraps; int8 broadcasting.
  li::Tensor u = run1("Mul", {tensor_of<uint8_t>(DType::UInt8, {2}, {200, 3}), tensor_of<uint8_t>(DType::UInt8, {}, {2})});
  CHECK(values<uint8_t>(u) == (std::vector<uint8_t>{144, 6}));
  li::Tensor s8 = run1("Sub", {tensor_of<int8_t>(DType::Int8, {2, 1}, {1, 2}), tensor_of<int8_t>(DType::Int8, {3}, {1, 2, 3})});
  CHECK(s8.shape == (li::Shape{2, 3}));
  CHECK(values<int8_t>(s8) == (std::vector<int8_t>{0, -1, -2, 1, 0, -1}));
  // float64 and uint64
  li::Tensor d = run1("Div", {tensor_of<double>(DType::Float64, {2}, {1.0, -1.0}), tensor_of<double>(DType::Float64, {1}, {3.0})});
  CHECK(values<double>(d) == (std::vector<double>{1.0 / 3.0, -1.0 / 3.0}));
  li::Tensor mx = run1("Max", {tensor_of<uint64_t>(DType::UInt64, {2}, {1, ~0ull}), tensor_of<uint64_t>(DType::UInt64, {2}, {2, 3})});
  CHECK(values<uint64_t>(mx) == (std::vector<uint64_t>{2, ~0ull}));
  // Mismatched dtypes are a model error naming both.
  CHECK_THROWS(run1("Add", {tensor_f32({1}, {1.f}), tensor_i64({1}, {1})}), "float32 and int64");
  CHECK_THROWS(run1("Add", {tensor_of<bool>(DType::Bool, {1}, {true}), tensor_of<bool>(DType::Bool, {1}, {true})}),
               "expected one of");
}

// Variadic Max/Min/Sum/Mean with three-way broadcasting; NaN propagates through Max/Min.
TEST(elementwise_variadic_ops) {
  li::Tensor a = tensor_f32({2, 1}, {1.f, kNaN});
  li::Tensor b = tensor_f32({3}, {0.f, 2.f, -1.f});
  li::Tensor c = tensor_f32({1, 1}, {0.5f});
  OpCall call;
  call.op_type = "Max";
  call.inputs = {a, b, c};
  li::Tensor mx = run_op(call)[0];
  CHECK(mx.shape == (li::Shape{2, 3}));
  std::vector<float> v = values<float>(mx);
  CHECK(v[0] == 1.f && v[1] == 2.f && v[2] == 1.f && std::isnan(v[3]) && std::isnan(v[5]));
  call.op_type = "Sum";
  call.inputs = {tensor_f32({2, 1}, {1.f, 2.f}), b, c};
  CHECK(values<float>(run_op(call)[0]) == (std::vector<float>{1.5f, 3.5f, 0.5f, 2.5f, 4.5f, 1.5f}));
  call.op_type = "Mean";
  CHECK(values<float>(run_op(call)[0]) == (std::vector<float>{0.5f, 3.5f / 3, 0.5f / 3, 2.5f / 3, 1.5f, 0.5f}));
  call.op_type = "Min";
  call.inputs = {b};
  CHECK(values<float>(run_op(call)[0]) == values<float>(b));
}

// Comparisons and logic: bool outputs, NaN compares false, int64 and float16 inputs.
TEST(elementwise_compare_logic_ops) {
  using li::DType;
  li::Tensor a = tensor_f32({4}, {1.f, kNaN, -0.f, 3.f});
  li::Tensor b = tensor_f32({4}, {1.f, kNaN, 0.f, 2.f});
  CHECK(values<bool>(run1("Equal", {a, b})) == (std::vector<bool>{true, false, true, false}));
  CHECK(values<bool>(run1("Less", {a, b})) == (std::vector<bool>{false, false, false, false}));
  CHECK(values<bool>(run1("Greater", {a, b})) == (std::vector<bool>{false, false, false, true}));
  CHECK(values<bool>(run1("LessOrEqual", {a, b})) == (std::vector<bool>{true, false, true, false}));
  CHECK(values<bool>(run1("GreaterOrEqual", {a, b})) == (std::vector<bool>{true, false, true, true}));
  CHECK(run1("Equal", {a, b}).dtype == DType::Bool);
  li::Tensor e = run1("Equal", {tensor_i64({2, 1}, {1, 2}), tensor_i64({2}, {2, 1})});
  CHECK(values<bool>(e) == (std::vector<bool>{false, true, true, false}));
  li::Tensor h1 = tensor_of<uint16_t>(DType::Float16, {2}, {li::float_to_half(1.5f), li::float_to_half(-2.f)});
  li::Tensor h2 = tensor_of<uint16_t>(DType::Float16, {1}, {li::float_to_half(0.f)});
  CHECK(values<bool>(run1("Greater", {h1, h2})) == (std::vector<bool>{true, false}));
  li::Tensor t = tensor_of<bool>(DType::Bool, {4}, {true, true, false, false});
  li::Tensor f = tensor_of<bool>(DType::Bool, {4}, {true, false, true, false});
  CHECK(values<bool>(run1("And", {t, f})) == (std::vector<bool>{true, false, false, false}));
  CHECK(values<bool>(run1("Or", {t, f})) == (std::vector<bool>{true, true, true, false}));
  CHECK(values<bool>(run1("Xor", {t, f})) == (std::vector<bool>{false, true, true, false}));
  CHECK(values<bool>(run1("Not", {t})) == (std::vector<bool>{false, false, true, true}));
  li::Tensor u = tensor_of<uint32_t>(DType::UInt32, {3}, {1, 16, 5});
  li::Tensor sh = tensor_of<uint32_t>(DType::UInt32, {3}, {4, 2, 40});
  CHECK(values<uint32_t>(run1("BitShift", {u, sh}, {{"direction", testing::attr_string("LEFT")}})) ==
        (std::vector<uint32_t>{16, 64, 0}));
  CHECK(values<uint32_t>(run1("BitShift", {u, sh}, {{"direction", testing::attr_string("RIGHT")}})) ==
        (std::vector<uint32_t>{0, 4, 0}));
  li::Tensor i1 = tensor_of<int32_t>(DType::Int32, {2}, {12, -1});
  li::Tensor i2 = tensor_of<int32_t>(DType::Int32, {2}, {10, 5});
  CHECK(values<int32_t>(run1("BitwiseAnd", {i1, i2}, {}, 18)) == (std::vector<int32_t>{8, 5}));
  CHECK(values<int32_t>(run1("BitwiseOr", {i1, i2}, {}, 18)) == (std::vector<int32_t>{14, -1}));
  CHECK(values<int32_t>(run1("BitwiseXor", {i1, i2}, {}, 18)) == (std::vector<int32_t>{6, -6}));
  CHECK(values<int32_t>(run1("BitwiseNot", {i1}, {}, 18)) == (std::vector<int32_t>{-13, 0}));
  CHECK_THROWS(run1("BitwiseAnd", {i1, i2}, {}, 17), "unsupported op");
}

// PRelu: per-channel slope [C,1,1] (SIMD LeakyRelu per run), full-shape slope, and a slope that
// does not broadcast to X.
TEST(elementwise_prelu) {
  li::Tensor x = testing::tensor_random({2, 3, 4, 5}, 7, -2.f, 2.f);
  li::Tensor s = tensor_f32({3, 1, 1}, {0.1f, 0.2f, 0.3f});
  std::vector<float> y = values<float>(run1("PRelu", {x, s}));
  for (int64_t i = 0; i < x.numel(); ++i) {
    float v = x.ptr<float>()[i], sl = 0.1f * float((i / 20) % 3 + 1);
    float want = v < 0 ? v * (i / 20 % 3 == 0 ? 0.1f : i / 20 % 3 == 1 ? 0.2f : 0.3f) : v;
    (void)sl;
    CHECK_EQ(y[size_t(i)], want);
  }
  li::Tensor full = testing::tensor_random({2, 3, 4, 5}, 8, 0.f, 1.f);
  std::vector<float> y2 = values<float>(run1("PRelu", {x, full}));
  for (int64_t i = 0; i < x.numel(); ++i) {
    float v = x.ptr<float>()[i];
    CHECK_EQ(y2[size_t(i)], v < 0 ? v * full.ptr<float>()[i] : v);
  }
  CHECK_THROWS(run1("PRelu", {tensor_f32({3}, {1, 2, 3}), tensor_f32({2, 3}, {1, 2, 3, 4, 5, 6})}),
               "not unidirectionally broadcastable");
}

// float16 / bfloat16 arithmetic goes through float: results equal the rounded float result.
TEST(elementwise_half_types) {
  using li::DType;
  std::vector<float> av = {1.5f, -2.25f, 1000.f, 0.1f}, bv = {0.5f, 4.f, 0.001f, 3.f};
  for (DType dt : {DType::Float16, DType::BFloat16}) {
    auto to16 = [&](float f) { return dt == DType::Float16 ? li::float_to_half(f) : li::float_to_bf16(f); };
    auto from16 = [&](uint16_t h) { return dt == DType::Float16 ? li::half_to_float(h) : li::bf16_to_float(h); };
    std::vector<uint16_t> ah, bh;
    for (size_t i = 0; i < av.size(); ++i) { ah.push_back(to16(av[i])); bh.push_back(to16(bv[i])); }
    li::Tensor a = tensor_of(dt, {4}, ah), b = tensor_of(dt, {4}, bh);
    std::vector<uint16_t> y = values<uint16_t>(run1("Mul", {a, b}));
    std::vector<uint16_t> r = values<uint16_t>(run1("Relu", {a}));
    std::vector<uint16_t> sg = values<uint16_t>(run1("Sigmoid", {a}));
    for (size_t i = 0; i < 4; ++i) {
      CHECK_EQ(y[i], to16(from16(ah[i]) * from16(bh[i])));
      CHECK_EQ(r[i], to16(std::max(0.f, from16(ah[i]))));
      float want = 1.f / (1.f + std::exp(-from16(ah[i])));
      CHECK(std::fabs(from16(sg[i]) - want) <= 0.008f * want);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Unary ops vs double formulas, float32 (SIMD where it exists) and float64, over a range that
// includes the edge values. Tolerance: 4e-6 relative + 1e-6 absolute for float32; 1e-12
// relative for float64 (same libm formula).
TEST(elementwise_unary_ops_vs_formula) {
  using li::DType;
  struct U { const char* op; double (*f)(double); double lo, hi; int64_t opset; };
  const double selu_a = 1.67326319217681884765625, selu_g = 1.05070102214813232421875;
  (void)selu_a; (void)selu_g;
  const U ops[] = {
      {"Relu", [](double x) { return x > 0 ? x : 0.0; }, -5, 5, 14},
      {"LeakyRelu", [](double x) { return x >= 0 ? x : double(0.01f) * x; }, -5, 5, 16},
      {"Sigmoid", [](double x) { return 1 / (1 + std::exp(-x)); }, -30, 30, 13},
      {"HardSigmoid", [](double x) { return std::min(1.0, std::max(0.0, double(0.2f) * x + 0.5)); }, -5, 5, 6},
      {"HardSwish", [](double x) { return x * std::min(1.0, std::max(0.0, x / 6 + 0.5)); }, -5, 5, 14},
      {"Tanh", [](double x) { return std::tanh(x); }, -10, 10, 13},
      {"Erf", [](double x) { return std::erf(x); }, -5, 5, 13},
      {"Exp", [](double x) { return std::exp(x); }, -80, 80, 13},
      {"Log", [](double x) { return std::log(x); }, 0, 1000, 13},
      {"Sqrt", [](double x) { return std::sqrt(x); }, 0, 1000, 13},
      {"Neg", [](double x) { return -x; }, -5, 5, 13},
      {"Abs", [](double x) { return std::fabs(x); }, -5, 5, 13},
      {"Reciprocal", [](double x) { return 1 / x; }, 0.1, 5, 13},
      {"Floor", [](double x) { return std::floor(x); }, -5, 5, 13},
      {"Ceil", [](double x) { return std::ceil(x); }, -5, 5, 13},
      {"Sign", [](double x) { return double((x > 0) - (x < 0)); }, -5, 5, 13},
      {"Sin", [](double x) { return std::sin(x); }, -5, 5, 7},
      {"Cos", [](double x) { return std::cos(x); }, -5, 5, 7},
      {"Tan", [](double x) { return std::tan(x); }, -1.5, 1.5, 7},
      {"Asin", [](double x) { return std::asin(x); }, -1, 1, 7},
      {"Acos", [](double x) { return std::acos(x); }, -1, 1, 7},
      {"Atan", [](double x) { return std::atan(x); }, -5, 5, 7},
      {"Sinh", [](double x) { return std::sinh(x); }, -5, 5, 9},
      {"Cosh", [](double x) { return std::cosh(x); }, -5, 5, 9},
      {"Asinh", [](double x) { return std::asinh(x); }, -5, 5, 9},
      {"Acosh", [](double x) { return std::acosh(x); }, 1, 5, 9},
      {"Atanh", [](double x) { return std::atanh(x); }, -0.99, 0.99, 9},
      {"Softplus", [](double x) { return std::log1p(std::exp(x)); }, -30, 30, 1},
      {"Softsign", [](double x) { return x / (1 + std::fabs(x)); }, -5, 5, 1},
      {"Elu", [](double x) { return x >= 0 ? x : std::expm1(x); }, -5, 5, 6},
      {"Selu", [](double x) {
         // The attribute defaults are floats; these decimals are exactly representable.
         return x > 0 ? 1.05070102214813232421875 * x
                      : 1.05070102214813232421875 * 1.67326319217681884765625 * std::expm1(x); }, -5, 5, 6},
      {"Celu", [](double x) { return x > 0 ? x : std::expm1(x); }, -5, 5, 12},
      {"Mish", [](double x) { return x * std::tanh(std::log1p(std::exp(x))); }, -20, 20, 18},
      {"ThresholdedRelu", [](double x) { return x > 1 ? x : 0.0; }, -5, 5, 10},
      {"Shrink", [](double x) { return x < -0.5 ? x : (x > 0.5 ? x : 0.0); }, -5, 5, 9},
  };
  for (const U& u : ops) {
    for (int64_t n : {int64_t(9), int64_t(20000)}) {  // single-threaded and split over the pool
      li::Tensor x = testing::tensor_random({n}, uint32_t(n), float(u.lo), float(u.hi));
      li::Tensor y = run1(u.op, {x}, {}, u.opset);
      std::vector<float> want(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) want[size_t(i)] = float(u.f(double(x.ptr<float>()[i])));
      double v = violation(y.ptr<float>(), want.data(), size_t(n), 4e-6, 1e-6);
      if (!(v <= 1)) testing::record_failure(__FILE__, __LINE__, li::cat(u.op, " float32 violation ", v));
      li::Tensor xd = li::Tensor::allocate(li::DType::Float64, {n});
      for (int64_t i = 0; i < n; ++i) xd.ptr<double>()[i] = x.ptr<float>()[i];
      li::Tensor yd = run1(u.op, {xd}, {}, u.opset);
      CHECK(yd.dtype == DType::Float64);
      for (int64_t i = 0; i < n; ++i) {
        double w = u.f(xd.ptr<double>()[i]), g = yd.ptr<double>()[i];
        if (!(std::fabs(g - w) <= 1e-12 * std::fabs(w) + 1e-300))
          testing::record_failure(__FILE__, __LINE__, li::cat(u.op, " float64 at ", xd.ptr<double>()[i], ": ", g, " vs ", w));
      }
    }
  }
}

// Edge values: NaN, +-inf, -0 through the common activations (float32 path).
TEST(elementwise_unary_edge_values) {
  li::Tensor x = tensor_f32({5}, {kNaN, kInf, -kInf, -0.f, 0.f});
  auto y = [&](const char* op) { return values<float>(run1(op, {x})); };
  std::vector<float> r = y("Relu");
  CHECK(r[0] == 0.f && r[1] == kInf && r[2] == 0.f && r[3] == 0.f);  // Relu(NaN)=0 like MLAS
  r = y("Sigmoid");
  CHECK(std::isnan(r[0]) && r[1] == 1.f && r[2] == 0.f && r[3] == 0.5f);
  r = y("Tanh");
  CHECK(std::isnan(r[0]) && r[1] == 1.f && r[2] == -1.f && r[3] == 0.f && std::signbit(r[3]));
  r = y("Exp");
  CHECK(std::isnan(r[0]) && r[1] == kInf && r[2] == 0.f && r[3] == 1.f);
  r = y("Log");
  CHECK(std::isnan(r[0]) && r[1] == kInf && std::isnan(r[2]) && r[3] == -kInf && r[4] == -kInf);
  r = y("Erf");
  CHECK(std::isnan(r[0]) && r[1] == 1.f && r[2] == -1.f && r[3] == 0.f && std::signbit(r[3]));
  r = y("Neg");
  CHECK(std::isnan(r[0]) && r[1] == -kInf && !std::signbit(r[3]) && std::signbit(r[4]));
  r = y("Abs");
  CHECK(std::isnan(r[0]) && r[2] == kInf && !std::signbit(r[3]));
  r = y("Sqrt");
  CHECK(std::isnan(r[0]) && r[1] == kInf && std::isnan(r[2]) && std::signbit(r[3]));
  // Round: half to even.
  li::Tensor h = tensor_f32({8}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, -2.6f, kNaN});
  std::vector<float> rr = values<float>(run1("Round", {h}));
  CHECK(rr[0] == 0.f && rr[1] == 2.f && rr[2] == 2.f && rr[3] == 0.f && rr[4] == -2.f && rr[5] == 2.f &&
        rr[6] == -3.f && std::isnan(rr[7]));
  std::vector<bool> in = values<bool>(run1("IsNaN", {x}));
  CHECK(in == (std::vector<bool>{true, false, false, false, false}));
  CHECK(values<bool>(run1("IsInf", {x})) == (std::vector<bool>{false, true, true, false, false}));
  CHECK(values<bool>(run1("IsInf", {x}, {{"detect_negative", testing::attr_int(0)}})) ==
        (std::vector<bool>{false, true, false, false, false}));
  // Integer Relu (opset 14), Abs, Neg, Sign.
  li::Tensor xi = tensor_of<int32_t>(li::DType::Int32, {3}, {-3, 0, 4});
  CHECK(values<int32_t>(run1("Relu", {xi}, {}, 14)) == (std::vector<int32_t>{0, 0, 4}));
  CHECK(values<int32_t>(run1("Abs", {xi})) == (std::vector<int32_t>{3, 0, 4}));
  CHECK(values<int32_t>(run1("Neg", {xi})) == (std::vector<int32_t>{3, 0, -4}));
  CHECK(values<int32_t>(run1("Sign", {xi})) == (std::vector<int32_t>{-1, 0, 1}));
  CHECK_THROWS(run1("Exp", {xi}), "expected one of float32");
  // Attributes reach the kernels.
  std::vector<float> lr = values<float>(run1("LeakyRelu", {tensor_f32({2}, {-2.f, 2.f})}, {{"alpha", testing::attr_float(0.5f)}}));
  CHECK(lr == (std::vector<float>{-1.f, 2.f}));
  std::vector<float> hs = values<float>(run1("HardSigmoid", {tensor_f32({2}, {0.f, 1.f})},
                                             {{"alpha", testing::attr_float(0.5f)}, {"beta", testing::attr_float(0.25f)}}));
  CHECK(hs == (std::vector<float>{0.25f, 0.75f}));
}

// Clip: opset 6 attributes vs opset 11+ optional inputs (omitted min, int32 at opset 12),
// min > max gives max everywhere; NaN passes through.
TEST(elementwise_clip_opsets) {
  li::Tensor x = tensor_f32({5}, {-3.f, -0.5f, 0.5f, 3.f, kNaN});
  std::vector<float> a = values<float>(run1("Clip", {x}, {{"min", testing::attr_float(-1.f)}, {"max", testing::attr_float(1.f)}}, 6));
  CHECK(a[0] == -1.f && a[1] == -0.5f && a[2] == 0.5f && a[3] == 1.f && std::isnan(a[4]));
  std::vector<float> d = values<float>(run1("Clip", {x}, {}, 6));  // default bounds: the float range
  CHECK(d[0] == -3.f && d[3] == 3.f && std::isnan(d[4]));
  std::vector<float> di = values<float>(run1("Clip", {tensor_f32({2}, {-kInf, kInf})}, {}, 6));
  CHECK(di[0] == std::numeric_limits<float>::lowest() && di[1] == std::numeric_limits<float>::max());
  std::vector<float> b = values<float>(run1("Clip", {x, tensor_f32({}, {-1.f}), tensor_f32({}, {1.f})}, {}, 11));
  CHECK(b[0] == -1.f && b[3] == 1.f && std::isnan(b[4]));
  std::vector<float> c = values<float>(run1("Clip", {x, li::Tensor(), tensor_f32({}, {0.f})}, {}, 13));
  CHECK(c[0] == -3.f && c[2] == 0.f && c[3] == 0.f);
  std::vector<float> e = values<float>(run1("Clip", {x, tensor_f32({}, {2.f}), tensor_f32({}, {1.f})}, {}, 13));
  CHECK(e[0] == 1.f && e[1] == 1.f && e[3] == 1.f);
  li::Tensor xi = tensor_of<int32_t>(li::DType::Int32, {3}, {-5, 2, 9});
  li::Tensor lo = tensor_of<int32_t>(li::DType::Int32, {}, {0});
  li::Tensor hi = tensor_of<int32_t>(li::DType::Int32, {}, {4});
  CHECK(values<int32_t>(run1("Clip", {xi, lo, hi}, {}, 12)) == (std::vector<int32_t>{0, 2, 4}));
  CHECK_THROWS(run1("Clip", {xi, lo, hi}, {}, 11), "expected one of");
  CHECK_THROWS(run1("Clip", {x, tensor_f32({2}, {0.f, 1.f})}, {}, 13), "must be a scalar");
}

// Where: 3-way broadcast for float, int64 and string; Cast across dtype classes.
TEST(elementwise_where_and_cast) {
  using li::DType;
  li::Tensor c = tensor_of<bool>(DType::Bool, {2, 1}, {true, false});
  li::Tensor x = tensor_f32({3}, {1.f, 2.f, 3.f});
  li::Tensor y = tensor_f32({}, {-1.f});
  li::Tensor w = run1("Where", {c, x, y});
  CHECK(w.shape == (li::Shape{2, 3}));
  CHECK(values<float>(w) == (std::vector<float>{1.f, 2.f, 3.f, -1.f, -1.f, -1.f}));
  li::Tensor wi = run1("Where", {tensor_of<bool>(DType::Bool, {3}, {false, true, false}), tensor_i64({3}, {1, 2, 3}),
                                 tensor_i64({1}, {9})});
  CHECK(values<int64_t>(wi) == (std::vector<int64_t>{9, 2, 9}));
  li::Tensor sx = li::Tensor::allocate(DType::String, {2});
  (*sx.strings)[0] = "a"; (*sx.strings)[1] = "b";
  li::Tensor sy = li::Tensor::allocate(DType::String, {1});
  (*sy.strings)[0] = "z";
  li::Tensor ws = run1("Where", {tensor_of<bool>(DType::Bool, {2}, {false, true}), sx, sy});
  CHECK((*ws.strings)[0] == "z" && (*ws.strings)[1] == "b");
  CHECK_THROWS(run1("Where", {x, x, x}), "condition) must be bool");

  auto cast = [&](const li::Tensor& t, DType to, int64_t opset = 13) {
    return run1("Cast", {t}, {{"to", testing::attr_int(int64_t(to))}}, opset);
  };
  li::Tensor f = tensor_f32({7}, {-2.7f, 2.7f, kNaN, 300.f, -0.f, 1e20f, 65504.f});
  CHECK(values<int32_t>(cast(f, DType::Int32)) == (std::vector<int32_t>{-2, 2, 0, 300, 0, INT32_MIN == 0 ? 0 : int32_t(int64_t(INT64_MAX)), 65504}));
  CHECK(values<uint8_t>(cast(f, DType::UInt8))[3] == 44);  // 300 wraps mod 256 like numpy
  CHECK(values<bool>(cast(f, DType::Bool)) == (std::vector<bool>{true, true, true, true, false, true, true}));
  std::vector<uint16_t> hv = values<uint16_t>(cast(f, DType::Float16));
  CHECK(li::half_to_float(hv[0]) == li::half_to_float(li::float_to_half(-2.7f)) && li::half_to_float(hv[5]) == kInf &&
        li::half_to_float(hv[6]) == 65504.f);
  li::Tensor back = cast(cast(f, DType::BFloat16), DType::Float32);
  CHECK(values<float>(back)[3] == 300.f);
  li::Tensor i64 = tensor_i64({3}, {-1, 1LL << 40, 7});
  CHECK(values<double>(cast(i64, DType::Float64)) == (std::vector<double>{-1.0, double(1LL << 40), 7.0}));
  CHECK(values<uint32_t>(cast(i64, DType::UInt32))[0] == 0xffffffffu);
  li::Tensor bl = tensor_of<bool>(DType::Bool, {2}, {true, false});
  CHECK(values<float>(cast(bl, DType::Float32)) == (std::vector<float>{1.f, 0.f}));
  // Strings both ways.
  li::Tensor fs = cast(tensor_f32({4}, {3.5f, -kInf, kNaN, 0.1f}), DType::String);
  CHECK((*fs.strings)[0] == "3.5" && (*fs.strings)[1] == "-INF" && (*fs.strings)[2] == "NaN" &&
        (*fs.strings)[3] == "0.1");  // the shortest decimal that reads back as 0.1f
  CHECK((*cast(tensor_i64({1}, {-42}), DType::String).strings)[0] == "-42");
  li::Tensor st = li::Tensor::allocate(DType::String, {5});
  *st.strings = {"1e-5", "+inf", "-INF", "nan", "100.5"};
  std::vector<float> sf = values<float>(cast(st, DType::Float32));
  CHECK(sf[0] == 1e-5f && sf[1] == kInf && sf[2] == -kInf && std::isnan(sf[3]) && sf[4] == 100.5f);
  CHECK(values<int64_t>(cast(st, DType::Int64))[4] == 100);
  // Opset 1-5 names the type with a string; CastLike takes it from input 1.
  li::Tensor old = run1("Cast", {f}, {{"to", testing::attr_string("INT64")}}, 1);
  CHECK(old.dtype == DType::Int64 && values<int64_t>(old)[0] == -2);
  li::Tensor like = run1("CastLike", {f, tensor_i64({1}, {0})}, {}, 15);
  CHECK(like.dtype == DType::Int64);
  CHECK_THROWS(run1("Cast", {f}, {{"to", testing::attr_int(17)}}, 13), "not a supported dtype");
}

// ---------------------------------------------------------------------------------------------
// Softmax family vs a double reference along [outer, A, inner]. Tolerance 2e-6 relative +
// 1e-8 absolute (Softmax), 2e-6 absolute (LogSoftmax).
namespace {
std::vector<float> softmax_ref(const li::Tensor& x, int64_t outer, int64_t a, int64_t inner, int kind) {
  std::vector<float> y(static_cast<size_t>(x.numel()));
  const float* p = x.ptr<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < inner; ++c) {
      auto at = [&](int64_t i) { return o * a * inner + i * inner + c; };
      double m = -1e300, s = 0;
      int64_t arg = 0;
      for (int64_t i = 0; i < a; ++i) if (p[at(i)] > m) { m = p[at(i)]; arg = i; }
      for (int64_t i = 0; i < a; ++i) s += std::exp(double(p[at(i)]) - m);
      for (int64_t i = 0; i < a; ++i)
        y[size_t(at(i))] = float(kind == 0 ? std::exp(double(p[at(i)]) - m) / s
                                 : kind == 1 ? double(p[at(i)]) - m - std::log(s) : double(i == arg));
    }
  return y;
}
}  // namespace

TEST(elementwise_softmax_opsets) {
  li::Tensor x = testing::tensor_random({2, 3, 4}, 3, -5.f, 5.f);
  const char* names[] = {"Softmax", "LogSoftmax", "Hardmax"};
  for (int kind = 0; kind < 3; ++kind) {
    double atol = kind == 1 ? 2e-6 : 1e-8;
    // Opset 11, default axis 1: coerced to [2, 12].
    li::Tensor y11 = run1(names[kind], {x}, {}, 11);
    std::vector<float> w = softmax_ref(x, 2, 12, 1, kind);
    CHECK_CLOSE(y11.ptr<float>(), w.data(), w.size(), 2e-6, atol);
    // Opset 13, default axis -1.
    li::Tensor y13 = run1(names[kind], {x}, {}, 13);
    w = softmax_ref(x, 6, 4, 1, kind);
    CHECK_CLOSE(y13.ptr<float>(), w.data(), w.size(), 2e-6, atol);
    // Opset 13, axis 1 is a single axis (strided), unlike opset 11's coercion.
    li::Tensor y13a = run1(names[kind], {x}, {{"axis", testing::attr_int(1)}}, 13);
    w = softmax_ref(x, 2, 3, 4, kind);
    CHECK_CLOSE(y13a.ptr<float>(), w.data(), w.size(), 2e-6, atol);
    // Opset 11 axis 0: one row of everything.
    li::Tensor y11z = run1(names[kind], {x}, {{"axis", testing::attr_int(0)}}, 11);
    w = softmax_ref(x, 1, 24, 1, kind);
    CHECK_CLOSE(y11z.ptr<float>(), w.data(), w.size(), 2e-6, atol);
  }
  // Large strided case ([3, 50, 700], axis 1) crosses column blocks and threads; float64 too.
  li::Tensor big = testing::tensor_random({3, 50, 700}, 4, -20.f, 20.f);
  for (int kind = 0; kind < 2; ++kind) {
    li::Tensor y = run1(names[kind], {big}, {{"axis", testing::attr_int(-2)}}, 13);
    std::vector<float> w = softmax_ref(big, 3, 50, 700, kind);
    CHECK_CLOSE(y.ptr<float>(), w.data(), w.size(), 2e-6, kind ? 4e-6 : 1e-8);
  }
  li::Tensor xd = li::Tensor::allocate(li::DType::Float64, {3, 5});
  for (int i = 0; i < 15; ++i) xd.ptr<double>()[i] = i * 0.5 - 3;
  li::Tensor yd = run1("Softmax", {xd}, {}, 13);
  for (int r = 0; r < 3; ++r) {
    double s = 0;
    for (int i = 0; i < 5; ++i) s += yd.ptr<double>()[r * 5 + i];
    CHECK(std::fabs(s - 1) < 1e-14);
  }
  // Numerical stability: huge logits do not overflow.
  std::vector<float> st = values<float>(run1("Softmax", {tensor_f32({3}, {1000.f, 1000.f, -1000.f})}));
  CHECK(std::fabs(st[0] - 0.5f) < 1e-7 && st[2] == 0.f);
  CHECK_THROWS(run1("Softmax", {x}, {{"axis", testing::attr_int(3)}}, 13), "out of range");
}

// Reductions vs a double model over every axes subset of [3,4,5] (covers inner-reduced,
// inner-kept and strided layouts), keepdims 0/1. float32 tolerance 2e-6 relative + 1e-6
// absolute; int32 exact.
namespace {
double red_model(const char* op, const std::vector<double>& v) {
  std::string o = op;
  double s = 0, m = v.empty() ? 0 : v[0], p = 1, l1 = 0, sq = 0;
  for (double x : v) { s += x; p *= x; l1 += std::fabs(x); sq += x * x; }
  for (double x : v) m = o == "ReduceMin" ? std::min(m, x) : std::max(m, x);
  if (o == "ReduceSum") return s;
  if (o == "ReduceMean") return s / double(v.size());
  if (o == "ReduceMax" || o == "ReduceMin") return m;
  if (o == "ReduceProd") return p;
  if (o == "ReduceL1") return l1;
  if (o == "ReduceL2") return std::sqrt(sq);
  if (o == "ReduceLogSum") return std::log(s);
  if (o == "ReduceSumSquare") return sq;
  double e = 0;
  for (double x : v) e += std::exp(x - m);
  return m + std::log(e);  // ReduceLogSumExp
}
}  // namespace

TEST(elementwise_reduce_all_axes) {
  const li::Shape shape = {3, 4, 5};
  li::Tensor x = testing::tensor_random(shape, 11, 0.2f, 2.f);
  const char* ops[] = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                       "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};
  for (const char* op : ops) {
    for (int mask = 1; mask < 8; ++mask) {
      std::vector<int64_t> axes;
      for (int d = 0; d < 3; ++d) if (mask & (1 << d)) axes.push_back(d == 2 && mask == 4 ? -1 : d);
      for (int keep = 0; keep < 2; ++keep) {
        // Attribute form (opset 13, or 11 for ReduceSum) and input form (opset 18).
        bool sum = std::string(op) == "ReduceSum";
        li::Tensor ya = run1(op, {x}, {{"axes", testing::attr_ints(axes)}, {"keepdims", testing::attr_int(keep)}},
                             sum ? 11 : 13);
        li::Tensor yi = run1(op, {x, tensor_i64({int64_t(axes.size())}, axes)}, {{"keepdims", testing::attr_int(keep)}}, 18);
        li::Shape want_shape;
        for (int d = 0; d < 3; ++d) {
          if (!(mask & (1 << d))) want_shape.push_back(shape[size_t(d)]);
          else if (keep) want_shape.push_back(1);
        }
        CHECK(ya.shape == want_shape);
        CHECK(yi.shape == want_shape);
        std::vector<float> want;
        for (int64_t i = 0; i < 3; ++i) for (int64_t j = 0; j < 4; ++j) for (int64_t k = 0; k < 5; ++k) {
          // Visit outputs in order: only the first element of each reduced group emits.
          if (((mask & 1) && i) || ((mask & 2) && j) || ((mask & 4) && k)) continue;
          std::vector<double> group;
          for (int64_t a = 0; a < 3; ++a) for (int64_t b = 0; b < 4; ++b) for (int64_t c = 0; c < 5; ++c) {
            if (!(mask & 1) && a != i) continue;
            if (!(mask & 2) && b != j) continue;
            if (!(mask & 4) && c != k) continue;
            group.push_back(x.ptr<float>()[(a * 4 + b) * 5 + c]);
          }
          want.push_back(float(red_model(op, group)));
        }
        double v1 = violation(ya.ptr<float>(), want.data(), want.size(), 2e-6, 1e-6);
        double v2 = violation(yi.ptr<float>(), want.data(), want.size(), 2e-6, 1e-6);
        if (!(v1 <= 1 && v2 <= 1))
          testing::record_failure(__FILE__, __LINE__, li::cat(op, " mask ", mask, " keep ", keep, ": ", v1, " ", v2));
      }
    }
  }
}

TEST(elementwise_reduce_semantics) {
  li::Tensor x = tensor_f32({2, 3}, {1.f, 2.f, 3.f, 4.f, 5.f, 6.f});
  // Default: all axes, keepdims=1.
  li::Tensor all = run1("ReduceSum", {x}, {}, 13);
  CHECK(all.shape == (li::Shape{1, 1}) && values<float>(all)[0] == 21.f);
  // Empty axes input + noop_with_empty_axes=1: identity.
  li::Tensor noop = run1("ReduceSum", {x, tensor_i64({0}, {})}, {{"noop_with_empty_axes", testing::attr_int(1)}}, 13);
  CHECK(noop.shape == x.shape && values<float>(noop) == values<float>(x));
  // ...while the map still applies, as in the ONNX reference (ReduceSumSquare noop = x^2).
  li::Tensor nsq = run1("ReduceSumSquare", {x, tensor_i64({0}, {})}, {{"noop_with_empty_axes", testing::attr_int(1)}}, 18);
  CHECK(values<float>(nsq) == (std::vector<float>{1.f, 4.f, 9.f, 16.f, 25.f, 36.f}));
  li::Tensor empty_all = run1("ReduceMean", {x, tensor_i64({0}, {})}, {{"keepdims", testing::attr_int(0)}}, 18);
  CHECK(empty_all.shape == li::Shape{} && values<float>(empty_all)[0] == 3.5f);
  // Integer reductions, exact.
  li::Tensor xi = tensor_of<int32_t>(li::DType::Int32, {2, 3}, {1, -2, 3, 4, 5, -6});
  CHECK(values<int32_t>(run1("ReduceSum", {xi, tensor_i64({1}, {1})}, {{"keepdims", testing::attr_int(0)}}, 13)) ==
        (std::vector<int32_t>{2, 3}));
  CHECK(values<int32_t>(run1("ReduceMax", {xi}, {{"axes", testing::attr_ints({0})}}, 13)) == (std::vector<int32_t>{4, 5, 3}));
  CHECK(values<int32_t>(run1("ReduceProd", {xi}, {{"axes", testing::attr_ints({1})}}, 13)) == (std::vector<int32_t>{-6, -120}));
  CHECK(values<int32_t>(run1("ReduceMean", {xi}, {{"axes", testing::attr_ints({1})}}, 13)) == (std::vector<int32_t>{0, 1}));
  // NaN propagates through Max on both float paths; reducing an empty axis gives the identity.
  li::Tensor xn = tensor_f32({2, 2}, {1.f, kNaN, 3.f, 4.f});
  std::vector<float> m0 = values<float>(run1("ReduceMax", {xn}, {{"axes", testing::attr_ints({0})}}, 13));
  std::vector<float> m1 = values<float>(run1("ReduceMax", {xn}, {{"axes", testing::attr_ints({1})}}, 13));
  CHECK(m0[0] == 3.f && std::isnan(m0[1]) && std::isnan(m1[0]) && m1[1] == 4.f);
  li::Tensor e = li::Tensor::allocate(li::DType::Float32, {2, 0});
  CHECK(values<float>(run1("ReduceSum", {e}, {{"axes", testing::attr_ints({1})}}, 11)) == (std::vector<float>{0.f, 0.f}));
  CHECK(values<float>(run1("ReduceMax", {e}, {{"axes", testing::attr_ints({1})}}, 13))[0] == -kInf);
  // Large reductions split over threads, both layouts.
  li::Tensor big = testing::tensor_random({64, 1000}, 5, -1.f, 1.f);
  for (int axis = 0; axis < 2; ++axis) {
    std::vector<float> s = values<float>(run1("ReduceSum", {big}, {{"axes", testing::attr_ints({axis})}}, 11));
    int64_t outs = axis ? 64 : 1000, len = axis ? 1000 : 64;
    for (int64_t o = 0; o < outs; ++o) {
      double w = 0;
      for (int64_t i = 0; i < len; ++i) w += big.ptr<float>()[axis ? o * 1000 + i : i * 1000 + o];
      CHECK(std::fabs(s[size_t(o)] - w) < 1e-4);
    }
  }
  CHECK_THROWS(run1("ReduceSum", {x}, {{"axes", testing::attr_ints({2})}}, 11), "out of range");
  CHECK_THROWS(run1("ReduceSum", {x}, {{"axes", testing::attr_ints({0, -2})}}, 11), "twice");
  CHECK_THROWS(run1("ReduceMean", {x}, {{"axes", testing::attr_ints({0})}}, 18), "not an attribute");
}

TEST(elementwise_argmax_argmin) {
  li::Tensor x = tensor_f32({2, 4}, {1.f, 3.f, 3.f, 0.f, -1.f, -1.f, 5.f, -1.f});
  CHECK(values<int64_t>(run1("ArgMax", {x}, {{"axis", testing::attr_int(1)}})) == (std::vector<int64_t>{1, 2}));
  CHECK(values<int64_t>(run1("ArgMax", {x}, {{"axis", testing::attr_int(1)}, {"select_last_index", testing::attr_int(1)}})) ==
        (std::vector<int64_t>{2, 2}));
  CHECK(values<int64_t>(run1("ArgMin", {x}, {{"axis", testing::attr_int(-1)}, {"select_last_index", testing::attr_int(1)}})) ==
        (std::vector<int64_t>{3, 7 - 4}));
  li::Tensor a0 = run1("ArgMin", {x}, {{"keepdims", testing::attr_int(0)}});
  CHECK(a0.shape == (li::Shape{4}) && a0.dtype == li::DType::Int64);
  CHECK(values<int64_t>(a0) == (std::vector<int64_t>{1, 1, 0, 1}));
  CHECK(run1("ArgMax", {x}).shape == (li::Shape{1, 4}));
  CHECK_THROWS(run1("ArgMax", {x}, {{"select_last_index", testing::attr_int(1)}}, 11), "opset 12");
}

// Normalizations vs double references. Tolerance 1e-5 relative + 1e-5 absolute.
TEST(elementwise_normalization_ops) {
  li::Tensor x = testing::tensor_random({2, 3, 40}, 21, -3.f, 5.f);
  li::Tensor scale = testing::tensor_random({40}, 22, 0.5f, 1.5f);
  li::Tensor bias = testing::tensor_random({40}, 23, -1.f, 1.f);
  OpCall call;
  call.op_type = "LayerNormalization";
  call.inputs = {x, scale, bias};
  call.num_outputs = 3;
  call.attrs = {{"epsilon", testing::attr_float(1e-3f)}};
  std::vector<li::Tensor> outs = run_op(call);
  CHECK(outs[1].shape == (li::Shape{2, 3, 1}) && outs[2].dtype == li::DType::Float32);
  std::vector<float> want, means, invs;
  for (int r = 0; r < 6; ++r) {
    const float* p = x.ptr<float>() + r * 40;
    double m = 0, v = 0;
    for (int i = 0; i < 40; ++i) m += p[i];
    m /= 40;
    for (int i = 0; i < 40; ++i) v += (p[i] - m) * (p[i] - m);
    double inv = 1 / std::sqrt(v / 40 + double(1e-3f));
    means.push_back(float(m));
    invs.push_back(float(inv));
    for (int i = 0; i < 40; ++i) want.push_back(float((p[i] - m) * inv * scale.ptr<float>()[i] + bias.ptr<float>()[i]));
  }
  CHECK_CLOSE(outs[0].ptr<float>(), want.data(), want.size(), 1e-5, 1e-5);
  CHECK_CLOSE(outs[1].ptr<float>(), means.data(), means.size(), 1e-5, 1e-5);
  CHECK_CLOSE(outs[2].ptr<float>(), invs.data(), invs.size(), 1e-5, 1e-5);
  // axis=1 normalizes over [3, 40] with a broadcast [40] scale and no bias.
  call.inputs = {x, scale};
  call.num_outputs = 1;
  call.attrs = {{"axis", testing::attr_int(1)}};
  li::Tensor y1 = run_op(call)[0];
  for (int n = 0; n < 2; ++n) {
    const float* p = x.ptr<float>() + n * 120;
    double m = 0, v = 0;
    for (int i = 0; i < 120; ++i) m += p[i];
    m /= 120;
    for (int i = 0; i < 120; ++i) v += (p[i] - m) * (p[i] - m);
    double inv = 1 / std::sqrt(v / 120 + double(1e-5f));
    for (int i = 0; i < 120; ++i) {
      float w = float((p[i] - m) * inv * scale.ptr<float>()[i % 40]);
      CHECK(std::fabs(y1.ptr<float>()[n * 120 + i] - w) <= 1e-5 + 1e-5 * std::fabs(w));
    }
  }
  CHECK_THROWS(run1("LayerNormalization", {x, tensor_f32({3}, {1, 1, 1})}), "not broadcastable");
  // InstanceNormalization: per (n, c) over 40 values.
  li::Tensor sc = tensor_f32({3}, {1.f, 2.f, 0.5f}), bs = tensor_f32({3}, {0.f, 1.f, -1.f});
  std::vector<float> yi = values<float>(run1("InstanceNormalization", {x, sc, bs}));
  for (int r = 0; r < 6; ++r) {
    const float* p = x.ptr<float>() + r * 40;
    double m = 0, v = 0;
    for (int i = 0; i < 40; ++i) m += p[i];
    m /= 40;
    for (int i = 0; i < 40; ++i) v += (p[i] - m) * (p[i] - m);
    double inv = 1 / std::sqrt(v / 40 + double(1e-5f));
    for (int i = 0; i < 40; ++i) {
      float w = float((p[i] - m) * inv * sc.ptr<float>()[r % 3] + bs.ptr<float>()[r % 3]);
      CHECK(std::fabs(yi[size_t(r * 40 + i)] - w) <= 1e-5 + 1e-5 * std::fabs(w));
    }
  }
  // LpNormalization p=1 and p=2 along axis 1 (strided); zero vectors stay zero.
  li::Tensor lp = tensor_f32({2, 2}, {3.f, 0.f, 4.f, 0.f});
  CHECK(values<float>(run1("LpNormalization", {lp}, {{"axis", testing::attr_int(0)}})) ==
        (std::vector<float>{0.6f, 0.f, 0.8f, 0.f}));
  CHECK(values<float>(run1("LpNormalization", {lp}, {{"axis", testing::attr_int(0)}, {"p", testing::attr_int(1)}})) ==
        (std::vector<float>{3.f / 7, 0.f, 4.f / 7, 0.f}));
  // MeanVarianceNormalization over the default axes [0, 2, 3] of a [2, 2, 1, 2] input.
  li::Tensor mv = tensor_f32({2, 2, 1, 2}, {1.f, 2.f, 10.f, 10.f, 3.f, 4.f, 20.f, 40.f});
  std::vector<float> ym = values<float>(run1("MeanVarianceNormalization", {mv}, {}, 13));
  // Channel 0: {1,2,3,4}, mean 2.5, std sqrt(1.25); channel 1: {10,10,20,40}, mean 20, std sqrt(150).
  const double s0 = std::sqrt(1.25), s1 = std::sqrt(150.0);
  std::vector<float> wm = {float(-1.5 / s0), float(-0.5 / s0), float(-10 / s1), float(-10 / s1),
                           float(0.5 / s0),  float(1.5 / s0),  float(0 / s1),   float(20 / s1)};
  CHECK_CLOSE(ym.data(), wm.data(), wm.size(), 1e-6, 1e-6);
}

// In place: running a unary/binary op with the output aliasing input 0 gives the same result.
TEST(elementwise_inplace_ops) {
  for (const char* op : {"Relu", "Sigmoid", "Exp", "Softmax", "Add"}) {
    li::Tensor x = testing::tensor_random({3, 4099}, 31, -3.f, 3.f);
    li::Tensor b = testing::tensor_random({4099}, 32, -3.f, 3.f);
    bool binary = std::string(op) == "Add";
    li::Tensor want = binary ? run1(op, {x, b}) : run1(op, {x});
    const li::OpFactory* f = li::find_op("", op, 17);
    li::Node node;
    node.op_type = op;
    node.inputs = binary ? std::vector<std::string>{"x", "b"} : std::vector<std::string>{"x"};
    node.outputs = {"y"};
    li::OpBuildContext bctx{node, 17, {}};
    std::unique_ptr<li::Op> o = (*f)(bctx);
    CHECK_EQ(o->inplace_input(0), 0);
    li::ThreadPool pool(2);
    li::ExecContext ectx{{&x}, {&x}, pool, nullptr};
    if (binary) ectx.inputs.push_back(&b);
    o->run(ectx);
    CHECK_CLOSE(x.ptr<float>(), want.ptr<float>(), size_t(want.numel()), 0, 0);
  }
}
