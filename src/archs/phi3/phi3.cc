// model_type "phi3": Phi3ForCausalLM and Phi3Model (transformers v4.45 modeling_phi3.py).
// Llama with fused projections (qkv_proj, registered after o_proj; gate_up_proj computing
// up * act(gate)), a per-attention rotary_emb, head_dim = hidden / heads, and Dropout modules
// (embed_dropout, resid_attn_dropout, resid_mlp_dropout; no-ops at inference). LongRoPE configs
// get the Phi3LongRoPEScaledRotaryEmbedding class; its table computation is counted as the plain
// one (docs/architectures.md).
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/llama/decoder_arch.h"
#include "archs/nn/dropout.h"
#include "model/error.h"
#include "readers/gguf/gguf_mapping.h"

namespace calflops {
namespace {

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // Phi3Config defaults
  d.prefix = "Phi3";
  d.vocab = 32064;
  d.hidden = 3072;
  d.intermediate = 8192;
  d.rms_eps = 1e-5;
  d.rotary = RotaryStyle::kPerAttention;
  d.fused_qkv = true;
  d.fused_gate_up = true;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;  // Phi3Attention ignores a head_dim key
  p.qkv_bias = p.o_bias = p.mlp_bias = false;
  double embd_pdrop = c.Float("embd_pdrop", 0.0);
  double resid_pdrop = c.Float("resid_pdrop", 0.0);
  DecoderHooks hooks;  // Dropout modules: registered, no-ops at inference
  hooks.after_embedding = [embd_pdrop](ModuleTree& tree, ModuleId model) {
    BuildDropout(tree, model, "embed_dropout", embd_pdrop);
  };
  hooks.before_post_norm = [resid_pdrop](ModuleTree& tree, ModuleId layer) {
    BuildDropout(tree, layer, "resid_attn_dropout", resid_pdrop);
    BuildDropout(tree, layer, "resid_mlp_dropout", resid_pdrop);
  };
  Config rope = c.Sub("rope_scaling");
  if (rope.String("type", "") == "longrope") p.rotary_cls = "Phi3LongRoPEScaledRotaryEmbedding";
  return MakeDecoder(p, cls, o, ConfigDType(c), hooks);
}

constexpr std::string_view kClasses[] = {"Phi3ForCausalLM", "Phi3Model"};

constexpr GgufRename kBlockNames[] = {
    {"attn_norm", "input_layernorm"},    {"attn_qkv", "self_attn.qkv_proj"},
    {"attn_output", "self_attn.o_proj"}, {"ffn_norm", "post_attention_layernorm"},
    {"ffn_up", "mlp.gate_up_proj"},  // phi3 stores gate and up fused, as HF does
    {"ffn_down", "mlp.down_proj"},
};
constexpr std::span<const GgufRename> kBlockGguf[] = {kBlockNames};

constexpr GgufMapping kGguf{
    .gguf_arch = "phi3", .model_type = "phi3", .hf_class = "Phi3ForCausalLM", .blocks = kBlockGguf};

}  // namespace

const ArchEntry& Phi3Arch() {
  static const ArchEntry e{"phi3", "Phi-3 decoder (fused qkv and gate_up projections)", kClasses,
                           Make, &kGguf};
  return e;
}

}  // namespace calflops
