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
  /// names a module outside the tree.
  RecordedArchitecture(ModuleTree tree, std::vector<RecordedOp> ops,
                       std::vector<UncostedOp> uncosted, DType dtype, const std::string& source);

  /// One call: the recorded one (a recording has no notion of generation steps; a generate
  /// recording holds every step's ops).
  std::vector<ForwardCall> Plan(const Workload& w) const override;
  void Forward(Tracer& t, const ForwardCall& call) const override;

 private:
  std::vector<RecordedOp> ops_;
};

}  // namespace calflops
