#include "archs/moe/deepseek_moe_block.h"

#include "archs/moe/sparse_moe_block.h"

namespace calflops {

using enum CallForm;

DeepseekMoeBlock DeepseekMoeBlock::Build(ModuleTree& tree, ModuleId parent,
                                         const DeepseekMoeSpec& spec, const LlamaParams& p,
                                         DType dtype) {
  DeepseekMoeBlock b;
  b.spec = spec;
  b.id = tree.Add(parent, "mlp", spec.prefix + "MoE");
  ModuleId list = tree.Add(b.id, "experts", "ModuleList");
  tree[list].is_module_list = true;
  tree[list].active_children = static_cast<int32_t>(spec.top_k);
  b.runs = PlanExpertRuns(p, spec.top_k, spec.n_experts);
  b.experts = BuildExpertRuns(tree, b.runs, [&](const std::string& name) {
    return LlamaMlpBlock::Build(tree, list, name, spec.prefix + "MLP", spec.expert_intermediate, p,
                                dtype);
  });
  b.gate = tree.Add(b.id, "gate", spec.prefix + "TopkRouter");
  tree.AddParam(b.gate, "weight", Shape{spec.n_experts, p.hidden}, dtype);
  // Upstream transformers registers the correction bias as a buffer; DeepSeek's own modeling
  // code declares it an nn.Parameter and the checkpoint stores it (in float32), and the
  // published 671,026,419,200 counts it. We count it too.
  tree.AddParam(b.gate, "e_score_correction_bias", Shape{spec.n_experts}, DType::kF32);
  b.shared = LlamaMlpBlock::Build(tree, b.id, "shared_experts", spec.prefix + "MLP",
                                  spec.expert_intermediate * spec.n_shared, p, dtype);
  return b;
}

Shape DeepseekMoeBlock::Forward(Tracer& t, const Shape& x) const {
  int64_t hidden = x.back();
  auto tokens = static_cast<int64_t>(x.leading(1).value());
  int64_t e = spec.n_experts, k = spec.top_k, g = spec.n_group;
  // Router: F.linear in float32, .sigmoid(), + bias, grouped top-2 sums, group top-k, top-k.
  Shape logits = t.Linear(gate, Shape{tokens, hidden}, hidden, e, false);
  Shape scores = t.Unary(gate, OpKind::kSigmoid, logits, kTorch);
  t.Binary(gate, OpKind::kAdd, scores, Shape{1, e}, kPyOperator);
  Shape top2 = t.TopK(gate, Shape{tokens, g, e / g}, 2, kTorch);
  t.ReduceLast(gate, OpKind::kSum, top2, kTorch);  // (T, groups, 1), viewed as (T, groups)
  t.TopK(gate, Shape{tokens, g}, spec.topk_group, kTorch);
  // The group mask (zeros_like, scatter_, expand, masked_fill) moves data only.
  Shape w = t.TopK(gate, scores, k, kTorch);  // indices; the weights are gathered from scores
  if (spec.norm_topk_prob) {
    Shape sum = t.ReduceLast(gate, OpKind::kSum, w, kTorch);
    sum = t.Scalar(gate, OpKind::kAdd, sum, kPyOperator);  // + 1e-20
    w = t.Binary(gate, OpKind::kDiv, w, sum, kPyOperator);
  }
  t.Scalar(gate, OpKind::kMul, w, kPyOperator);  // * routed_scaling_factor
  RunRoutedExperts(t, id, experts, runs, tokens, k, hidden);
  Shape s = shared.Forward(t, x);
  return t.Binary(id, OpKind::kAdd, x, s, kPyOperator);
}

}  // namespace calflops
