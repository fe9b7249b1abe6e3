// model_type "deepseek_v2": DeepseekV2ForCausalLM and DeepseekV2Model. Not in transformers v4.45:
// module names, classes and forward mirror modeling_deepseek_v2.py of the 4.56/4.57 line
// (huggingface/transformers commit 03eac6f6): multi-head latent attention (mla/) with DeepSeek's
// complex rotary embedding (the model-level tables are torch.polar(1, freqs) * scaling; q_pe and
// k_pe are multiplied as complex numbers), and DeepseekV2MoE after first_k_dense_replace dense
// layers: a softmax DeepseekV2MoEGate (greedy or group_limited_greedy top-k, times
// routed_scaling_factor, no renormalisation in the forward), experts as a ModuleList of
// DeepseekV2MLP, and shared_experts. The routed outputs are combined as weight x output added
// into the result (counted like index_add_: one multiply and one add per pick and channel).
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/llama/decoder_arch.h"
#include "archs/mla/mla_attention.h"
#include "archs/moe/sparse_moe_block.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

/// DeepseekV2RotaryEmbedding.forward: freqs = inv_freq @ positions; torch.polar(ones, freqs)
/// (abs * cos, abs * sin); * attention_scaling (a complex times a real: two products). Returns
/// the complex table's shape, (position batch, tokens, rope dim / 2).
Shape ComplexRotaryTables(Tracer& t, ModuleId m, const DecoderStep& s, int64_t rope_dim) {
  int64_t half = rope_dim / 2;
  t.MatMul(m, t.Constant(Shape{s.position_batch, half, 1}),
           t.Constant(Shape{s.position_batch, 1, s.tokens}), kPyOperator);
  Shape angles = t.Constant(Shape{s.position_batch, s.tokens, half});
  // torch.polar is a C++ kernel (no hook sees it): cos, sin and the two products by abs.
  Shape c = t.Unary(m, OpKind::kCos, angles, kUnhooked);
  Shape sn = t.Unary(m, OpKind::kSin, angles, kUnhooked);
  t.Binary(m, OpKind::kMul, angles, c, kUnhooked);
  t.Binary(m, OpKind::kMul, angles, sn, kUnhooked);
  // freqs_cis * attention_scaling: one Python-operator product of a complex tensor (what a hook
  // sees), which is a product for the real and for the imaginary part.
  Shape table = t.Scalar(m, OpKind::kMul, angles, kPyOperator);
  t.Scalar(m, OpKind::kMul, table, kUnhooked);
  return table;
}

/// apply_rotary_emb for one of q_pe / k_pe (B, H, S, rope): viewed as complex pairs and
/// multiplied by the table. One complex product (a + bi)(c + di) is four real products, a
/// subtraction and an addition; a hook sees one Python-operator product of the complex tensor.
void ComplexRotary(Tracer& t, ModuleId m, const Shape& x, const Shape& table) {
  Shape z{x[0], x[1], x[2], x[3] / 2};
  Shape f{table[0], 1, table[1], table[2]};  // freqs_cis.unsqueeze(1)
  Shape ac = t.Binary(m, OpKind::kMul, z, f, kPyOperator);
  Shape bd = t.Binary(m, OpKind::kMul, z, f, kUnhooked);
  Shape ad = t.Binary(m, OpKind::kMul, z, f, kUnhooked);
  Shape bc = t.Binary(m, OpKind::kMul, z, f, kUnhooked);
  t.Binary(m, OpKind::kSub, ac, bd, kUnhooked);
  t.Binary(m, OpKind::kAdd, ad, bc, kUnhooked);
}

