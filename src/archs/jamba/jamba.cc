// model_type "jamba": JambaForCausalLM and JambaModel as transformers v4.45.1 modeling_jamba.py
// registers them: a hybrid of attention layers (every attn_layer_period-th, from
// attn_layer_offset) and Mamba layers (JambaMambaMixer.slow_forward: the Mamba mixer plus RMSNorms
// on dt, B and C), each followed by a feed-forward that is a mixture of experts on every
// expert_layer_period-th layer (JambaSparseMoeBlock: router, softmax, top-k, no renormalisation)
// and a gated MLP elsewhere. Attention has no position embedding at all, and _update_causal_mask
// always builds a mask tensor, so SDPA is always given one (is_causal stays False).
// generate creates a HybridMambaAttentionDynamicCache (K and V for attention layers, a constant
// conv window and SSM state for Mamba layers) and keeps config.num_logits_to_keep positions;
// a plain forward passes no cache and sends every position through lm_head.
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/causal_lm_shell.h"
#include "archs/config_checks.h"
#include "archs/llama/attention_kernel.h"
#include "archs/llama/llama_blocks.h"
#include "archs/mamba/mamba_mixer.h"
#include "archs/moe/sparse_moe_block.h"
#include "model/error.h"
#include "model/kv_cache.h"

namespace calflops {
namespace {

using enum CallForm;

struct JambaParams {
  LlamaParams llama;  ///< hidden, heads, kv heads, intermediate, vocab, eps, act, tie
  int64_t experts = 16, top_k = 2, expert_period = 2, expert_offset = 1;
  int64_t attn_period = 8, attn_offset = 4;
  int64_t d_state = 16, d_conv = 4, expand = 2, dt_rank = 256;
  bool conv_bias = true, proj_bias = false;
  std::optional<int64_t> logits_to_keep = 1;  ///< none: every position

  bool IsAttention(int64_t i) const { return i % attn_period == attn_offset; }
  bool IsMoe(int64_t i) const { return experts > 1 && i % expert_period == expert_offset; }

  /// JambaConfig (4.45) keys and defaults.
  static JambaParams FromConfig(const Config& c) {
    JambaParams p;
    LlamaParams& l = p.llama;
    l.prefix = "Jamba";
    l.vocab = c.Int("vocab_size", 65536, 1, kMaxConfigDim);
    l.hidden = c.Int("hidden_size", 4096, 1, kMaxConfigDim);
    l.intermediate = c.Int("intermediate_size", 14336, 1, kMaxConfigDim);
    l.n_layers = c.Int("num_hidden_layers", 32, 0, kMaxLayers);
    l.n_heads = c.Int("num_attention_heads", 32, 1, kMaxConfigDim);
    l.n_kv_heads = c.IsSet("num_key_value_heads")
                       ? c.Int("num_key_value_heads", 8, 1, kMaxConfigDim)
                       : (c.Has("num_key_value_heads") ? l.n_heads : 8);
    l.rms_eps = c.Float("rms_norm_eps", 1e-6);
    l.hidden_act = c.String("hidden_act", "silu");
    l.act_where = c.Where("hidden_act");
    l.tie_word_embeddings = c.Bool("tie_word_embeddings", false);
    if (c.IsSet("pad_token_id")) {
      l.pad_token_id = c.Int("pad_token_id", 0, 0, l.vocab - 1);
    } else if (!c.Has("pad_token_id")) {
      l.pad_token_id = 0;
    }
    RequireDivides(c, "num_attention_heads", l.n_heads, "hidden_size", l.hidden);
    RequireDivides(c, "num_key_value_heads", l.n_kv_heads, "num_attention_heads", l.n_heads);
    l.head_dim = l.hidden / l.n_heads;
    p.experts = c.Int("num_experts", 16, 1, kMaxConfigDim);
    p.top_k = c.Int("num_experts_per_tok", 2, 1, kMaxConfigDim);
    p.expert_period = c.Int("expert_layer_period", 2, 1, kMaxLayers);
    p.expert_offset = c.Int("expert_layer_offset", 1, 0, kMaxLayers);
    p.attn_period = c.Int("attn_layer_period", 8, 1, kMaxLayers);
    p.attn_offset = c.Int("attn_layer_offset", 4, 0, kMaxLayers);
    // JambaConfig._check_supported_offset
    if (p.expert_offset >= p.expert_period) {
      throw BadInput(c.Where("expert_layer_offset"), "must be smaller than expert_layer_period");
    }
    if (p.attn_offset >= p.attn_period) {
      throw BadInput(c.Where("attn_layer_offset"), "must be smaller than attn_layer_period");
    }
    p.d_state = c.Int("mamba_d_state", 16, 1, kMaxConfigDim);
    p.d_conv = c.Int("mamba_d_conv", 4, 1, 1 << 20);
    p.expand = c.Int("mamba_expand", 2, 1, 1 << 20);
    if (p.expand * l.hidden > kMaxConfigDim) {
      throw BadInput(c.Where("mamba_expand"), "times hidden_size is too large");
    }
    if (c.IsSet("mamba_dt_rank") && c.raw()["mamba_dt_rank"].is_string()) {
      std::string s = c.String("mamba_dt_rank", "auto");
      if (s != "auto")
        throw BadInput(c.Where("mamba_dt_rank"), "is " + Quote(s) + ", not 'auto' or an integer");
      p.dt_rank = (l.hidden + 15) / 16;
    } else {
      p.dt_rank = c.IsSet("mamba_dt_rank") ? c.Int("mamba_dt_rank", 1, 1, kMaxConfigDim)
                                           : (l.hidden + 15) / 16;
    }
    p.conv_bias = c.Bool("mamba_conv_bias", true);
    p.proj_bias = c.Bool("mamba_proj_bias", false);
    if (c.Has("num_logits_to_keep") && !c.IsSet("num_logits_to_keep")) {
      p.logits_to_keep.reset();  // null: every position
    } else {
      int64_t k = c.Int("num_logits_to_keep", 1, 0, kMaxConfigDim);
      if (k == 0)
        p.logits_to_keep.reset();  // hidden_states[..., -0:, :] is every position
      else
        p.logits_to_keep = k;
    }
    int64_t moe_layers = 0;
    for (int64_t i = 0; i < l.n_layers; ++i) moe_layers += p.IsMoe(i);
    CheckExperts(c, "num_experts", p.experts, "num_experts_per_tok", p.top_k, moe_layers);
    return p;
  }
};

/// JambaAttention / JambaSdpaAttention: q, k, v, o without bias and without any rotary.
struct JambaAttention {
  ModuleId id = kNoModule;
  Linear q, k, v, o;
  AttentionKernel kernel;
  int64_t heads = 0, kv_heads = 0, head_dim = 0;

