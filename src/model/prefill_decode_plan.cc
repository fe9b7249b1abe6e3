#include "model/prefill_decode_plan.h"

namespace calflops {

std::vector<ForwardCall> PrefillDecodePlan(const Workload& w, const PrefillDecodeShape& s) {
  if (w.mode == Mode::kForward) {
    return {ForwardCall{.kind = CallKind::kForward,
                        .batch = w.batch,
                        .new_tokens = s.forward_tokens,
                        .logits_tokens = s.forward_tokens,
                        .encoder_tokens = s.encoder_tokens}};
  }
  std::vector<ForwardCall> calls{ForwardCall{.kind = CallKind::kPrefill,
                                             .batch = w.batch,
                                             .new_tokens = s.prompt,
                                             .logits_tokens = s.prefill_logits,
                                             .attention_mask = s.prefill_mask,
                                             .encoder_tokens = s.encoder_tokens}};
  if (w.max_new_tokens > 1) {
    calls.push_back(ForwardCall{.kind = CallKind::kDecode,
                                .repeat = w.max_new_tokens - 1,
                                .past_step = s.past_step,
                                .batch = w.batch,
                                .new_tokens = 1,
                                .past_tokens = s.prompt,
                                .logits_tokens = 1,
                                .first = false,
                                .attention_mask = s.decode_mask,
                                .encoder_tokens = s.encoder_tokens});
  }
  return calls;
}

}  // namespace calflops
