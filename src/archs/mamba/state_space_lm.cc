#include "archs/mamba/state_space_lm.h"

#include "archs/mamba/recurrent_plan.h"

namespace calflops {

void StateSpaceLm::Build(const std::string& cls, const StateSpaceLmSpec& spec, const NormFn& norm,
                         const MixerFn& mixer) {
  shell_ = CausalLmShell::Begin(tree_, cls,
                                {.lm_cls = spec.prefix + "ForCausalLM",
                                 .model_name = "backbone",
                                 .model_cls = spec.prefix + "Model",
                                 .embed_name = "embeddings",
                                 .vocab = spec.vocab,
                                 .hidden = spec.hidden},
                                dtype());
  for (int64_t i = 0; i < spec.layers; ++i) {
    Block b;
    b.id = tree_.Add(shell_.layers, std::to_string(i), spec.prefix + "Block");
    b.norm = norm(b.id, "norm");
    b.mixer = mixer(b.id, i);
    blocks_.push_back(b);
  }
  shell_.Finish(tree_, norm(shell_.model, "norm_f"), spec.tie, dtype());
}

std::vector<ForwardCall> StateSpaceLm::Plan(const Workload& w) const {
  return RecurrentStatePlan(w);
}

std::vector<KvCacheSpec> StateSpaceLm::KvCache() const {
  std::vector<KvCacheSpec> specs;
  for (size_t i = 0; i < blocks_.size(); ++i)
    specs.push_back(KvCacheSpec{.module = blocks_[i].mixer, .fixed_elements = StateElements(i)});
  return specs;
}

void StateSpaceLm::Forward(Tracer& t, const ForwardCall& c) const {
  Shape x = shell_.Embed(t, c);
  for (size_t i = 0; i < blocks_.size(); ++i) {
    Shape h = RunMixer(t, i, blocks_[i].norm(t, x), c);
    x = t.Binary(blocks_[i].id, OpKind::kAdd, x, h, CallForm::kPyOperator);  // residual + hidden
  }
  shell_.Output(t, x, c);
}

}  // namespace calflops
