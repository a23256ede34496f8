// libFuzzer target for the model loader: bytes -> load_model -> Session (ops built, weights
// packed, a plan made when the inputs declare fixed shapes) -> one run on small inputs when
// every input can be given one. Any li::Error is a clean rejection; anything else (another
// exception, a sanitizer report, a crash, a leak, a timeout, an allocation past the fuzzer's
// -malloc_limit_mb) is a bug: make it a regression test in test/cpp/test_limits.cc (or test_loader.cc).
//
// Built by `npm run fuzz` (scripts/fuzz.js) with clang, -fsanitize=fuzzer,address,undefined,
// into build-fuzz/liteinfer_fuzz_loader; see CONTRIBUTING.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "onnx/loader.h"
#include "runtime/session.h"

namespace {

// Run budgets: inputs of at most this many elements, and a memory ceiling for the plan. A
// model whose inputs cannot be made this small is loaded and planned but not run.
constexpr int64_t kMaxFeedElements = 4096;
constexpr int64_t kMaxArenaBytes = int64_t(64) << 20;

// A deterministic value pattern (small numbers: valid as indices, axes and counts).
void fill(li::Tensor& t) {
  const int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) {
    const int v = int(i % 3);  // 0, 1, 2
    switch (t.dtype) {
      case li::DType::Float32: t.ptr<float>()[i] = 0.5f * float(v) - 0.25f; break;
      case li::DType::Float64: t.ptr<double>()[i] = 0.5 * v - 0.25; break;
      case li::DType::Int64: t.ptr<int64_t>()[i] = v; break;
      case li::DType::Int32: t.ptr<int32_t>()[i] = v; break;
      case li::DType::Bool: t.ptr<uint8_t>()[i] = uint8_t(v & 1); break;
      case li::DType::String: (*t.strings)[size_t(i)] = std::string(size_t(v), 'a'); break;
      default: break;  // zero from allocate()
    }
  }
}

// One feed per input, or false when some input cannot be given a small tensor.
bool make_feeds(const li::Session& s, std::vector<li::NamedTensor>* feeds) {
  for (const li::IoInfo& io : s.inputs()) {
    if (io.kind != li::ValueKind::Tensor || io.dtype == li::DType::Undefined) return false;
    li::Shape shape;
    if (io.has_shape) {
      if (io.dims.size() > 8) return false;
      for (const li::Dim& d : io.dims) shape.push_back(d.known() ? d.value : 1);  // symbolic: 1
    } else {
      shape = {1};
    }
    int64_t n = 1;
    for (int64_t d : shape) {
      if (d > kMaxFeedElements) return false;
      n *= d;
      if (n > kMaxFeedElements) return false;
    }
    li::Tensor t = li::Tensor::allocate(io.dtype, shape);
    fill(t);
    feeds->push_back({io.name, std::move(t)});
  }
  return true;
}

// A Loop runs as many iterations as its trip count says: a valid model may loop for hours (a
// flipped byte in a trip count does it), which libFuzzer would report as a timeout. Such models
// are loaded and planned but not run. (Run time is not bounded by design: see README.)
bool has_loop(const li::Graph& g) {
  for (const li::Node& n : g.nodes) {
    if (n.op_type == "Loop") return true;
    for (const auto& [key, a] : n.attrs) {
      if (a.g && has_loop(*a.g)) return true;
      for (const auto& sg : a.graphs)
        if (sg && has_loop(*sg)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  li::LoadOptions lo;
  lo.max_nodes = 20000;  // the default (a million) is tested in test_loader.cc; keep runs short
  try {
    li::Model model = li::load_model(data, size, lo);
    const bool run = !has_loop(model.graph);
    li::SessionOptions so;
    so.threads = 1;
    so.max_memory_bytes = kMaxArenaBytes;
    li::Session session(std::move(model), so);
    std::vector<li::NamedTensor> feeds;
    if (!run || !make_feeds(session, &feeds)) return 0;
    session.run(feeds, {});
  } catch (const li::Error&) {
    // A clean rejection (INVALID_MODEL, UNSUPPORTED_OP, INVALID_INPUT, OUT_OF_MEMORY...).
  }
  return 0;
}
