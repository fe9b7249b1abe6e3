// model_type "cohere": CohereForCausalLM and CohereModel (transformers v4.45 modeling_cohere.py;
// Command-R, Aya 23, Aya Expanse). Llama's attention and gated MLP in a parallel block: one
// input_layernorm, then residual + attention(n) + mlp(n); CohereLayerNorm (mean-centred, weight
// only, (x - mean) computed twice as written) for every norm; logits * logit_scale; the v4.45
// rotary layout (model-level tables from repeat_interleave instead of cat, an unused
// self_attn.rotary_emb; the same counts as Llama's); the head tied by default.
// use_qk_norm (Command R+) is refused: its per-head (heads, head_dim) LayerNorm is not built.
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/llama/decoder_arch.h"
#include "model/error.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  if (c.Bool("use_qk_norm", false)) {
    throw Unsupported(c.Where("use_qk_norm"),
                      "is true: Cohere's per-head q/k LayerNorm is not supported yet");
  }
  LlamaParams d;  // CohereConfig defaults
  d.prefix = "Cohere";
  d.vocab = 256000;
  d.hidden = 8192;
  d.intermediate = 22528;
  d.n_layers = 40;
  d.n_heads = 64;
  d.tie_word_embeddings = true;
  d.norm = NormStyle::kCohere;
  d.norm_cls = "CohereLayerNorm";
  d.placement = NormPlacement::kParallel;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;  // CohereAttention ignores a head_dim key
  p.rms_eps = c.Float("layer_norm_eps", 1e-5);
  p.mlp_bias = false;  // CohereMLP: bias=False
  p.logits_multiplier = c.Float("logit_scale", 0.0625);
  return MakeDecoder(p, cls, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"CohereForCausalLM", "CohereModel"};

}  // namespace

const ArchEntry& CohereArch() {
  static const ArchEntry e{"cohere", "Cohere Command-R / Aya decoder (parallel block, logit scale)",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
