#include "readers/live/recorded_architecture.h"

#include "model/error.h"

namespace calflops {

RecordedArchitecture::RecordedArchitecture(ModuleTree tree, std::vector<RecordedOp> ops,
                                           std::vector<UncostedOp> uncosted, DType dtype,
                                           const std::string& source)
    : Architecture(dtype), ops_(std::move(ops)) {
  tree_ = std::move(tree);
  uncosted_ = std::move(uncosted);
  for (size_t i = 0; i < ops_.size(); ++i) {
    ModuleId m = ops_[i].module;
    if (m < 0 || static_cast<size_t>(m) >= tree_.size()) {
      throw Error(ExitCode::kBadInput, source,
                  "op " + std::to_string(i) + ": module " + std::to_string(m) +
                      " is not in the module tree (" + std::to_string(tree_.size()) + " modules)");
    }
    if (ops_[i].op.n_in > 3) {
      throw Error(ExitCode::kBadInput, source, "op " + std::to_string(i) + ": more than 3 inputs");
    }
  }
}

std::vector<ForwardCall> RecordedArchitecture::Plan(const Workload& w) const {
  ForwardCall c;
  c.kind = w.mode == Mode::kGenerate ? CallKind::kPrefill : CallKind::kForward;
  c.batch = w.batch;
  c.new_tokens = w.seq_len;
  c.logits_tokens = w.seq_len;
  return {c};
}

void RecordedArchitecture::Forward(Tracer& t, const ForwardCall& /*call*/) const {
  for (const RecordedOp& r : ops_) t.Record(r.module, r.op);
}

}  // namespace calflops
