// Transpose, DepthToSpace, SpaceToDepth, and the family's shared strided copy.
// A permutation is first coalesced (size-1 dims dropped, input dims that stay adjacent merged),
// so NCHW->NHWC becomes a batch of [C, HW] -> [HW, C] 2-D transposes. Then:
//   identity            -> one parallel copy
//   innermost dim kept  -> strided copy of contiguous rows
//   otherwise           -> blocked 2-D transposes (SIMD for 4/8-byte elements) over a batch.
#include <algorithm>
#include <numeric>

#include "kernels/transpose.h"
#include "ops/tensor_util.h"

namespace li {

namespace {

// Drops size-1 dims and merges dims that are contiguous in the source view.
void coalesce_view(Shape* shape, std::vector<int64_t>* strides) {
  Shape s;
  std::vector<int64_t> st;
  for (size_t d = 0; d < shape->size(); ++d) {
    if ((*shape)[d] == 1) continue;
    if (!s.empty() && st.back() == (*strides)[d] * (*shape)[d]) {
      s.back() *= (*shape)[d];
      st.back() = (*strides)[d];
      continue;
    }
    s.push_back((*shape)[d]);
    st.push_back((*strides)[d]);
  }
  *shape = std::move(s);
  *strides = std::move(st);
}

template <class T>
void strided_copy_typed(ThreadPool& pool, const T* src, const Shape& shape,
                        const std::vector<int64_t>& strides, T* dst, int64_t n) {
  pool.parallel_for(n, copy_grain<T>(), [&](int64_t b, int64_t e) {
    strided_copy_ref(src, shape.data(), strides.data(), int(shape.size()), dst, b, e);
  });
}

// Batched 2-D transpose: for every batch index, dst[c * dst_ld + r] = src[r * src_ld + c].
struct Batched2d {
  int64_t rows, cols, src_ld, dst_ld;
  Shape batch_shape;                              // outer dims, row-major over work items
  std::vector<int64_t> batch_src, batch_dst;      // their strides in src and dst
};

template <class T>
void run_batched_2d(ThreadPool& pool, const Batched2d& p, const T* src, T* dst,
                    Transpose2dFn kernel) {
  constexpr int64_t kRowBlock = 64;
  const int64_t nrb = (p.rows + kRowBlock - 1) / kRowBlock;
  int64_t batches = 1;
  for (int64_t d : p.batch_shape) batches *= d;
  const int64_t item_elems = std::min(p.rows, kRowBlock) * p.cols;
  const int64_t grain = std::max<int64_t>(1, copy_grain<T>() / std::max<int64_t>(1, item_elems));
  pool.parallel_for(batches * nrb, grain, [&](int64_t b, int64_t e) {
    for (int64_t item = b; item < e; ++item) {
      int64_t bi = item / nrb, rb = item % nrb;
      int64_t so = 0, dof = 0;
      for (size_t d = p.batch_shape.size(); d-- > 0;) {
        int64_t i = bi % p.batch_shape[d];
        bi /= p.batch_shape[d];
        so += i * p.batch_src[d];
        dof += i * p.batch_dst[d];
      }
      int64_t r0 = rb * kRowBlock, r1 = std::min(p.rows, r0 + kRowBlock);
      const T* s = src + so + r0 * p.src_ld;
      T* dd = dst + dof + r0;
      if constexpr (std::is_same_v<T, std::string>)
        transpose_2d_ref(s, p.src_ld, dd, p.dst_ld, r1 - r0, p.cols);
      else
        kernel(s, p.src_ld, dd, p.dst_ld, r1 - r0, p.cols);
    }
  });
}

int size_index(size_t bytes) { return bytes == 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : 3; }

}  // namespace

void strided_copy_tensor(ThreadPool& pool, DType dtype, const Tensor& src, int64_t offset,
                         const Shape& shape, const std::vector<int64_t>& strides, Tensor& dst) {
  int64_t n = shape_numel(shape);
  if (n == 0) return;
  Shape s = shape;
  std::vector<int64_t> st = strides;
  coalesce_view(&s, &st);
  if (s.size() > size_t(kStridedCopyMaxRank))
    fail(ErrorCode::UnsupportedOp, "strided copy of rank ", s.size(), " (view ", shape_str(shape),
         ") exceeds the supported rank ", kStridedCopyMaxRank);
  visit_elem(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    strided_copy_typed(pool, elems<T>(src) + offset, s, st, elems<T>(dst), n);
  });
}

