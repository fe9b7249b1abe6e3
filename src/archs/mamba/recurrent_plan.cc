#include "archs/mamba/recurrent_plan.h"

#include "model/prefill_decode_plan.h"

namespace calflops {

std::vector<ForwardCall> RecurrentStatePlan(const Workload& w) {
  return PrefillDecodePlan(w, {.forward_tokens = w.seq_len,
                               .prompt = w.Prompt(),
                               .prefill_logits = w.Prompt(),
                               .past_step = 0,
                               .prefill_mask = true});
}

}  // namespace calflops
