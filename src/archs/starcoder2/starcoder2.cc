// model_type "starcoder2": Starcoder2ForCausalLM and Starcoder2Model (transformers v4.45
// modeling_starcoder2.py). Llama's attention with biases (use_bias) and the v4.45 rotary layout
// (a model-level rotary_emb computes the tables; each attention registers an unused one),
// nn.LayerNorm (weight and bias, norm_epsilon) instead of RMSNorm, a plain MLP c_fc -> act ->
// c_proj (gelu_pytorch_tanh) instead of the gated one, and the head tied to the embedding
// (Starcoder2Config leaves tie_word_embeddings at True). The residual and embedding dropouts are
// functional calls, no-ops at inference. SDPA gets no sliding-window mask in v4.45 (its
// _update_causal_mask is Qwen2's, not Mistral's).
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/llama/decoder_arch.h"
#include "archs/llama/llama_gguf.h"
#include "model/error.h"

namespace calflops {
namespace {

/// Starcoder2MLP: c_fc, c_proj, act (registration order), run c_fc -> act -> c_proj.
struct Starcoder2Mlp : FeedForward {
  ModuleId id = kNoModule;
  Linear c_fc, c_proj;
  Activation act;
  Shape Forward(Tracer& t, const Shape& x) const override { return c_proj(t, act(t, c_fc(t, x))); }
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // Starcoder2Config defaults
  d.prefix = "Starcoder2";
  d.vocab = 49152;
  d.hidden = 3072;
  d.intermediate = 12288;
  d.n_layers = 30;
  d.n_heads = 24;
  d.n_kv_heads = 2;
  d.hidden_act = "gelu_pytorch_tanh";
  d.tie_word_embeddings = true;
  d.norm = NormStyle::kLayerNorm;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;  // Starcoder2Attention ignores a head_dim key
  p.rms_eps = c.Float("norm_epsilon", 1e-5);
  bool use_bias = c.Bool("use_bias", true);
  p.qkv_bias = p.o_bias = p.mlp_bias = use_bias;
  DType dtype = ConfigDType(c);
  DecoderHooks hooks;
  hooks.feed_forward = [p, dtype](ModuleTree& tree, ModuleId layer, int64_t) {
    auto m = std::make_shared<Starcoder2Mlp>();
    m->id = tree.Add(layer, "mlp", "Starcoder2MLP");
    m->c_fc = Linear::Build(tree, m->id, "c_fc", p.hidden, p.intermediate, p.mlp_bias, dtype);
    m->c_proj = Linear::Build(tree, m->id, "c_proj", p.intermediate, p.hidden, p.mlp_bias, dtype);
    m->act = Activation::Build(tree, m->id, "act", p.hidden_act, p.act_where);
    return std::shared_ptr<const FeedForward>(m);
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"Starcoder2ForCausalLM", "Starcoder2Model"};

// llama.cpp's "starcoder2" blocks: Llama's attention names, a plain MLP.
constexpr GgufRename kMlpGguf[] = {{"ffn_up", "mlp.c_fc"}, {"ffn_down", "mlp.c_proj"}};
constexpr std::span<const GgufRename> kBlockGguf[] = {kLlamaAttentionGguf, kMlpGguf};

/// use_bias from the tensors; norm_epsilon from llama.cpp's LayerNorm epsilon key.
void BiasAndEpsKeys(const GgufKeys& k, nlohmann::ordered_json& c) {
  c["use_bias"] = k.HasTensor("blk.0.attn_q.bias");
  if (auto eps = k.Float("attention.layer_norm_epsilon")) c["norm_epsilon"] = *eps;
}

constexpr GgufMapping kGguf{.gguf_arch = "starcoder2",
                            .model_type = "starcoder2",
                            .hf_class = "Starcoder2ForCausalLM",
                            .blocks = kBlockGguf,
                            .hidden_act = "gelu_pytorch_tanh",
                            .extra_keys = BiasAndEpsKeys};

}  // namespace

const ArchEntry& Starcoder2Arch() {
  static const ArchEntry e{"starcoder2", "StarCoder2 decoder (LayerNorm, biases, plain GELU MLP)",
                           kClasses, Make, &kGguf};
  return e;
}

}  // namespace calflops
