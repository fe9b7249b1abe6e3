// What the plans of the vision-language models (LLaVA, Mllama, Qwen2-VL, Gemma 3) share: the
// prompt that must hold one placeholder token per image, and generate()'s decode steps after the
// first call, which carry no new image.
#pragma once

#include <string>
#include <vector>

#include "model/architecture.h"

namespace calflops {

/// The prompt's tokens (the sequence length in forward, --prompt-tokens in generate), checked to
/// hold the workload's `images` placeholder tokens (`placeholder` names them in the error).
int64_t VisionPromptTokens(const Workload& w, const std::string& placeholder);

/// `first` (the forward call, or generate's prefill), then in generate the decode steps after
/// it as one run: max_new_tokens - 1 one-token calls, the cache growing by one token a step from
/// `first.new_tokens`, one logit position each, `step_images` images a step (0: generate drops
/// pixel_values after the first call) and no placeholder to merge.
std::vector<ForwardCall> WithDecodeSteps(const ForwardCall& first, const Workload& w,
                                         int64_t step_images = 0);

}  // namespace calflops
