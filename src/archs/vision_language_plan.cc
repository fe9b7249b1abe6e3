#include "archs/vision_language_plan.h"

#include "model/error.h"

namespace calflops {

int64_t VisionPromptTokens(const Workload& w, const std::string& placeholder) {
  const bool generate = w.mode == Mode::kGenerate;
  const int64_t prompt = generate ? w.Prompt() : w.seq_len;
  if (prompt < w.images) {
    throw BadInput(generate ? "--prompt-tokens" : "--seq-len",
                   std::to_string(prompt) + " tokens cannot hold " + std::to_string(w.images) +
                       " " + placeholder + " (--images)");
  }
  return prompt;
}

std::vector<ForwardCall> WithDecodeSteps(const ForwardCall& first, const Workload& w,
                                         int64_t step_images) {
  std::vector<ForwardCall> calls{first};
  if (w.mode != Mode::kGenerate || w.max_new_tokens <= 1) return calls;
  ForwardCall d = first;
  d.kind = CallKind::kDecode;
  d.repeat = w.max_new_tokens - 1;
  d.past_step = 1;
  d.new_tokens = 1;
  d.input_ids = 1;
  d.past_tokens = first.new_tokens;
  d.logits_tokens = 1;
  d.first = false;
  d.images = step_images;
  d.legacy_merge = false;
  calls.push_back(d);
  return calls;
}

}  // namespace calflops
