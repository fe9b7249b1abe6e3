// Ops that move or gather data without arithmetic.
#include "ops/op_def.h"

namespace calflops {
namespace {

OpCost Free(const Op&) { return {0, 0}; }

constexpr OpDef kDefs[] = {
    {OpKind::kEmbedding, "Embedding", "FLOPs = 0 (row gather)", Free},
    {OpKind::kCopy, "Copy", "FLOPs = 0 (cat, view, transpose, expand, cast)", Free},
};

}  // namespace

std::span<const OpDef> DataMovementOps() { return kDefs; }

}  // namespace calflops
