#include "archs/gemma3/gemma3_text_params.h"

#include "archs/gemma/gemma_defaults.h"
#include "archs/llama/sliding_window_attention.h"

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
  g.window = SlidingWindowSize(c, 4096);
  // Gemma3TextConfig: every sliding_window_pattern-th layer is global.
  g.sliding = SlidingLayerTypes(c, p.n_layers, "sliding_window_pattern", 6);
  // A window of 1 keeps nothing in Python's [-0:] slice, i.e. everything: no cap.
  if (g.window > 1) p.cost_breakpoints = {g.window - 1};
  return g;
}

DecoderHooks Gemma3Hooks(const Gemma3TextParams& g, AttnImpl impl, DType dtype) {
  return SlidingWindowHooks(g.decoder, g.sliding, g.window, impl, dtype);
}

}  // namespace calflops
