// The op family's registration list: one line per op file. registry.cc calls it once.
#include "ops/tensor_util.h"

namespace li {

void register_tensor_ops() {
  register_reshape_ops();
  register_concat_split_ops();
  register_slice_ops();
  register_transpose_ops();
  register_gather_ops();
  register_expand_tile_ops();
  register_pad_ops();
  register_resize_ops();
  register_generator_ops();
}

}  // namespace li
