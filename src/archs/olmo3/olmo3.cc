// model_type "olmo3": Olmo3ForCausalLM and Olmo3Model (newer than v4.45: added in 4.57).
// Module names, classes and order mirror modeling_olmo3.py as read at huggingface/transformers
// commit 0233e509 (the 5.x line): OLMo 2's layout (post_attention_layernorm and
// post_feedforward_layernorm inside the residuals, RMSNorm q_norm / k_norm over the whole
// projections, one Olmo3Attention class, eager scores "* scaling") with sliding-window attention
// on the layers layer_types marks "sliding_attention" (by default three of every four), cached
// as a DynamicSlidingWindowLayer (the last window - 1 tokens,
// archs/llama/sliding_window_attention.h). One model-level rotary_emb serves every layer in that
// line; 4.57's per-type rotary_embs (a second table set per call for the full-attention layers'
// YaRN) is not modeled.
#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/sliding_window_attention.h"
#include "archs/olmo2/olmo2_params.h"

namespace calflops {
namespace olmo3 {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d = Olmo2StyleDefaults("Olmo3");  // Olmo3Config defaults
  d.pad_token_id = 1;
  LlamaParams p = Olmo2StyleParams(c, d);
  int64_t window = SlidingWindowSize(c, 4096);
  // Olmo3Config: without layer_types, every fourth layer is full attention.
  std::vector<bool> sliding = SlidingLayerTypes(c, p.n_layers, nullptr, 4);
  // A window of 1 keeps nothing in Python's [-0:] slice, i.e. everything: no cap.
  if (window > 1) p.cost_breakpoints = {window - 1};
  DType dtype = ConfigDType(c);
  return MakeDecoder(p, cls, o, dtype, SlidingWindowHooks(p, sliding, window, o.attn, dtype));
}

constexpr std::string_view kClasses[] = {"Olmo3ForCausalLM", "Olmo3Model"};

}  // namespace
}  // namespace olmo3

const ArchEntry& Olmo3Arch() {
  static const ArchEntry e{"olmo3", "OLMo 3 decoder (OLMo 2 layout, 3:1 sliding/full attention)",
                           olmo3::kClasses, olmo3::Make};
  return e;
}

}  // namespace calflops
