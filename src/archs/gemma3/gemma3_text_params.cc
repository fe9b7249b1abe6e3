#include "archs/gemma3/gemma3_text_params.h"

#include <algorithm>

#include "archs/gemma/gemma_defaults.h"
#include "archs/llama/sliding_window_attention.h"
#include "model/error.h"
#include "model/workload.h"

namespace calflops {

Gemma3TextParams ReadGemma3Text(const Config& c) {
  LlamaParams d = GemmaDefaults("Gemma3");  // Gemma3TextConfig defaults
  d.vocab = 262208;
  d.hidden = 2304;
  d.intermediate = 9216;
  d.n_layers = 26;
  d.n_heads = 8;
  d.n_kv_heads = 4;
  d.placement = NormPlacement::kSandwich;
  d.qk_norm = QkNorm::kPerHead;
  d.attn_class_per_impl = false;  // one Gemma3Attention, attention functions by name
  d.rotary = RotaryStyle::kModelOnly;
  d.local_rotary = true;
  d.model_cls = "Gemma3TextModel";
  d.embed_cls = "Gemma3TextScaledWordEmbedding";
  Gemma3TextParams g;
  g.decoder = GemmaParams(c, d);
  LlamaParams& p = g.decoder;
  if (!c.Has("pad_token_id")) p.pad_token_id = 0;  // Gemma3TextConfig's default
  // 4.57's Gemma3Attention never passes attn_logit_softcapping to the attention function.
  p.attn_softcap = std::nullopt;
  p.final_softcap = c.IsSet("final_logit_softcapping")
                        ? std::optional<double>(c.Float("final_logit_softcapping", 0.0))
                        : std::nullopt;
  if (!c.Has("sliding_window") || c.IsSet("sliding_window")) {
    g.window = c.Int("sliding_window", 4096, 1, kMaxTokens);
  }
  if (c.IsSet("layer_types")) {
    auto types = c.Strings("layer_types");
    if (static_cast<int64_t>(types.size()) != p.n_layers) {
      throw BadInput(c.Where("layer_types"), "has " + std::to_string(types.size()) +
                                                 " entries for " + std::to_string(p.n_layers) +
                                                 " layers");
    }
    for (const auto& t : types) {
      if (t != "sliding_attention" && t != "full_attention") {
        throw BadInput(c.Where("layer_types"),
                       "has " + Quote(t) + " (expected sliding_attention or full_attention)");
      }
      g.sliding.push_back(t == "sliding_attention");
    }
  } else {
    // Gemma3TextConfig: every sliding_window_pattern-th layer is global.
    int64_t pattern = c.Int("sliding_window_pattern", 6, 1, kMaxLayers);
    for (int64_t i = 0; i < p.n_layers; ++i) g.sliding.push_back((i + 1) % pattern != 0);
  }
  // A window of 1 keeps nothing in Python's [-0:] slice, i.e. everything: no cap.
  if (g.window > 1) p.cost_breakpoints = {g.window - 1};
  return g;
}

DecoderHooks Gemma3Hooks(const Gemma3TextParams& g, AttnImpl impl, DType dtype) {
  DecoderHooks h;
  h.attention = [g, impl, dtype](ModuleTree& tree, ModuleId layer,
                                 int64_t i) -> std::shared_ptr<const SelfAttention> {
    auto a = LlamaAttentionBlock::Build(tree, layer, "self_attn", g.decoder, impl, dtype);
    if (g.window > 1 && g.sliding[static_cast<size_t>(i)]) {
      return std::make_shared<SlidingWindowAttention>(std::move(a), g.window);
    }
    return std::make_shared<LlamaAttentionBlock>(std::move(a));
  };
  return h;
}

}  // namespace calflops
