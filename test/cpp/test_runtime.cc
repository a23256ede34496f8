// Thread pool, memory planner, op registry.
#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "ops/op.h"
#include "ops/op_types.h"
#include "runtime/memory_planner.h"
#include "testing.h"

TEST(thread_pool_covers_every_index_once) {
  for (int threads : {1, 2, 3, 8}) {
    li::ThreadPool pool(threads);
    for (int64_t n : {1, 2, 3, 7, 100, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      for (int rep = 0; rep < 20; ++rep)
        pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) hits[size_t(i)]++;
        });
      for (auto& h : hits) CHECK_EQ(h.load(), 20);
    }
  }
}

TEST(thread_pool_small_work_runs_inline) {
  li::ThreadPool pool(4);
  int chunks = 0;  // not atomic: must stay on the calling thread
  pool.parallel_for(100, 1000, [&](int64_t b, int64_t e) { ++chunks; CHECK_EQ(e - b, 100); });
  CHECK_EQ(chunks, 1);
}

TEST(thread_pool_nested_call_runs_inline) {
  li::ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  pool.parallel_for(4, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallel_for(10, 1, [&](int64_t b2, int64_t e2) { total += e2 - b2; });
  });
  CHECK_EQ(total.load(), 40);
}

TEST(memory_planner_shares_disjoint_lifetimes) {
  // A chain a->b->c->d: each tensor dies after the next is made, so two slots suffice.
  std::vector<li::ArenaRequest> r = {{0, 1024, 0, 1}, {1, 1024, 1, 2}, {2, 1024, 2, 3}, {3, 1024, 3, 4}};
  li::ArenaPlan p = li::plan_arena(r);
  CHECK_EQ(p.total_bytes, 2048);
  CHECK_EQ(p.unshared_bytes, 4096);
  CHECK(p.offsets[0] != p.offsets[1]);
  CHECK(p.offsets[1] != p.offsets[2]);
}

TEST(memory_planner_never_overlaps_live_tensors) {
  // Random lifetimes and sizes: any two tensors alive at the same step must not overlap.
  auto sizes = testing::random_floats(200, 7, 1, 5000);
  auto starts = testing::random_floats(200, 8, 0, 100);
  auto lens = testing::random_floats(200, 9, 0, 20);
  std::vector<li::ArenaRequest> r;
  for (int i = 0; i < 200; ++i)
    r.push_back({i, (int64_t(sizes[i]) + 63) / 64 * 64, int(starts[i]), int(starts[i] + lens[i])});
  li::ArenaPlan p = li::plan_arena(r);
  int64_t max_live = 0;
  for (int step = 0; step < 130; ++step) {
    int64_t live = 0;
    for (auto& q : r) if (q.first <= step && step <= q.last) live += q.bytes;
    if (live > max_live) max_live = live;
  }
  CHECK(p.total_bytes >= max_live);
  CHECK(p.total_bytes < p.unshared_bytes);
  for (size_t i = 0; i < r.size(); ++i)
    for (size_t j = i + 1; j < r.size(); ++j) {
      bool time = r[i].first <= r[j].last && r[j].first <= r[i].last;
      bool space = p.offsets[i] < p.offsets[j] + r[j].bytes && p.offsets[j] < p.offsets[i] + r[i].bytes;
      CHECK(!(time && space));
    }
}

// docs/operators.md and supportedOps() list types and SIMD paths from ops/op_types.cc: a new
// op without an entry there fails here.
TEST(every_registered_op_has_a_type_entry) {
  for (const li::OpRegistration& r : li::registered_ops()) {
    const li::OpTypeInfo* t = li::op_type_info(r.domain, r.op_type);
    if (!t) std::fprintf(stderr, "no ops/op_types.cc entry for %s:%s\n", r.domain.c_str(), r.op_type.c_str());
    CHECK(t != nullptr);
  }
}

// Sequence and optional values: elements own their data (a borrowed view is copied when kept),
// and clone() copies element by element.
TEST(tensor_sequence_and_optional_values) {
  float arena[3] = {1, 2, 3};
  li::Tensor view = li::Tensor::view(li::DType::Float32, {3}, arena);
  li::Tensor heap = li::Tensor::allocate(li::DType::Float32, {2});
  li::Tensor seq = li::Tensor::sequence(li::DType::Float32, {view.owned(), heap.owned()});
  CHECK(seq.kind == li::ValueKind::Sequence && !seq.is_tensor() && !seq.empty());
  CHECK_EQ(seq.size(), size_t(2));
  CHECK((*seq.items)[0].data != static_cast<void*>(arena));  // the view was copied
  CHECK((*seq.items)[1].data == heap.data);                  // an owned tensor is shared
  arena[0] = 9;
  CHECK_EQ((*seq.items)[0].ptr<float>()[0], 1.0f);
  li::Tensor copy = seq.clone();
  CHECK(copy.items != seq.items && (*copy.items)[1].data != heap.data);
  li::Tensor none = li::Tensor::optional(li::DType::Int64, nullptr);
  CHECK(none.kind == li::ValueKind::Optional && none.size() == 0 && !none.empty());
  li::Tensor some = li::Tensor::optional(li::DType::Float32, &seq);
  CHECK_EQ(some.size(), size_t(1));
  CHECK((*some.items)[0].kind == li::ValueKind::Sequence);
  CHECK(std::string(li::value_kind_name(some.kind)) == "optional");
}
