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
  for (int64_t i = 1; i < w.max_new_tokens; ++i) {
    calls.push_back(ForwardCall{.label = "decode",
                                .batch = w.batch,
                                .new_tokens = 1,
                                .past_tokens = prompt + i - 1,
                                .logits_tokens = 1,
                                .first = false});
  }
  return calls;
}

}  // namespace calflops
