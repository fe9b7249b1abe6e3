// The calls of a generation as a prefill and a run of one-token decode steps, shared by every
// plan (the causal-LM default, recurrent-state models, encoder-decoders): each states only
// where its calls differ.
#pragma once

#include <cstdint>
#include <vector>

#include "model/architecture.h"

namespace calflops {

/// How a family's calls differ. forward: one call of `forward_tokens`, logits at every position.
/// generate: a prefill of `prompt` tokens, then max_new_tokens - 1 one-token decode steps over a
/// cache of `prompt` tokens growing by `past_step` a step.
struct PrefillDecodeShape {
  int64_t forward_tokens = 0;  ///< forward: tokens of the one call
  int64_t prompt = 0;          ///< generate: tokens of the prefill (and the cache it leaves)
  int64_t prefill_logits = 1;  ///< positions the prefill sends through the output head
  int64_t past_step = 1;       ///< cache growth per decode step (0: a constant-size state)
  bool prefill_mask = false;   ///< the prefill passes an all-ones attention_mask
  bool decode_mask = false;    ///< the decode steps pass one too
  int64_t encoder_tokens = 0;  ///< ForwardCall::encoder_tokens of every call
};

std::vector<ForwardCall> PrefillDecodePlan(const Workload& w, const PrefillDecodeShape& s);

}  // namespace calflops
