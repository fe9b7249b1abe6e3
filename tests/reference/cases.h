// The families with a tiny brute-force reference model, for the registry walk
// (tests/families_test.cc): each family file in tests/reference/ defines a `<Family>Cases()`
// declared here and listed once in cases.cc. A case is a tiny config.json, the workloads to
// check, and a function that executes the reference model for one workload, charging every
// scalar operation to the module path that runs it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/workload.h"

namespace reference {

struct ReferenceCase {
  std::string name;        ///< shown on failure ("mistral sliding window")
  std::string model_type;  ///< the registered model_type it covers
  std::string config_json;
  std::vector<std::string> attn = {"sdpa", "eager"};  ///< attn_implementations to check
  std::vector<calflops::Workload> workloads = {};     ///< default: DecoderWorkloads()
  /// Executes the reference for one workload with a fresh model (the counter is reset).
  using RunFn = std::function<void(const std::string& attn, const calflops::Workload& w)>;
  RunFn run;
};

/// Forward of 2 x 5 tokens, and generate: a 3-token prompt plus 2 decode steps (batch 1).
std::vector<calflops::Workload> DecoderWorkloads();

/// Vision-language, at images of `height` x `width` (0: the model's native size): forward of
/// 2 x 5 tokens with one image each; generate: batch 1, a 4-token prompt with two images, then 2
/// decode steps; the same generation without images (text only).
std::vector<calflops::Workload> VisionLanguageWorkloads(int64_t height = 0, int64_t width = 0);

/// What one ForCausalLM workload calls on a decoder whose `forward(batch, tokens, logits)` runs
/// `tokens` new positions after its cache with the head over the last `logits`: forward: all
/// positions; generate: the prompt (head on the last position), then one token per step.
template <class Decoder>
void RunDecoderWorkload(Decoder& model, const calflops::Workload& w) {
  if (w.mode == calflops::Mode::kForward) {
    model.Forward(w.batch, w.seq_len, w.seq_len);
    return;
  }
  model.Forward(w.batch, w.prompt_tokens, 1);
  for (int64_t i = 1; i < w.max_new_tokens; ++i) model.Forward(w.batch, 1, 1);
}

/// A decoder case: a fresh `Model(config, attn)` per workload, run by RunDecoderWorkload.
template <class Model, class ModelConfig>
ReferenceCase DecoderCase(std::string name, std::string model_type, const ModelConfig& c) {
  return ReferenceCase{.name = std::move(name),
                       .model_type = std::move(model_type),
                       .config_json = c.ToJson(),
                       .run = [c](const std::string& attn, const calflops::Workload& w) {
                         Model model(c, attn);
                         RunDecoderWorkload(model, w);
                       }};
}

// One line per family (definitions in that family's tiny_<family>.cc).
std::vector<ReferenceCase> LlamaCases();
std::vector<ReferenceCase> DecoderFamilyCases();  ///< tiny_decoder.h: Mistral ... DeepSeek-V3
std::vector<ReferenceCase> Mamba2Cases();         ///< tiny_mamba2.h
std::vector<ReferenceCase> JambaCases();          ///< tiny_jamba.h
std::vector<ReferenceCase> FalconCases();
std::vector<ReferenceCase> PhiCases();
std::vector<ReferenceCase> ModernBertCases();
std::vector<ReferenceCase> T5Cases();         ///< tiny_t5.h
std::vector<ReferenceCase> Qwen2VlCases();    ///< tiny_qwen2_vl.h
std::vector<ReferenceCase> WhisperCases();    ///< tiny_whisper.h
std::vector<ReferenceCase> DebertaV2Cases();  ///< tiny_deberta_v2.h
std::vector<ReferenceCase> MllamaCases();     ///< tiny_mllama.h

/// Every registered case, in the order of cases.cc's list.
std::vector<ReferenceCase> AllReferenceCases();

}  // namespace reference