/// DeepseekV2Attention: the latent attention of mla/ with the complex rotary embedding.
class DeepseekV2Attention : public SelfAttention {
 public:
  explicit DeepseekV2Attention(MlaAttentionBlock a) : a_(std::move(a)) {}
  Shape Forward(Tracer& t, const Shape& x, const Shape& table,
                const DecoderStep& s) const override {
    const MlaDims& d = a_.dims;
    int64_t b = s.batch, n = s.tokens, nh = d.n_heads;
    if (d.q_lora_rank) {
      a_.q_b(t, a_.q_a_norm(t, a_.q_a(t, x)));
    } else {
      a_.q_proj(t, x);
    }
    a_.kv_a(t, x);  // split into the latent and k_pe (free)
    a_.kv_b(t, a_.kv_a_norm(t, Shape{b, n, d.kv_lora_rank}));
    ComplexRotary(t, a_.id, Shape{b, nh, n, d.qk_rope_head_dim}, table);
    ComplexRotary(t, a_.id, Shape{b, 1, n, d.qk_rope_head_dim}, table);
    // k_pe.expand and the two torch.cat are free; flash-attn pads v to the q/k head dimension.
    int64_t dv = a_.kernel.impl == AttnImpl::kFlashAttention2 ? d.qk_head_dim() : d.v_head_dim;
    a_.kernel.Run(t, a_.id, Shape{b, nh, n, d.qk_head_dim()}, nh, dv, s);
    return a_.o(t, Shape{b, n, nh * d.v_head_dim});
  }
  KvCacheSpec Cache() const override { return a_.Cache(); }

 private:
  MlaAttentionBlock a_;
};

struct MoeSpec {
  int64_t n_experts = 64, top_k = 0, expert_intermediate = 1407, n_shared = 2;
  bool group_limited = false;
  int64_t n_group = 1, topk_group = 1;
};

/// DeepseekV2MoE: experts, gate (DeepseekV2MoEGate), shared_experts, in that order.
class DeepseekV2Moe : public FeedForward {
 public:
  DeepseekV2Moe(ModuleTree& tree, ModuleId layer, const MoeSpec& spec, const LlamaParams& p,
                DType dtype)
      : spec_(spec) {
    id_ = tree.Add(layer, "mlp", "DeepseekV2MoE");
    ModuleId list = tree.Add(id_, "experts", "ModuleList");
    tree[list].is_module_list = true;
    tree[list].active_children = static_cast<int32_t>(spec.top_k);
    runs_ = PlanExpertRuns(p, spec.top_k, spec.n_experts);
    experts_ = BuildExpertRuns(tree, runs_, [&](const std::string& name) {
      return LlamaMlpBlock::Build(tree, list, name, "DeepseekV2MLP", spec.expert_intermediate, p,
                                  dtype);
    });
    gate_ = tree.Add(id_, "gate", "DeepseekV2MoEGate");
    tree.AddParam(gate_, "weight", Shape{spec.n_experts, p.hidden}, dtype);
    shared_ = LlamaMlpBlock::Build(tree, id_, "shared_experts", "DeepseekV2MLP",
                                   spec.expert_intermediate * spec.n_shared, p, dtype);
  }

  Shape Forward(Tracer& t, const Shape& x) const override {
    int64_t hidden = x.back();
    auto tokens = static_cast<int64_t>(x.leading(1).value());
    int64_t e = spec_.n_experts, g = spec_.n_group;
    // F.linear in float32, logits.softmax(dim=-1), then top-k.
    Shape logits = t.Linear(gate_, Shape{tokens, hidden}, hidden, e, false);
    Shape scores = t.Softmax(gate_, logits, kTorch);
    if (spec_.group_limited) {
      // .max(dim=-1) per group, the topk_group best groups; masked_fill moves data only.
      t.TopK(gate_, Shape{tokens, g, e / g}, 1, kTorch);
      t.TopK(gate_, Shape{tokens, g}, spec_.topk_group, kTorch);
    }
    Shape w = t.TopK(gate_, scores, spec_.top_k, kTorch);
    t.Scalar(gate_, OpKind::kMul, w, kPyOperator);  // * routed_scaling_factor
    RunRoutedExperts(t, id_, experts_, runs_, tokens, spec_.top_k, hidden);
    Shape s = shared_.Forward(t, x);
    return t.Binary(id_, OpKind::kAdd, x, s, kPyOperator);  // + shared_experts(residuals)
  }

 private:
  MoeSpec spec_;
  ModuleId id_ = kNoModule, gate_ = kNoModule;
  std::vector<LlamaMlpBlock> experts_;
  std::vector<ExpertRun> runs_;
  LlamaMlpBlock shared_;
};

