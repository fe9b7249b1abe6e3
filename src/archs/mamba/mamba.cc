// model_type "mamba": MambaForCausalLM and MambaModel as transformers v4.45 modeling_mamba.py
// registers them, running MambaMixer.slow_forward (the path without the CUDA kernels) with the
// MambaCache that forward and generate both create (use_cache defaults to True):
//   in_proj -> chunk(x, gate) -> conv1d (depthwise, padding k-1, cut to S) -> SiLU -> x_proj ->
//   dt_proj -> softplus -> selective scan (discretise, recur, read out) -> + x D -> * SiLU(gate)
//   -> out_proj,
// with a pre-norm residual around each mixer. A decode step replaces the convolution by the
// cached window: sum(conv_state * weight) + bias. The state kept between steps has a constant
// size (conv window and SSM state per layer), declared in KvCache(); it does not grow.
#include <nlohmann/json.hpp>

#include "archs/arch_registry.h"
#include "archs/mamba/mamba_mixer.h"
#include "archs/mamba/state_space_lm.h"
#include "archs/nn/llama_rms_norm.h"
#include "model/error.h"
#include "model/py_format.h"

namespace calflops {
namespace {

using enum CallForm;

struct MambaParams {
  int64_t vocab = 50280, hidden = 768, state = 16, layers = 32, expand = 2, conv_kernel = 4;
  int64_t intermediate = 1536, dt_rank = 48;
  double eps = 1e-5;
  bool use_bias = false, use_conv_bias = true, tie = true;
  std::string act = "silu", act_where;

  /// MambaConfig (4.45) keys and defaults: intermediate_size = int(expand * hidden_size),
  /// time_step_rank "auto" = ceil(hidden_size / 16).
  static MambaParams FromConfig(const Config& c) {
    MambaParams p;
    p.vocab = c.Int("vocab_size", 50280, 1, kMaxConfigDim);
    p.hidden = c.Int("hidden_size", 768, 1, kMaxConfigDim);
    p.state = c.Int("state_size", 16, 1, kMaxConfigDim);
    p.layers = c.Int("num_hidden_layers", 32, 0, kMaxLayers);
    p.expand = c.Int("expand", 2, 1, 1 << 20);
    p.conv_kernel = c.Int("conv_kernel", 4, 1, 1 << 20);
    p.eps = c.Float("layer_norm_epsilon", 1e-5);
    p.use_bias = c.Bool("use_bias", false);
    p.use_conv_bias = c.Bool("use_conv_bias", true);
    p.act = c.String("hidden_act", "silu");
    p.act_where = c.Where("hidden_act");
    p.tie = c.Bool("tie_word_embeddings", true);
    int64_t derived = p.expand * p.hidden;
    if (derived / p.expand != p.hidden || derived > kMaxConfigDim) {
      throw BadInput(c.Where("expand"), "times hidden_size overflows");
    }
    // MambaConfig.__init__ sets intermediate_size = int(expand * hidden_size) whatever the file
    // says (the published files repeat the same value).
    p.intermediate = derived;
    if (c.raw().contains("time_step_rank") && c.raw()["time_step_rank"].is_string()) {
      std::string s = c.String("time_step_rank", "auto");
      if (s != "auto")
        throw BadInput(c.Where("time_step_rank"),
                       "is " + Quote(s) + ", not \"auto\" or an integer");
      p.dt_rank = (p.hidden + 15) / 16;
    } else {
      p.dt_rank = c.Has("time_step_rank") ? c.Int("time_step_rank", 1, kMaxConfigDim)
                                          : (p.hidden + 15) / 16;
    }
    return p;
  }
};

LlamaRmsNorm MambaNorm(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t dim,
                       double eps, DType dtype) {
  LlamaRmsNorm n = LlamaRmsNorm::Build(tree, parent, name, "MambaRMSNorm", dim, eps, dtype);
  tree[n.id].extra_repr = std::to_string(dim) + ", eps=" + PyFloatRepr(eps);  // MambaRMSNorm's own
  return n;
}

class Mamba : public StateSpaceLm {
 public:
  Mamba(const MambaParams& p, const std::string& cls, DType dtype) : StateSpaceLm(dtype), p_(p) {
    Build(
        cls,
        {.prefix = "Mamba", .vocab = p.vocab, .hidden = p.hidden, .layers = p.layers, .tie = p.tie},
        [&](ModuleId parent, const std::string& name) {
          return MambaNorm(tree_, parent, name, p.hidden, p.eps, dtype);
        },
        [&](ModuleId block, int64_t) {
          mixers_.push_back(MambaMixerBlock::Build(tree_, block, "mixer", MixerSpec(), dtype));
          return mixers_.back().id;
        });
  }

 protected:
  Shape RunMixer(Tracer& t, size_t i, const Shape& x, const ForwardCall& c) const override {
    return mixers_[i].Forward(t, x, c.first, c.attention_mask);
  }
  /// MambaCache per layer: conv_states (batch, intermediate, conv_kernel) and ssm_states (batch,
  /// intermediate, state_size), in the model's dtype.
  int64_t StateElements(size_t i) const override { return mixers_[i].StateElements(); }

 private:
  MambaMixerSpec MixerSpec() const {
    const auto& p = p_;
    return {.hidden = p.hidden,
            .intermediate = p.intermediate,
            .state = p.state,
            .conv_kernel = p.conv_kernel,
            .dt_rank = p.dt_rank,
            .use_bias = p.use_bias,
            .use_conv_bias = p.use_conv_bias,
            .act = p.act,
            .act_where = p.act_where,
            .dt_bc_norm_eps = std::nullopt,
            .norm_cls = ""};
  }

  MambaParams p_;
  std::vector<MambaMixerBlock> mixers_;
};

std::unique_ptr<Architecture> Make(const Config& c, const std::string& cls, const BuildOptions&) {
  // 4.45's Mamba has no attention: --attn-impl does not apply.
  return std::make_unique<Mamba>(MambaParams::FromConfig(c), cls, ConfigDType(c));
}

constexpr std::string_view kClasses[] = {"MambaForCausalLM", "MambaModel"};

}  // namespace

const ArchEntry& MambaArch() {
  static const ArchEntry e{"mamba", "Mamba selective state-space LM (no attention)", kClasses,
                           Make};
  return e;
}

}  // namespace calflops
