// Ops that move or gather data without arithmetic.
#include "ops/op_formulas.h"

namespace calflops {
namespace data_movement {
namespace {

using namespace formulas;  // NOLINT

OpCost Free(const Op&) { return {0, 0}; }

// ---- backward and bytes moved

OpCost EmbeddingBwd(const Op& op, const GradNeeds& g) {
  return {0, g.weight ? OutElems(op) : Count(0)};  // scatter-add of dY into the gathered rows
}

SavedSet EmbeddingSaved(const Op& op, const GradNeeds& g) {
  return {.index_extra = g.weight ? InElems(op, 0) : Count(0)};
}

OpTraffic EmbeddingBytes(const Op& op) {
  // Only the gathered rows of the table are read.
  return {.weight_read = op.out.numel(), .index_read = InElems(op, 0), .act_write = op.out.numel()};
}

constexpr OpDef kDefs[] = {
    {.kind = OpKind::kEmbedding,
     .name = "Embedding",
     .formula = "FLOPs = 0 (row gather)",
     .analytic = Free,
     .traffic = {"reads the ids (8 bytes each) and the gathered rows, writes them", EmbeddingBytes},
     .grad = {"dW: scatter-add, output elements FLOPs", EmbeddingBwd, "the ids (int64)",
              EmbeddingSaved},
     .calflops = {"0 (calflops' F.embedding rule counts nothing)", Unseen}},
    {.kind = OpKind::kCopy,
     .name = "Copy",
     .formula = "FLOPs = 0 (cat, view, transpose, expand, cast)",
     .analytic = Free,
     .traffic = {"reads the input, writes the output (a view moves nothing but is not emitted)",
                 ReadAll},
     .grad = {"0 (the gradient is copied or viewed back)", NoBackward, kSaveNone, SaveNothing},
     .calflops = {kUnseen, Unseen}},
};

}  // namespace
}  // namespace data_movement

std::span<const OpDef> DataMovementOps() { return data_movement::kDefs; }

}  // namespace calflops