void transpose_tensor(ThreadPool& pool, DType dtype, const Tensor& src, const Shape& in_shape,
                      const std::vector<int64_t>& perm, Tensor& dst) {
  const int64_t n = shape_numel(in_shape);
  if (n == 0) return;
  const size_t r0 = in_shape.size();
  // Coalesce: keep non-1 dims, then merge runs of the output order that are adjacent inputs.
  std::vector<int64_t> keep_index(r0, -1);
  Shape kept;
  for (size_t d = 0; d < r0; ++d)
    if (in_shape[d] != 1) { keep_index[d] = int64_t(kept.size()); kept.push_back(in_shape[d]); }
  std::vector<int64_t> p;
  for (int64_t a : perm)
    if (keep_index[size_t(a)] >= 0) p.push_back(keep_index[size_t(a)]);
  struct Group { int64_t first_in, size; };
  std::vector<Group> groups;  // in output order
  for (size_t k = 0; k < p.size(); ++k) {
    if (k > 0 && p[k] == p[k - 1] + 1) { groups.back().size *= kept[size_t(p[k])]; continue; }
    groups.push_back({p[k], kept[size_t(p[k])]});
  }
  const size_t r = groups.size();
  std::vector<size_t> by_input(r);  // group indices sorted by input position
  std::iota(by_input.begin(), by_input.end(), 0);
  std::sort(by_input.begin(), by_input.end(),
            [&](size_t a, size_t b) { return groups[a].first_in < groups[b].first_in; });
  Shape D(r);                       // coalesced input shape
  std::vector<int64_t> P(r);        // coalesced perm
  for (size_t i = 0; i < r; ++i) D[i] = groups[by_input[i]].size;
  for (size_t i = 0; i < r; ++i) P[by_input[i]] = int64_t(i);

  bool identity = true;
  for (size_t k = 0; k < r; ++k) identity = identity && P[k] == int64_t(k);
  if (identity) {
    visit_elem(dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      parallel_copy(pool, elems<T>(src), elems<T>(dst), n);
    });
    return;
  }
  std::vector<int64_t> S = shape_strides(D);
  Shape out(r);
  std::vector<int64_t> out_src_strides(r);
  for (size_t k = 0; k < r; ++k) { out[k] = D[size_t(P[k])]; out_src_strides[k] = S[size_t(P[k])]; }
  if (P[r - 1] == int64_t(r - 1)) {  // innermost dim stays: contiguous rows
    strided_copy_tensor(pool, dtype, src, 0, out, out_src_strides, dst);
    return;
  }
  // 2-D tiles: output dim `a` holds the input's contiguous dim, the output's last dim is input
  // dim P[r-1]; every other output dim is a batch dim.
  std::vector<int64_t> OS = shape_strides(out);
  size_t a = 0;
  while (P[a] != int64_t(r - 1)) ++a;
  Batched2d b2;
  b2.rows = out[r - 1];
  b2.src_ld = out_src_strides[r - 1];
  b2.cols = out[a];
  b2.dst_ld = OS[a];
  for (size_t k = 0; k + 1 < r; ++k) {
    if (k == a) continue;
    b2.batch_shape.push_back(out[k]);
    b2.batch_src.push_back(out_src_strides[k]);
    b2.batch_dst.push_back(OS[k]);
  }
  const size_t es = dtype == DType::String ? 0 : dtype_size(dtype);
  Transpose2dFn kernel = es ? transpose_kernels().t2d[size_index(es)] : nullptr;
  visit_elem(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    run_batched_2d(pool, b2, elems<T>(src), elems<T>(dst), kernel);
  });
}

