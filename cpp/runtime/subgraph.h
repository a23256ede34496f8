// Subgraphs of control-flow ops (If branches, Loop and Scan bodies), compiled and run by the
// same executor as the main graph: each is a nested Session over the subgraph whose inputs are
// the subgraph's own inputs followed by the outer-scope values it reads, which the op passes
// in from the enclosing graph on every run. The nested session shares the enclosing session's
// thread pool; it plans per input-shape signature like any session, so shapes may change from
// one iteration to the next.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "core/tensor.h"

#include "core/thread_pool.h"
#include "ops/op.h"

namespace li {

// The compiler handed to op factories (OpBuildContext::compile_subgraph) by a session whose
// model imports `opsets` and whose runs use `pool`, which must outlive the compiled subgraphs.
// Outer-scope names found in `constants` (the enclosing graph's initializers, read when the
// compiler is called, i.e. while ops are built) are compiled into the subgraph as constants;
// the op still passes every outer value and the subgraph ignores those.
// `max_memory_bytes` (0: none) is each nested session's ceiling, as SessionOptions says.
SubgraphCompiler make_subgraph_compiler(const std::map<std::string, int64_t>& opsets, ThreadPool& pool,
                                        const std::map<std::string, Tensor>* constants,
                                        int64_t max_memory_bytes = 0);

}  // namespace li
