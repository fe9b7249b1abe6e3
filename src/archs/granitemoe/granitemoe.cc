// model_type "granitemoe": GraniteMoeForCausalLM and GraniteMoeModel (transformers v4.45
// modeling_granitemoe.py; IBM Granite 3.0/3.1 A400M / A800M, PowerMoE). Granite's decoder (muP
// multipliers, model-level rotary_emb, head over every position, logits / logits_scaling) with
// GraniteMoeMoE ("block_sparse_moe") in place of the MLP:
//
//   router (GraniteMoeTopKGating): logits = layer(x); topk(logits, k); softmax over the k picked
//   input_linear, output_linear (GraniteMoeParallelExperts): one [E, out, in] weight each, run as
//     F.linear(tokens of expert i, weight[i]) per expert
//   h = activation(input_linear(x)[:, :I]) * input_linear(x)[:, I:]; y = output_linear(h)
//   out = zeros.index_add(0, token, y * gate)
//
// The router's bookkeeping (scatter of the picks, their per-expert count, the sort by expert, the
// index division) is integer work on routing indices and charged nothing.
#include "archs/arch_registry.h"
#include "archs/config_checks.h"
#include "archs/llama/decoder_arch.h"
#include "archs/moe/expert_load.h"
#include "archs/moe/sparse_moe_block.h"
#include "model/error.h"

namespace calflops {
namespace {

using enum CallForm;

/// GraniteMoeMoE: activation, input_linear, output_linear, router (registration order).
class GraniteMoeMoe : public FeedForward {
 public:
  static std::shared_ptr<GraniteMoeMoe> Build(ModuleTree& tree, ModuleId layer,
                                              const LlamaParams& p, int64_t experts, int64_t k,
                                              DType dtype) {
    auto m = std::make_shared<GraniteMoeMoe>();
    const int64_t h = p.hidden, f = p.intermediate;
    m->id_ = tree.Add(layer, "block_sparse_moe", "GraniteMoeMoE");
    m->act_ = Activation::Build(tree, m->id_, "activation", p.hidden_act, p.act_where);
    m->input_ = tree.Add(m->id_, "input_linear", "GraniteMoeParallelExperts");
    tree.AddParam(m->input_, "weight", Shape{experts, 2 * f, h}, dtype);
    m->output_ = tree.Add(m->id_, "output_linear", "GraniteMoeParallelExperts");
    tree.AddParam(m->output_, "weight", Shape{experts, h, f}, dtype);
    for (ModuleId fused : {m->input_, m->output_}) {
      tree[fused].active_children = static_cast<int32_t>(k);  // k of the E weight slices
    }
    m->router_ = tree.Add(m->id_, "router", "GraniteMoeTopKGating");
    m->gate_ = Linear::Build(tree, m->router_, "layer", h, experts, false, dtype);
    m->hidden_ = h;
    m->f_ = f;
    m->e_ = experts;
    m->k_ = k;
    return m;
  }

  Shape Forward(Tracer& t, const Shape& x) const override {
    const int64_t tokens = static_cast<int64_t>(x.leading(1).value());
    const int64_t picks = tokens * k_;
    Shape flat = Tracer::View(x, Shape{tokens, hidden_});  // layer_input.reshape(-1, emb)
    Shape logits = gate_(t, flat);                         // self.layer(hidden_states)
    Shape top = t.TopK(router_, logits, k_, kTorch);       // logits.topk(k, dim=1)
    t.Softmax(router_, top, kTorch);                       // torch.softmax(top_k_logits)
    // Each expert's tokens through its slice of the fused weights, expert by expert; experts
    // of equal load run the same ops and are traced once per run.
    std::vector<int64_t> load = ExpertLoad(tokens, k_, e_);
    for (const ExpertRun& run : ExpertRuns({tokens}, k_, e_)) {
      int64_t n = load[static_cast<size_t>(run.first)];
      if (n == 0) continue;
      Tracer::Repeat each(t, run.count);
      t.Linear(input_, Shape{n, hidden_}, hidden_, 2 * f_, false, kFunctional);
    }
    Shape gate_half{picks, f_}, up_half{picks, f_};  // hidden_states.chunk(2, dim=-1)
    t.Binary(id_, OpKind::kMul, act_(t, gate_half), up_half, kPyOperator);
    for (const ExpertRun& run : ExpertRuns({tokens}, k_, e_)) {
      int64_t n = load[static_cast<size_t>(run.first)];
      if (n == 0) continue;
      Tracer::Repeat each(t, run.count);
      t.Linear(output_, Shape{n, f_}, f_, hidden_, false, kFunctional);
    }
    Shape y = t.Binary(id_, OpKind::kMul, Shape{picks, hidden_}, Shape{picks, 1},
                       kPyOperator);               // expert_outputs * batch_gates[:, None]
    t.Binary(id_, OpKind::kAdd, y, y, kUnhooked);  // zeros.index_add(0, batch_index, ...)
    return x;
  }

 private:
  ModuleId id_ = kNoModule, input_ = kNoModule, output_ = kNoModule, router_ = kNoModule;
  Activation act_;
  Linear gate_;
  int64_t hidden_ = 0, f_ = 0, e_ = 0, k_ = 0;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams d;  // GraniteMoeConfig defaults (those of GraniteConfig)
  d.prefix = "GraniteMoe";
  d.rotary = RotaryStyle::kModelOnly;
  d.scale_scores_by_mul = true;
  d.full_logits = true;
  LlamaParams p = LlamaParams::FromConfig(c, d);
  RequireDivides(c, "num_attention_heads", p.n_heads, "hidden_size", p.hidden);
  p.head_dim = p.hidden / p.n_heads;  // GraniteMoeAttention ignores a head_dim key
  p.embedding_multiplier = c.Float("embedding_multiplier", 1.0);
  p.residual_multiplier = c.Float("residual_multiplier", 1.0);
  p.logits_divisor = c.Float("logits_scaling", 1.0);
  int64_t experts = c.Int("num_local_experts", 8, 1, kMaxConfigDim);
  int64_t k = c.Int("num_experts_per_tok", 2, 1, kMaxConfigDim);
  CheckExperts(c, "num_local_experts", experts, "num_experts_per_tok", k, p.n_layers);
  DType dtype = ConfigDType(c);
  DecoderHooks hooks;
  hooks.feed_forward = [=](ModuleTree& tree, ModuleId layer, int64_t) {
    return GraniteMoeMoe::Build(tree, layer, p, experts, k, dtype);
  };
  return MakeDecoder(p, cls, o, dtype, hooks);
}

constexpr std::string_view kClasses[] = {"GraniteMoeForCausalLM", "GraniteMoeModel"};

}  // namespace

const ArchEntry& GraniteMoeArch() {
  static const ArchEntry e{"granitemoe",
                           "Granite 3.x mixture of experts (fused expert weights, top-k softmax)",
                           kClasses, Make, nullptr};
  return e;
}

}  // namespace calflops
