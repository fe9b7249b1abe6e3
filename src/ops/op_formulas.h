// Building blocks shared by the op definitions (ops/<family>.cc): the formulas several kinds
// use, each with the doc string the table repeats. Definitions only; nothing here is called by
// the analysis directly.
#pragma once

#include <string_view>

#include "ops/op_def.h"

namespace calflops::formulas {

inline Count OutElems(const Op& op) { return op.out.numel(); }
inline Count InElems(const Op& op, int i = 0) { return op.in[static_cast<size_t>(i)].numel(); }
inline bool Binary(const Op& op) { return op.n_in >= 2; }
/// Summing a broadcast gradient back to an operand's shape: one add per extra element. An
/// operand larger than the output (size 1 broadcast to an empty dimension) needs none.
inline Count BroadcastSum(const Op& op, int i) {
  return OutElems(op) > InElems(op, i) ? OutElems(op) - InElems(op, i) : Count(0);
}

// ---- bytes moved

inline constexpr std::string_view kReadAll = "reads every input, writes the output";
/// Every input is an activation: read them all, write the output.
inline OpTraffic ReadAll(const Op& op) {
  OpTraffic t;
  for (int i = 0; i < op.n_in; ++i) t.act_read += InElems(op, i);
  t.act_write = OutElems(op);
  return t;
}

// ---- backward

inline OpCost NoBackward(const Op&, const GradNeeds&) { return {0, 0}; }
/// k FLOPs per output element when the input needs a gradient.
template <int k>
OpCost PerOutputBackward(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? k * OutElems(op) : Count(0)};
}
/// k FLOPs per input element (pooling and reductions read more than they write).
template <int k>
OpCost PerInputBackward(const Op& op, const GradNeeds& g) {
  return {0, g.input[0] ? k * InElems(op) : Count(0)};
}

inline constexpr std::string_view kSaveNone = "nothing";
inline constexpr std::string_view kSaveIn = "the input";
inline constexpr std::string_view kSaveOut = "the output";
inline constexpr std::string_view kSaveInOut = "the input and the output";
inline SavedSet SaveNothing(const Op&, const GradNeeds&) { return {}; }
inline SavedSet SaveInput(const Op&, const GradNeeds& g) {
  return {.inputs = static_cast<uint8_t>(g.any() ? 1 : 0)};
}
inline SavedSet SaveOutput(const Op&, const GradNeeds& g) { return {.output = g.any()}; }
inline SavedSet SaveInputAndOutput(const Op&, const GradNeeds& g) {
  return {.inputs = static_cast<uint8_t>(g.any() ? 1 : 0), .output = g.any()};
}
/// int64 indices, one per output element (max pooling's argmax, top-k's positions).
inline SavedSet SaveOutputIndices(const Op& op, const GradNeeds& g) {
  return {.index_extra = g.input[0] ? OutElems(op) : Count(0)};
}

// ---- calflops rules

inline constexpr std::string_view kUnseen = "0: not patched by calflops";
inline OpCost Unseen(const Op&) { return {0, 0}; }
/// calflops' rule `F` when the op was a torch.nn.functional call, else unseen (0).
template <OpCost (*F)(const Op&)>
OpCost IfFunctional(const Op& op) {
  return op.form == CallForm::kFunctional ? F(op) : OpCost{};
}
/// calflops' rule `F` for torch.X / tensor.X calls and Python operators, else unseen (0).
template <OpCost (*F)(const Op&)>
OpCost IfTorchOrOperator(const Op& op) {
  return op.form == CallForm::kTorch || op.form == CallForm::kPyOperator ? F(op) : OpCost{};
}
/// One FLOP per input element (F.relu, F.softmax, pooling, ... in calflops' formulas).
inline OpCost InputElements(const Op& op) { return {0, InElems(op)}; }
inline constexpr std::string_view kFunctionalPerInput =
    "functional: FLOPs = input elements; otherwise 0";

}  // namespace calflops::formulas
