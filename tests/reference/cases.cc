#include "reference/cases.h"

namespace reference {

std::vector<calflops::Workload> DecoderWorkloads() {
  calflops::Workload forward;
  forward.batch = 2;
  forward.seq_len = 5;
  calflops::Workload generate;
  generate.mode = calflops::Mode::kGenerate;
  generate.prompt_tokens = 3;
  generate.max_new_tokens = 3;
  return {forward, generate};
}

std::vector<calflops::Workload> VisionLanguageWorkloads(int64_t height, int64_t width) {
  calflops::Workload forward;
  forward.batch = 2;
  forward.seq_len = 5;
  forward.images = 1;
  forward.image_height = height;
  forward.image_width = width;
  calflops::Workload generate = forward;
  generate.mode = calflops::Mode::kGenerate;
  generate.batch = 1;
  generate.prompt_tokens = 4;
  generate.images = 2;
  generate.max_new_tokens = 3;
  calflops::Workload text = generate;  // no image: no vision tower, no cross-attention
  text.images = 0;
  return {forward, generate, text};
}

std::vector<ReferenceCase> AllReferenceCases() {
  // The one list of families with a tiny reference.
  using CasesFn = std::vector<ReferenceCase> (*)();
  constexpr CasesFn kFamilies[] = {
      LlamaCases,   DecoderFamilyCases, Mamba2Cases,     JambaCases,
      FalconCases,  PhiCases,           ModernBertCases, T5Cases,
      Qwen2VlCases, WhisperCases,       DebertaV2Cases,  MllamaCases,
  };
  std::vector<ReferenceCase> all;
  for (CasesFn f : kFamilies) {
    for (ReferenceCase& c : f()) {
      if (c.workloads.empty()) c.workloads = DecoderWorkloads();
      all.push_back(std::move(c));
    }
  }
  return all;
}

}  // namespace reference
