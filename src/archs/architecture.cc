#include "archs/architecture.h"

#include "model/error.h"

namespace calflops {

std::vector<ForwardCall> Architecture::Plan(const Workload& w) const {
  if (w.mode == Mode::kForward) {
    return {ForwardCall{.label = "forward",
                        .batch = w.batch,
                        .new_tokens = w.seq_len,
                        .logits_tokens = w.seq_len}};
  }
  int64_t prompt = w.prompt_tokens > 0 ? w.prompt_tokens : w.seq_len;
  std::vector<ForwardCall> calls;
  calls.push_back(ForwardCall{
      .label = "prefill", .batch = w.batch, .new_tokens = prompt, .logits_tokens = 1});
  if (w.max_new_tokens > 1) {
    calls.push_back(ForwardCall{.label = "decode",
                                .repeat = w.max_new_tokens - 1,
                                .past_step = 1,
                                .batch = w.batch,
                                .new_tokens = 1,
                                .past_tokens = prompt,
                                .logits_tokens = 1,
                                .first = false});
  }
  return calls;
}

std::vector<int64_t> Architecture::CostBreakpoints(const ForwardCall& /*run*/) const { return {}; }

}  // namespace calflops
