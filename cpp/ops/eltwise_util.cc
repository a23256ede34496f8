#include "ops/eltwise_util.h"

namespace li {

std::string dtype_set_str(DTypeSet s) {
  std::string r;
  for (int t = 1; t <= 16; ++t)
    if (s & (DTypeSet(1) << t)) r += (r.empty() ? "" : "/") + std::string(dtype_name(DType(t)));
  return r;
}

const TensorInfo& need_input(const InferContext& ctx, size_t i) {
  const TensorInfo* in = ctx.input(i);
  if (!in) ctx.error("input ", i, " is required but missing");
  return *in;
}

void check_dtype(const InferContext& ctx, size_t i, DTypeSet allowed) {
  DType t = need_input(ctx, i).dtype;
  if (!(allowed & dt_bit(t)))
    ctx.error("input ", i, " ('", i < ctx.node.inputs.size() ? ctx.node.inputs[i] : "", "') has dtype ",
              dtype_name(t), ", expected one of ", dtype_set_str(allowed));
}

Shape broadcast_shapes(const InferContext& ctx, const std::vector<Shape>& shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    int64_t o = 1;
    for (const Shape& s : shapes) {
      if (d + s.size() < rank) continue;
      int64_t v = s[d + s.size() - rank];
      if (v == o || v == 1) continue;
      if (o == 1) { o = v; continue; }
      std::string all;
      for (size_t k = 0; k < shapes.size(); ++k) all += (k ? " and " : "") + shape_str(shapes[k]);
      ctx.error("shapes ", all, " cannot be broadcast together (dimension ", int64_t(d) - int64_t(rank),
                ": ", o, " vs ", v, ")");
    }
    out[d] = o;
  }
  return out;
}

bool broadcastable_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  for (size_t i = 0; i < from.size(); ++i) {
    int64_t f = from[from.size() - 1 - i], t = to[to.size() - 1 - i];
    if (f != t && f != 1) return false;
  }
  return true;
}

int64_t normalize_axis(const InferContext& ctx, int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank)
    ctx.error(what, " ", axis, " is out of range for rank ", rank, " (expected [", -rank, ", ",
              rank - 1, "])");
  return axis < 0 ? axis + rank : axis;
}

BroadcastPlan make_broadcast_plan(const std::vector<Shape>& inputs, const Shape& out) {
  BroadcastPlan p;
  p.ninputs = int(inputs.size());
  if (p.ninputs > 8) fail(ErrorCode::Internal, "broadcast plan over more than 8 inputs");
  p.numel = shape_numel(out);
  const size_t rank = out.size();
  // Per output dim (dims of size 1 dropped): which inputs are broadcast along it.
  std::vector<int64_t> dims;
  std::vector<uint32_t> bmask;
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;
    uint32_t m = 0;
    for (int k = 0; k < p.ninputs; ++k) {
      const Shape& s = inputs[size_t(k)];
      bool present = d + s.size() >= rank;
      int64_t v = present ? s[d + s.size() - rank] : 1;
      if (v == 1) m |= 1u << k;
    }
    // Merge with the previous dim when every input is broadcast (or not) along both.
    if (!dims.empty() && bmask.back() == m) {
      dims.back() *= out[d];
    } else {
      dims.push_back(out[d]);
      bmask.push_back(m);
    }
  }
  if (dims.empty()) { dims.push_back(1); bmask.push_back(0); }
  if (dims.size() > 16) fail(ErrorCode::UnsupportedOp, "broadcast over more than 16 distinct dimensions");
  p.dims = dims;
  p.strides.assign(size_t(p.ninputs), std::vector<int64_t>(dims.size(), 0));
  for (int k = 0; k < p.ninputs; ++k) {
    int64_t s = 1;
    for (size_t d = dims.size(); d-- > 0;) {
      if (bmask[d] & (1u << k)) continue;
      p.strides[size_t(k)][d] = s;
      s *= dims[d];
    }
  }
  return p;
}

}  // namespace li
