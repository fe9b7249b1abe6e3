#include "readers/live/recorded_architecture.h"

#include "model/error.h"

namespace calflops {

RecordedArchitecture::RecordedArchitecture(ModuleTree tree, std::vector<RecordedOp> ops,
                                           std::vector<UncostedOp> uncosted, DType dtype,
                                           const std::string& source,
                                           std::vector<size_t> call_starts)
    : Architecture(dtype), ops_(std::move(ops)), starts_(std::move(call_starts)) {
  if (starts_.empty() || starts_[0] != 0) starts_.insert(starts_.begin(), 0);
  for (size_t i = 1; i < starts_.size(); ++i) {
    if (starts_[i] <= starts_[i - 1] || starts_[i] > ops_.size()) {
      throw Error(ExitCode::kBadInput, source,
                  "call " + std::to_string(i) + " starts at op " + std::to_string(starts_[i]) +
                      ": call starts must increase and stay within the " +
                      std::to_string(ops_.size()) + " ops");
    }
  }
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
  std::vector<ForwardCall> calls;
  for (size_t i = 0; i < starts_.size(); ++i) {
    ForwardCall c;
    c.kind = i == 0 ? CallKind::kForward : CallKind::kDecode;
    c.display = starts_.size() == 1 ? "" : "call " + std::to_string(i);
    c.replay = static_cast<int64_t>(i);
    c.batch = w.batch;
    c.new_tokens = w.seq_len;
    c.logits_tokens = w.seq_len;
    c.first = i == 0;
    calls.push_back(c);
  }
  return calls;
}

void RecordedArchitecture::Forward(Tracer& t, const ForwardCall& call) const {
  size_t begin = 0, end = ops_.size();
  if (starts_.size() > 1 && call.replay >= 0) {
    auto i = static_cast<size_t>(call.replay);
    if (i < starts_.size()) {
      begin = starts_[i];
      end = i + 1 < starts_.size() ? starts_[i + 1] : ops_.size();
    }
  }
  for (size_t i = begin; i < end; ++i) t.Record(ops_[i].module, ops_[i].op);
}

}  // namespace calflops
