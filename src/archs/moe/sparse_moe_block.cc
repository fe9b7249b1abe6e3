#include "archs/moe/sparse_moe_block.h"

#include <algorithm>

#include "archs/moe/expert_load.h"

namespace calflops {

using enum CallForm;

namespace sparse_moe_block {
namespace {

LlamaMlpBlock BuildExpert(ModuleTree& tree, ModuleId list, const std::string& name,
                          const SparseMoeSpec& spec, const LlamaParams& p, DType dtype) {
  if (!spec.mixtral_names) {
    return LlamaMlpBlock::Build(tree, list, name, spec.expert_cls, spec.expert_intermediate, p,
                                dtype);
  }
  // MixtralBlockSparseTop2MLP: w1 (gate), w2 (down), w3 (up), act_fn, registered in that order.
  LlamaMlpBlock e;
  e.id = tree.Add(list, name, spec.expert_cls);
  int64_t h = p.hidden, f = spec.expert_intermediate;
  e.gate = Linear::Build(tree, e.id, "w1", h, f, false, dtype);
  e.down = Linear::Build(tree, e.id, "w2", f, h, false, dtype);
  e.up = Linear::Build(tree, e.id, "w3", h, f, false, dtype);
  e.act = Activation::Build(tree, e.id, "act_fn", p.hidden_act, p.act_where);
  return e;
}

}  // namespace
}  // namespace sparse_moe_block

void CheckExperts(const Config& c, const char* experts_key, int64_t experts, const char* k_key,
                  int64_t k, int64_t moe_layers) {
  if (experts > kMaxExpertsPerLayer) {
    throw BadInput(c.Where(experts_key), "is " + std::to_string(experts) + ", more than the " +
                                             std::to_string(kMaxExpertsPerLayer) +
                                             " experts per layer this tool models");
  }
  if (experts * moe_layers > kMaxExpertsTotal) {
    throw BadInput(c.Where(experts_key), "gives " + std::to_string(experts * moe_layers) +
                                             " routed experts in all, more than the " +
                                             std::to_string(kMaxExpertsTotal) +
                                             " this tool models");
  }
  if (k > experts) {
    throw BadInput(c.Where(k_key), "is " + std::to_string(k) + ", more than the " +
                                       std::to_string(experts) + " experts");
  }
}

SparseMoeBlock SparseMoeBlock::Build(ModuleTree& tree, ModuleId parent, const SparseMoeSpec& spec,
                                     const LlamaParams& p, DType dtype) {
  SparseMoeBlock b;
  b.id = tree.Add(parent, spec.name, spec.cls);
  b.top_k = spec.top_k;
  b.norm_topk_prob = spec.norm_topk_prob;
  b.gate = Linear::Build(tree, b.id, spec.gate_name, p.hidden, spec.n_experts, false, dtype);
  ModuleId list = tree.Add(b.id, "experts", "ModuleList");
  tree[list].is_module_list = true;
  tree[list].active_children = static_cast<int32_t>(spec.top_k);
  b.runs = PlanExpertRuns(p, spec.top_k, spec.n_experts);
  b.experts = BuildExpertRuns(tree, b.runs, [&](const std::string& name) {
    return sparse_moe_block::BuildExpert(tree, list, name, spec, p, dtype);
  });
  if (spec.shared_intermediate > 0) {
    b.shared_expert = LlamaMlpBlock::Build(tree, b.id, "shared_expert", spec.expert_cls,
                                           spec.shared_intermediate, p, dtype);
    b.shared_expert_gate =
        Linear::Build(tree, b.id, "shared_expert_gate", p.hidden, 1, false, dtype);
  }
  return b;
}

std::vector<ExpertRun> PlanExpertRuns(const LlamaParams& p, int64_t k, int64_t experts) {
  return p.routed_tokens ? ExpertRuns(*p.routed_tokens, k, experts) : SingleExperts(experts);
}

void RunRoutedExperts(Tracer& t, ModuleId block, const std::vector<LlamaMlpBlock>& experts,
                      const std::vector<ExpertRun>& runs, int64_t tokens, int64_t k,
                      int64_t hidden) {
  int64_t n_experts = runs.empty() ? 0 : runs.back().first + runs.back().count;
  std::vector<int64_t> load = ExpertLoad(tokens, k, n_experts);
  for (size_t e = 0; e < experts.size(); ++e) {
    const ExpertRun& run = runs[e];
    int64_t n = load[static_cast<size_t>(run.first)];
    // Loads never rise with the index: equal ends mean an equal run.
    if (load[static_cast<size_t>(run.first + run.count - 1)] != n) {
      throw Error(ExitCode::kInternal, "",
                  "experts " + std::to_string(run.first) + "-" +
                      std::to_string(run.first + run.count - 1) +
                      " were built as one module but get different loads from " +
                      std::to_string(tokens) + " tokens");
    }
    if (n == 0) continue;               // an expert with no tokens computes nothing
    Tracer::Repeat each(t, run.count);  // the run's experts, one after the other
    Shape y = experts[e].Forward(t, Shape{n, hidden});
    y = t.Binary(block, OpKind::kMul, y, Shape{n, 1}, kPyOperator);  // * routing weight
    t.Binary(block, OpKind::kAdd, y, y, kUnhooked);                  // index_add_ into the output
  }
}

Shape SparseMoeBlock::Forward(Tracer& t, const Shape& x) const {
  int64_t hidden = x.back();
  int64_t tokens = static_cast<int64_t>(x.leading(1).value());  // hidden_states.view(-1, hidden)
  Shape flat{tokens, hidden};
  Shape logits = gate(t, flat);
  Shape probs = t.Softmax(id, logits, kFunctional);  // F.softmax(router_logits, dim=1)
  Shape w = t.TopK(id, probs, top_k, kTorch);        // torch.topk
  if (norm_topk_prob) {
    Shape sum = t.ReduceLast(id, OpKind::kSum, w, kTorch);  // routing_weights.sum(-1)
    w = t.Binary(id, OpKind::kDiv, w, sum, kPyOperator);    // /=
  }
  RunRoutedExperts(t, id, experts, runs, tokens, top_k, hidden);
  if (shared_expert) {
    Shape s = shared_expert->Forward(t, flat);
    Shape g = (*shared_expert_gate)(t, flat);
    g = t.Unary(id, OpKind::kSigmoid, g, kFunctional);  // F.sigmoid
    s = t.Binary(id, OpKind::kMul, g, s, kPyOperator);
    t.Binary(id, OpKind::kAdd, flat, s, kPyOperator);  // final + shared
  }
  return x;
}

}  // namespace calflops