  Shape Forward(Tracer& t, const Shape& x, const DecoderStep& s) const {
    int64_t b = x[0], n = x[1];
    Shape qo = q(t, x), ko = k(t, x), vo = v(t, x);
    (void)ko;
    (void)vo;
    Shape qh = Tracer::View(qo, {b, heads, n, head_dim});
    Shape out = kernel.Run(t, id, qh, kv_heads, head_dim, s);
    return o(t, Tracer::View(out, {b, n, heads * head_dim}));
  }
};

struct Layer {
  ModuleId id = kNoModule;
  std::optional<JambaAttention> attn;
  std::optional<MambaMixerBlock> mamba;
  std::shared_ptr<const FeedForward> ff;
  LlamaRmsNorm input_norm, pre_ff_norm;
};

class Jamba : public Architecture {
 public:
  Jamba(const JambaParams& p, const std::string& cls, AttnImpl impl, DType dtype)
      : Architecture(dtype), p_(p) {
    const LlamaParams& l = p.llama;
    shell_ = CausalLmShell::Begin(tree_, cls,
                                  {.lm_cls = "JambaForCausalLM",
                                   .model_name = "model",
                                   .model_cls = "JambaModel",
                                   .embed_name = "embed_tokens",
                                   .vocab = l.vocab,
                                   .hidden = l.hidden,
                                   .pad = l.pad_token_id},
                                  dtype);
    for (int64_t i = 0; i < l.n_layers; ++i)
      layers_.push_back(BuildLayer(shell_.layers, i, impl, dtype));
    shell_.Finish(tree_, Norm(shell_.model, "final_layernorm", l.hidden, dtype),
                  l.tie_word_embeddings, dtype);
  }

  /// forward: all positions, no cache. generate: prefill and one-token steps on the hybrid cache,
  /// config.num_logits_to_keep positions through the head.
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    auto calls = Architecture::Plan(w);
    if (w.mode == Mode::kGenerate && !calls.empty()) {
      int64_t prompt = calls[0].new_tokens;
      calls[0].logits_tokens = p_.logits_to_keep ? std::min(*p_.logits_to_keep, prompt) : prompt;
      calls[0].attention_mask = true;  // all ones: _update_mamba_mask drops it
    }
    return calls;
  }

  /// Attention layers: K and V per token; Mamba layers: conv window and SSM state (constant).
  std::vector<KvCacheSpec> KvCache() const override {
    std::vector<KvCacheSpec> specs;
    const LlamaParams& l = p_.llama;
    for (const auto& layer : layers_) {
      if (layer.attn) {
        specs.push_back({.module = layer.attn->id,
                         .elements_per_token = KvElements(2 * l.n_kv_heads, l.head_dim)});
      } else {
        specs.push_back(
            {.module = layer.mamba->id, .fixed_elements = layer.mamba->StateElements()});
      }
    }
    return specs;
  }

