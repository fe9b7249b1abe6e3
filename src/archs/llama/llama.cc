// model_type "llama": LlamaForCausalLM and LlamaModel (transformers v4.45 modeling_llama.py).
#include "archs/arch_registry.h"
#include "archs/llama/llama_blocks.h"

namespace calflops {
namespace {

class LlamaForCausalLM : public Architecture {
 public:
  LlamaForCausalLM(const LlamaParams& p, const BuildOptions& o, DType dtype) : Architecture(dtype) {
    tree_[tree_.root()].class_name = p.prefix + "ForCausalLM";
    block_ = LlamaCausalLmBlock::Build(tree_, tree_.root(), p, o.attn, dtype);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    block_.Forward(t, Step(c), c.logits_tokens);
  }
  std::vector<KvCacheSpec> KvCache() const override { return block_.model.KvCache(); }
  static DecoderStep Step(const ForwardCall& c) {
    // generate() passes position_ids of shape (batch, tokens); a bare forward builds (1, tokens).
    return DecoderStep{.batch = c.batch,
                       .tokens = c.new_tokens,
                       .past = c.past_tokens,
                       .position_batch = c.label == "forward" ? 1 : c.batch};
  }

 private:
  LlamaCausalLmBlock block_;
};

class LlamaModel : public Architecture {
 public:
  LlamaModel(const LlamaParams& p, const BuildOptions& o, DType dtype) : Architecture(dtype) {
    tree_[tree_.root()].class_name = p.prefix + "Model";
    block_ = LlamaModelBlock::Build(tree_, tree_.root(), p, o.attn, dtype);
  }
  void Forward(Tracer& t, const ForwardCall& c) const override {
    block_.Forward(t, LlamaForCausalLM::Step(c));
  }
  std::vector<KvCacheSpec> KvCache() const override { return block_.KvCache(); }

 private:
  LlamaModelBlock block_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions& o) {
  LlamaParams p = LlamaParams::FromConfig(c);
  if (cls == "LlamaModel") return std::make_unique<LlamaModel>(p, o, ConfigDType(c));
  return std::make_unique<LlamaForCausalLM>(p, o, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"LlamaForCausalLM", "LlamaModel"};

}  // namespace

const ArchEntry& LlamaArch() {
  static const ArchEntry e{"llama", "Llama 1/2/3 decoder (GQA, RoPE, SwiGLU)", kClasses, Make};
  return e;
}

}  // namespace calflops
