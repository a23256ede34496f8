// The op family's registration list: one line per op file. registry.cc calls it once.
#include "ops/op.h"

namespace li {

void register_math_ops() {
}

}  // namespace li