  void Forward(Tracer& t, const ForwardCall& c) const override {
    int64_t b = c.batch, n = c.new_tokens;
    DecoderStep s{.batch = b, .tokens = n, .past = c.past_tokens};
    Shape x = shell_.Embed(t, c);
    for (const auto& layer : layers_) {
      Shape h = layer.input_norm(t, x);
      // The Mamba mask is None: no mask in a forward, an all-ones mask dropped in generate.
      h = layer.attn ? layer.attn->Forward(t, h, s) : layer.mamba->Forward(t, h, c.first, false);
      x = t.Binary(layer.id, OpKind::kAdd, x, h, kPyOperator);
      h = layer.pre_ff_norm(t, x);
      h = layer.ff->Forward(t, h);
      x = t.Binary(layer.id, OpKind::kAdd, x, h, kPyOperator);
    }
    shell_.Output(t, x, c);
  }

 private:
  LlamaRmsNorm Norm(ModuleId parent, const std::string& name, int64_t dim, DType dtype) {
    return LlamaRmsNorm::Build(tree_, parent, name, "JambaRMSNorm", dim, p_.llama.rms_eps, dtype);
  }

  Layer BuildLayer(ModuleId list, int64_t i, AttnImpl impl, DType dtype) {
    const LlamaParams& l = p_.llama;
    Layer layer;
    bool attn = p_.IsAttention(i);
    layer.id = tree_.Add(list, std::to_string(i),
                         attn ? "JambaAttentionDecoderLayer" : "JambaMambaDecoderLayer");
    if (attn) {
      JambaAttention a;
      a.id = tree_.Add(layer.id, "self_attn", AttentionClass("Jamba", impl));
      a.heads = l.n_heads;
      a.kv_heads = l.n_kv_heads;
      a.head_dim = l.head_dim;
      a.q = Linear::Build(tree_, a.id, "q_proj", l.hidden, l.n_heads * l.head_dim, false, dtype);
      a.k = Linear::Build(tree_, a.id, "k_proj", l.hidden, l.n_kv_heads * l.head_dim, false, dtype);
      a.v = Linear::Build(tree_, a.id, "v_proj", l.hidden, l.n_kv_heads * l.head_dim, false, dtype);
      a.o = Linear::Build(tree_, a.id, "o_proj", l.n_heads * l.head_dim, l.hidden, false, dtype);
      a.kernel.impl = impl;
      a.kernel.sdpa_mask_from = 0;  // the model always passes a 4-D causal mask
      layer.attn = a;
    } else {
      MambaMixerSpec spec{.cls = "JambaMambaMixer",
                          .hidden = l.hidden,
                          .intermediate = p_.expand * l.hidden,
                          .state = p_.d_state,
                          .conv_kernel = p_.d_conv,
                          .dt_rank = p_.dt_rank,
                          .use_bias = p_.proj_bias,
                          .use_conv_bias = p_.conv_bias,
                          .act = l.hidden_act,
                          .act_where = l.act_where,
                          .dt_bc_norm_eps = l.rms_eps,
                          .norm_cls = "JambaRMSNorm"};
      layer.mamba = MambaMixerBlock::Build(tree_, layer.id, "mamba", spec, dtype);
    }
    if (p_.IsMoe(i)) {
      SparseMoeSpec spec{.name = "feed_forward",
                         .cls = "JambaSparseMoeBlock",
                         .expert_cls = "JambaMLP",
                         .n_experts = p_.experts,
                         .top_k = p_.top_k,
                         .expert_intermediate = l.intermediate,
                         .norm_topk_prob = false,
                         .gate_name = "router"};
      layer.ff =
          std::make_shared<SparseMoeBlock>(SparseMoeBlock::Build(tree_, layer.id, spec, l, dtype));
    } else {
      layer.ff = std::make_shared<LlamaMlpBlock>(LlamaMlpBlock::Build(
          tree_, layer.id, "feed_forward", "JambaMLP", l.intermediate, l, dtype));
    }
    layer.input_norm = Norm(layer.id, "input_layernorm", l.hidden, dtype);
    layer.pre_ff_norm = Norm(layer.id, "pre_ff_layernorm", l.hidden, dtype);
    return layer;
  }

  JambaParams p_;
  CausalLmShell shell_;
  std::vector<Layer> layers_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  JambaParams p = JambaParams::FromConfig(c);
  p.llama.routed_tokens = o.routed_tokens;  // experts of equal load built once (BuildOptions)
  return std::make_unique<Jamba>(p, cls, o.attn, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"JambaForCausalLM", "JambaModel"};

}  // namespace

const ArchEntry& JambaArch() {
  static const ArchEntry e{"jamba", "Jamba hybrid: attention + Mamba layers, mixture of experts",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
