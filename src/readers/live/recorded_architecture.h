// A model recorded from a live source (the Python package traces a torch nn.Module): the module
// tree as named_modules() gives it, plus every op the forward ran, already lowered to Op records
// and attached to the innermost module that ran it. Its forward pass replays the records, so the
// analysis, the conventions and the writers see it like any other architecture.
#pragma once

#include <memory>
#include <vector>

#include "model/architecture.h"

namespace calflops {

struct RecordedOp {
  ModuleId module = 0;
  Op op;
};

class RecordedArchitecture final : public Architecture {
 public:
  /// Takes the tree and the records; throws a located Error (`source` names the model) if an op
  /// names a module outside the tree or the call starts are not increasing op indices.
  /// `call_starts`: index of the first op of each recorded forward call of the root module
  /// (generate() makes one per step); empty = one call.
  RecordedArchitecture(ModuleTree tree, std::vector<RecordedOp> ops,
                       std::vector<UncostedOp> uncosted, DType dtype, const std::string& source,
                       std::vector<size_t> call_starts = {});

  /// The recorded calls, labelled "call 0", "call 1", ... (one call: "forward"), each replaying
  /// its own records (ForwardCall::replay); a synthetic call (replay -1) replays every record.
  std::vector<ForwardCall> Plan(const Workload& w) const override;
  void Forward(Tracer& t, const ForwardCall& call) const override;

 private:
  std::vector<RecordedOp> ops_;
  std::vector<size_t> starts_;  ///< first op of each call; starts_[0] == 0
};

}  // namespace calflops