namespace {

class TransposeOp : public Op {
 public:
  explicit TransposeOp(const OpBuildContext& ctx) {
    has_perm_ = ctx.node.has("perm");
    perm_ = ctx.node.get_ints("perm");
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "data");
    int64_t r = int64_t(x.shape.size());
    std::vector<int64_t> perm = resolve(ctx, r);
    Shape out;
    for (int64_t k = 0; k < r; ++k) out.push_back(x.shape[size_t(perm[size_t(k)])]);
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    std::vector<int64_t> perm = perm_;
    if (!has_perm_)
      for (int64_t k = x.rank() - 1; k >= 0; --k) perm.push_back(k);
    transpose_tensor(ctx.pool, x.dtype, x, x.shape, perm, *ctx.outputs[0]);
  }

 private:
  std::vector<int64_t> resolve(const InferContext& ctx, int64_t r) const {
    if (!has_perm_) {
      std::vector<int64_t> p;
      for (int64_t k = r - 1; k >= 0; --k) p.push_back(k);
      return p;
    }
    if (int64_t(perm_.size()) != r)
      ctx.error("perm ", ints_str(perm_), " has ", perm_.size(), " entries, expected the input rank ", r);
    std::vector<char> seen(size_t(r), 0);
    for (int64_t a : perm_) {
      if (a < 0 || a >= r || seen[size_t(a)])
        ctx.error("perm ", ints_str(perm_), " is not a permutation of 0..", r - 1);
      seen[size_t(a)] = 1;
    }
    return perm_;
  }
  bool has_perm_;
  std::vector<int64_t> perm_;
};

// DepthToSpace / SpaceToDepth as a transpose of a 6-D view (ONNX spec's reshape-transpose-
// reshape formulation).
class SpaceDepthOp : public Op {
 public:
  SpaceDepthOp(const OpBuildContext& ctx, bool to_space) : to_space_(to_space) {
    if (!ctx.node.has("blocksize")) ctx.invalid("attribute 'blocksize' is required");
    b_ = ctx.node.get_int("blocksize", 0);
    if (b_ <= 0) ctx.invalid("blocksize must be positive, got ", b_);
    std::string mode = to_space && ctx.opset >= 11 ? ctx.node.get_string("mode", "DCR") : "DCR";
    if (mode != "DCR" && mode != "CRD") ctx.unsupported("mode '", mode, "' (expected DCR or CRD)");
    crd_ = mode == "CRD";
  }
  bool infer(InferContext& ctx) const override {
    const TensorInfo& x = need_input(ctx, 0, "input");
    if (x.shape.size() != 4) ctx.error("input must be 4-D [N,C,H,W], got ", shape_str(x.shape));
    int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
    Shape out;
    if (to_space_) {
      if (c % (b_ * b_) != 0)
        ctx.error("channels ", c, " of input ", shape_str(x.shape),
                  " are not divisible by blocksize^2 = ", b_ * b_);
      out = {n, c / (b_ * b_), h * b_, w * b_};
    } else {
      if (h % b_ != 0 || w % b_ != 0)
        ctx.error("height and width of input ", shape_str(x.shape),
                  " must be divisible by blocksize ", b_);
      out = {n, c * b_ * b_, h / b_, w / b_};
    }
    ctx.outputs[0] = {x.dtype, out, nullptr};
    return true;
  }
  void run(ExecContext& ctx) const override {
    const Tensor& x = *ctx.inputs[0];
    int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], b = b_;
    Shape view;
    std::vector<int64_t> perm;
    if (to_space_ && !crd_) {
      view = {n, b, b, c / (b * b), h, w};
      perm = {0, 3, 4, 1, 5, 2};
    } else if (to_space_) {
      view = {n, c / (b * b), b, b, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    } else {
      view = {n, c, h / b, b, w / b, b};
      perm = {0, 3, 5, 1, 2, 4};
    }
    transpose_tensor(ctx.pool, x.dtype, x, view, perm, *ctx.outputs[0]);
  }

 private:
  bool to_space_, crd_ = false;
  int64_t b_ = 0;
};

}  // namespace

void register_transpose_ops() {
  auto transpose = [](const OpBuildContext& c) { return std::make_unique<TransposeOp>(c); };
  register_op("", "Transpose", 1, kTensorMaxOpset, transpose);
  register_op("", "DepthToSpace", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<SpaceDepthOp>(c, true); });
  register_op("", "SpaceToDepth", 1, kTensorMaxOpset,
              [](const OpBuildContext& c) { return std::make_unique<SpaceDepthOp>(c, false); });
}

}  // namespace li
