// Static memory planning: tensors with known sizes and lifetimes (first and last step that
// touch them) share one arena. Offsets are assigned greedily, largest first, at the lowest
// offset that does not overlap a placed tensor whose lifetime intersects.
#pragma once
#include <cstdint>
#include <vector>

namespace li {

struct ArenaRequest {
  int id;          // caller's tag
  int64_t bytes;   // already aligned
  int first, last; // inclusive step range during which the bytes are live
};

struct ArenaPlan {
  std::vector<int64_t> offsets;  // per request, same order
  int64_t total_bytes = 0;       // the arena size
  int64_t unshared_bytes = 0;    // what the requests would take without sharing
};

ArenaPlan plan_arena(const std::vector<ArenaRequest>& requests);

}  // namespace li
