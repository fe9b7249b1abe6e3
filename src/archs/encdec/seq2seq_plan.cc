#include "archs/encdec/seq2seq_plan.h"

#include "model/prefill_decode_plan.h"

namespace calflops {

std::vector<ForwardCall> EncoderDecoderPlan(const Workload& w, int64_t encoder_tokens,
                                            int64_t decoder_tokens) {
  return PrefillDecodePlan(w, {.forward_tokens = decoder_tokens,
                               .prompt = decoder_tokens,
                               .prefill_logits = decoder_tokens,
                               .prefill_mask = true,
                               .decode_mask = true,
                               .encoder_tokens = encoder_tokens});
}

std::vector<ForwardCall> TextEncoderDecoderPlan(const Workload& w) {
  if (w.mode == Mode::kForward) return EncoderDecoderPlan(w, w.seq_len, w.seq_len);
  return EncoderDecoderPlan(w, w.Prompt(), 1);
}

}  // namespace calflops
