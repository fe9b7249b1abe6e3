#include "archs/llama/decoder_arch.h"

namespace calflops {
namespace decoder_arch {
namespace {

/// SDPA gets a mask tensor (one more FLOP per score) from a context length on (Mistral's sliding
/// window): the cost steps there.
std::vector<int64_t> MaskBreakpoints(const LlamaParams& p, AttnImpl impl, const ForwardCall& run) {
  std::vector<int64_t> cuts = p.cost_breakpoints;
  if (impl == AttnImpl::kSdpa && p.sdpa_mask_from)
    cuts.push_back(*p.sdpa_mask_from - run.new_tokens);
  return cuts;
}

class DecoderForCausalLM : public Architecture {
 public:
  DecoderForCausalLM(const LlamaParams& p, const BuildOptions& o, DType dtype,
                     const DecoderHooks& hooks)
      : Architecture(dtype), params_(p), impl_(o.attn) {
    tree_[tree_.root()].class_name = p.prefix + "ForCausalLM";
    block_ = LlamaCausalLmBlock::Build(tree_, tree_.root(), p, o.attn, dtype, hooks);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    block_.Forward(t, StepOf(c), c.logits_tokens);
  }
  std::vector<KvCacheSpec> KvCache() const override {
    auto specs = block_.model.KvCache();
    return specs.empty() ? Architecture::KvCache() : specs;
  }

  std::vector<int64_t> CostBreakpoints(const ForwardCall& run) const override {
    return MaskBreakpoints(params_, impl_, run);
  }
  std::vector<ForwardCall> Plan(const Workload& w) const override {
    auto calls = Architecture::Plan(w);
    if (params_.full_logits) calls.front().logits_tokens = calls.front().new_tokens;
    return calls;
  }

 private:
  LlamaParams params_;
  AttnImpl impl_;
  LlamaCausalLmBlock block_;
};

class DecoderModel : public Architecture {
 public:
  DecoderModel(const LlamaParams& p, const BuildOptions& o, DType dtype, const DecoderHooks& hooks)
      : Architecture(dtype), params_(p), impl_(o.attn) {
    tree_[tree_.root()].class_name = p.model_cls.empty() ? p.prefix + "Model" : p.model_cls;
    block_ = LlamaModelBlock::Build(tree_, tree_.root(), p, o.attn, dtype, hooks);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override { block_.Forward(t, StepOf(c)); }
  std::vector<KvCacheSpec> KvCache() const override {
    auto specs = block_.KvCache();
    return specs.empty() ? Architecture::KvCache() : specs;
  }

  std::vector<int64_t> CostBreakpoints(const ForwardCall& run) const override {
    return MaskBreakpoints(params_, impl_, run);
  }

 private:
  LlamaParams params_;
  AttnImpl impl_;
  LlamaModelBlock block_;
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace
}  // namespace decoder_arch

DecoderStep StepOf(const ForwardCall& c) {
  return DecoderStep{.batch = c.batch,
                     .tokens = c.new_tokens,
                     .past = c.past_tokens,
                     .position_batch = c.kind == CallKind::kForward ? 1 : c.batch};
}

std::unique_ptr<Architecture> MakeDecoder(const LlamaParams& p, const std::string& cls,
                                          const BuildOptions& o, DType dtype,
                                          const DecoderHooks& hooks) {
  if (decoder_arch::EndsWith(cls, "Model"))
    return std::make_unique<decoder_arch::DecoderModel>(p, o, dtype, hooks);
  return std::make_unique<decoder_arch::DecoderForCausalLM>(p, o, dtype, hooks);
}

}  // namespace calflops
