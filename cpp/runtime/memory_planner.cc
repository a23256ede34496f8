#include "runtime/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace li {

ArenaPlan plan_arena(const std::vector<ArenaRequest>& requests) {
  ArenaPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return requests[a].bytes > requests[b].bytes;
  });
  struct Placed { int64_t begin, end; int first, last; };
  std::vector<Placed> placed;
  for (size_t idx : order) {
    const ArenaRequest& r = requests[idx];
    plan.unshared_bytes += r.bytes;
    // Blocks live at the same time as r, by offset.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (const Placed& p : placed)
      if (p.first <= r.last && r.first <= p.last) busy.push_back({p.begin, p.end});
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto& [b, e] : busy) {
      if (offset + r.bytes <= b) break;  // fits in the gap before this block
      offset = std::max(offset, e);
    }
    plan.offsets[idx] = offset;
    placed.push_back({offset, offset + r.bytes, r.first, r.last});
    plan.total_bytes = std::max(plan.total_bytes, offset + r.bytes);
  }
  return plan;
}

}  // namespace li
