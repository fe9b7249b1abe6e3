// The model class Mamba and Mamba2 share (transformers v4.45 MambaForCausalLM /
// Mamba2ForCausalLM and their bare models): the CausalLmShell (`backbone`: embeddings, `layers`,
// `norm_f`; `lm_head`) around `XBlock`s of `norm`, `mixer` and a residual, the
// RecurrentStatePlan, and one constant-size state per mixer. A family states its norm, how it
// builds and runs a mixer, and the mixer's state size.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "archs/causal_lm_shell.h"
#include "model/architecture.h"

namespace calflops {

struct StateSpaceLmSpec {
  std::string prefix;  ///< "Mamba": MambaForCausalLM, MambaModel, MambaBlock
  int64_t vocab = 0, hidden = 0, layers = 0;
  bool tie = true;
};

class StateSpaceLm : public Architecture {
 public:
  std::vector<ForwardCall> Plan(const Workload& w) const override;
  /// Per layer: the mixer's conv window and SSM state (StateElements), whatever the context.
  std::vector<KvCacheSpec> KvCache() const override;
  void Forward(Tracer& t, const ForwardCall& c) const override;

 protected:
  using Architecture::Architecture;
  /// The family's RMSNorm `name` under `parent` (the blocks' `norm` and `norm_f`).
  using NormFn = std::function<LlamaRmsNorm(ModuleId parent, const std::string& name)>;
  /// Builds layer `i`'s `mixer` under its block; returns the mixer's module.
  using MixerFn = std::function<ModuleId(ModuleId block, int64_t i)>;
  /// The tree, for the root class `cls`.
  void Build(const std::string& cls, const StateSpaceLmSpec& spec, const NormFn& norm,
             const MixerFn& mixer);

  /// Layer `i`'s mixer over the normed hidden states `x` in call `c`.
  virtual Shape RunMixer(Tracer& t, size_t i, const Shape& x, const ForwardCall& c) const = 0;
  /// Elements of layer `i`'s cached state per sequence.
  virtual int64_t StateElements(size_t i) const = 0;

 private:
  struct Block {
    ModuleId id = kNoModule, mixer = kNoModule;
    LlamaRmsNorm norm;
  };
  CausalLmShell shell_;
  std::vector<Block> blocks_;
};

}  // namespace calflops
