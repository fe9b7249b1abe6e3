// model_type "cohere2": Cohere2ForCausalLM and Cohere2Model (modeling_cohere2.py as read at
// huggingface/transformers commit ca095230, the 4.48-4.50 line; the family is newer than v4.45;
// Command R7B, Command A). Cohere's parallel block (one input_layernorm, residual + attn(n) +
// mlp(n)), Cohere2LayerNorm, logits * logit_scale and tied head, with:
//  * sliding-window attention on three layers of four (sliding_window_pattern, or layer_types),
//    RoPE on those layers only: the global layers use no positional embedding;
//  * head_dim from the config; one Cohere2Attention class; a model-level rotary_emb only;
//  * the head over the last position in generate (num_logits_to_keep).
// Sliding layers are cached as transformers 4.57's DynamicSlidingWindowLayer keeps them (the
// last window - 1 tokens, archs/llama/sliding_window_attention.h), like gemma3_text; the static
// HybridCache of the 4.48-4.52 line (full layers attending over the whole pre-allocated cache)
// is not modeled.
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"
#include "archs/llama/sliding_window_attention.h"

namespace calflops {
namespace cohere2 {
namespace {

/// Cohere2Attention on a global layer: the same projections and kernel, no rotary embedding.
class NoPeAttention : public SelfAttention {
 public:
  explicit NoPeAttention(LlamaAttentionBlock a) : a_(std::move(a)) {}
  Shape Forward(Tracer& t, const Shape& x, const Shape&, const DecoderStep& s) const override {
    Shape qo = a_.q(t, x);
    a_.k(t, x);
    a_.v(t, x);
    Shape qs = Tracer::View(qo, Shape{s.batch, a_.n_heads, s.tokens, a_.head_dim});
    Shape out = a_.kernel.Run(t, a_.id, qs, a_.n_kv_heads, a_.head_dim, s);
    return a_.o(t, Tracer::View(out, Shape{s.batch, s.tokens, a_.n_heads * a_.head_dim}));
  }
  KvCacheSpec Cache() const override { return a_.Cache(); }

 private:
  LlamaAttentionBlock a_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // Cohere2Config defaults
  d.prefix = "Cohere2";
  d.vocab = 256000;
  d.hidden = 8192;
  d.intermediate = 22528;
  d.n_layers = 40;
  d.n_heads = 64;
  d.pad_token_id = 0;
  d.tie_word_embeddings = true;
  d.norm = NormStyle::kCohere;
  d.norm_cls = "Cohere2LayerNorm";
  d.placement = NormPlacement::kParallel;
  d.rotary = RotaryStyle::kModelOnly;
  d.attn_class_per_impl = false;
  d.scale_scores_by_mul = true;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.rms_eps = c.Float("layer_norm_eps", 1e-5);
  p.mlp_bias = false;  // Cohere2MLP: bias=False
  p.logits_multiplier = c.Float("logit_scale", 0.0625);
  int64_t window = SlidingWindowSize(c, 4096);
  // Cohere2Config: every sliding_window_pattern-th layer is global.
  std::vector<bool> sliding = SlidingLayerTypes(c, p.n_layers, "sliding_window_pattern", 4);
  // A window of 1 keeps nothing in Python's [-0:] slice, i.e. everything: no cap.
  if (window > 1) p.cost_breakpoints = {window - 1};
  DType dtype = ConfigDType(c);
  DecoderHooks hooks;
  AttnImpl impl = o.attn;
  hooks.attention = [p, sliding, window, impl, dtype](
                        ModuleTree& tree, ModuleId layer,
                        int64_t i) -> std::shared_ptr<const SelfAttention> {
    auto a = LlamaAttentionBlock::Build(tree, layer, "self_attn", p, impl, dtype);
    if (!sliding[static_cast<size_t>(i)]) return std::make_shared<NoPeAttention>(std::move(a));
    if (window > 1) return std::make_shared<SlidingWindowAttention>(std::move(a), window);
    return std::make_shared<LlamaAttentionBlock>(std::move(a));
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"Cohere2ForCausalLM", "Cohere2Model"};

/// llama.cpp's cohere2 keys: the LayerNorm epsilon and the logit scale; its loader fixes the
/// sliding pattern at 4 (three sliding layers, then a global one).
void Cohere2Keys(const GgufKeys& k, nlohmann::ordered_json& c) {
  if (auto v = k.Float("attention.layer_norm_epsilon")) c["layer_norm_eps"] = *v;
  if (auto v = k.Float("logit_scale")) c["logit_scale"] = *v;
  c["sliding_window_pattern"] = 4;
}

// The Llama block names without ffn_norm: one input_layernorm per parallel block.
constexpr GgufMapping kGguf{.gguf_arch = "cohere2",
                            .model_type = "cohere2",
                            .hf_class = "Cohere2ForCausalLM",
                            .blocks = kLlamaBlockGguf,
                            .extra_keys = Cohere2Keys};

}  // namespace
}  // namespace cohere2

const ArchEntry& Cohere2Arch() {
  static const ArchEntry e{
      "cohere2", "Cohere 2 / Command R7B decoder (parallel block, 3:1 sliding/NoPE global)",
      cohere2::kClasses, cohere2::Make, &cohere2::kGguf};
  return e;
}

}  // namespace calflops
