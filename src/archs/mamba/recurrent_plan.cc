#include "archs/mamba/recurrent_plan.h"

namespace calflops {

std::vector<ForwardCall> RecurrentStatePlan(const Workload& w) {
  if (w.mode == Mode::kForward) {
    return {ForwardCall{.kind = CallKind::kForward,
                        .batch = w.batch,
                        .new_tokens = w.seq_len,
                        .logits_tokens = w.seq_len}};
  }
  int64_t prompt = w.prompt_tokens > 0 ? w.prompt_tokens : w.seq_len;
  std::vector<ForwardCall> calls{ForwardCall{.kind = CallKind::kPrefill,
                                             .batch = w.batch,
                                             .new_tokens = prompt,
                                             .logits_tokens = prompt,
                                             .attention_mask = true}};
  if (w.max_new_tokens > 1) {
    calls.push_back(ForwardCall{.kind = CallKind::kDecode,
                                .repeat = w.max_new_tokens - 1,
                                .past_step = 0,
                                .batch = w.batch,
                                .new_tokens = 1,
                                .past_tokens = prompt,
                                .logits_tokens = 1,
                                .first = false});
  }
  return calls;
}

}  // namespace calflops