MoeSpec ReadMoe(const Config& c, int64_t moe_layers) {
  MoeSpec s;
  s.n_experts = c.Int("n_routed_experts", 64, 1, kMaxConfigDim);
  s.expert_intermediate = c.Int("moe_intermediate_size", 1407, 1, kMaxConfigDim);
  s.n_shared = c.Int("n_shared_experts", 2, 1, kMaxConfigDim);
  if (moe_layers == 0) return s;
  // DeepseekV2Config leaves num_experts_per_tok unset (None): a config with MoE layers names it.
  s.top_k = c.Int("num_experts_per_tok", 1, kMaxConfigDim);
  CheckExperts(c, "n_routed_experts", s.n_experts, "num_experts_per_tok", s.top_k, moe_layers);
  std::string method = c.String("topk_method", "greedy");
  if (method == "group_limited_greedy") {
    s.group_limited = true;
    s.n_group = c.Int("n_group", 1, kMaxConfigDim);
    s.topk_group = c.Int("topk_group", 1, kMaxConfigDim);
    RequireDivides(c, "n_group", s.n_group, "n_routed_experts", s.n_experts);
    if (s.topk_group > s.n_group) {
      throw BadInput(c.Where("topk_group"), "is " + std::to_string(s.topk_group) +
                                                ", more than n_group " + std::to_string(s.n_group));
    }
    if (s.top_k > s.n_experts / s.n_group * s.topk_group) {
      throw BadInput(
          c.Where("num_experts_per_tok"),
          "is " + std::to_string(s.top_k) + ", more than the experts of topk_group " + "groups");
    }
  } else if (method != "greedy") {
    throw BadInput(c.Where("topk_method"),
                   "is " + Quote(method) + " (expected greedy or group_limited_greedy)");
  }
  return s;
}

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // DeepseekV2Config defaults
  d.prefix = "DeepseekV2";
  d.vocab = 32000;
  d.hidden = 4096;
  d.intermediate = 11008;
  d.n_layers = 32;
  d.n_heads = 32;
  MlaDims mla = MlaDims::FromConfig(c);
  d.head_dim = mla.qk_rope_head_dim;  // DeepseekV2Config.head_dim
  d.rotary = RotaryStyle::kModelOnly;
  d.attn_class_per_impl = false;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  p.routed_tokens = o.routed_tokens;  // experts of equal load built once (BuildOptions)
  mla.hidden = p.hidden;
  mla.n_heads = p.n_heads;
  int64_t first_dense = c.Int("first_k_dense_replace", 0, 0, kMaxLayers);
  MoeSpec moe = ReadMoe(c, std::max<int64_t>(0, p.n_layers - first_dense));
  DType dtype = ConfigDType(c);
  DecoderHooks hooks;
  hooks.rotary_dim = mla.qk_rope_head_dim;
  hooks.rotary_tables = [rope = mla.qk_rope_head_dim](Tracer& t, ModuleId m, const DecoderStep& s) {
    return ComplexRotaryTables(t, m, s, rope);
  };
  hooks.attention = [=, impl = o.attn](ModuleTree& tree, ModuleId layer, int64_t) {
    return std::make_shared<DeepseekV2Attention>(
        MlaAttentionBlock::Build(tree, layer, "DeepseekV2", mla, impl, dtype));
  };
  hooks.feed_forward = [=](ModuleTree& tree, ModuleId layer,
                           int64_t i) -> std::shared_ptr<const FeedForward> {
    if (i >= first_dense) return std::make_shared<DeepseekV2Moe>(tree, layer, moe, p, dtype);
    return std::make_shared<LlamaMlpBlock>(
        LlamaMlpBlock::Build(tree, layer, "mlp", "DeepseekV2MLP", p.intermediate, p, dtype));
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"DeepseekV2ForCausalLM", "DeepseekV2Model"};

}  // namespace

const ArchEntry& DeepseekV2Arch() {
  static const ArchEntry e{"deepseek_v2",
                           "DeepSeek-V2 (MLA with complex RoPE, softmax-routed experts + shared)",
                           kClasses, Make};
  return e;
}

}  // namespace calflops
