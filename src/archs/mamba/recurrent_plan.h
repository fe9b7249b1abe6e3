// The calls of a model whose state does not grow with the context (Mamba, Mamba2).
#pragma once

#include <vector>

#include "model/architecture.h"

namespace calflops {

/// forward: one call over every position; generate: a prefill of the prompt (logits at every
/// position: 4.45's Mamba/Mamba2 ForCausalLM have no num_logits_to_keep; generate passes an
/// all-ones attention_mask), then max_new_tokens - 1 identical one-token steps.
std::vector<ForwardCall> RecurrentStatePlan(const Workload& w);

}  // namespace calflops
