#include "archs/encdec/seq2seq_plan.h"

namespace calflops {

std::vector<ForwardCall> EncoderDecoderPlan(const Workload& w, int64_t encoder_tokens,
                                            int64_t decoder_tokens) {
  if (w.mode == Mode::kForward) {
    return {ForwardCall{.kind = CallKind::kForward,
                        .batch = w.batch,
                        .new_tokens = decoder_tokens,
                        .logits_tokens = decoder_tokens,
                        .encoder_tokens = encoder_tokens}};
  }
  std::vector<ForwardCall> calls{ForwardCall{.kind = CallKind::kPrefill,
                                             .batch = w.batch,
                                             .new_tokens = decoder_tokens,
                                             .logits_tokens = decoder_tokens,
                                             .attention_mask = true,
                                             .encoder_tokens = encoder_tokens}};
  if (w.max_new_tokens > 1) {
    calls.push_back(ForwardCall{.kind = CallKind::kDecode,
                                .repeat = w.max_new_tokens - 1,
                                .past_step = 1,
                                .batch = w.batch,
                                .new_tokens = 1,
                                .past_tokens = decoder_tokens,
                                .logits_tokens = 1,
                                .first = false,
                                .attention_mask = true,
                                .encoder_tokens = encoder_tokens});
  }
  return calls;
}

std::vector<ForwardCall> TextEncoderDecoderPlan(const Workload& w) {
  if (w.mode == Mode::kForward) return EncoderDecoderPlan(w, w.seq_len, w.seq_len);
  return EncoderDecoderPlan(w, w.Prompt(), 1);
}

}  // namespace calflops
