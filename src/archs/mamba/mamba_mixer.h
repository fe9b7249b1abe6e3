// The Mamba (v1) mixer as transformers v4.45 writes it in MambaMixer.slow_forward, shared by
// `mamba` and by Jamba's JambaMambaMixer (which adds RMSNorms on dt, B and C after x_proj):
//   in_proj -> chunk(x, gate) -> [x * mask] -> conv1d (depthwise, padding k-1, cut to S) or the
//   cached window -> act -> [x * mask] -> x_proj -> (dt, B, C) [-> norms] -> dt_proj -> softplus
//   -> selective scan -> + x D -> * act(gate) -> out_proj.
#pragma once

#include <optional>
#include <string>

#include "archs/nn/activation.h"
#include "archs/nn/linear.h"
#include "archs/nn/llama_rms_norm.h"

namespace calflops {

struct MambaMixerSpec {
  std::string cls = "MambaMixer";
  int64_t hidden = 0, intermediate = 0, state = 16, conv_kernel = 4, dt_rank = 1;
  bool use_bias = false, use_conv_bias = true;
  std::string act = "silu", act_where;
  /// Jamba: dt_layernorm, b_layernorm, c_layernorm (this class, this eps), registered last.
  std::optional<double> dt_bc_norm_eps;
  std::string norm_cls = "JambaRMSNorm";
};

struct MambaMixerBlock {
  ModuleId id = kNoModule, conv = kNoModule;
  Activation act;
  Linear in_proj, x_proj, dt_proj, out_proj;
  std::optional<LlamaRmsNorm> dt_norm, b_norm, c_norm;
  MambaMixerSpec spec;

  static MambaMixerBlock Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                               const MambaMixerSpec& spec, DType dtype);
  /// (B, S, hidden) -> (B, S, hidden). `prefill`: the convolution over the sequence (forward and
  /// the first generate call), else one decode step on the cached window. `masked`: an
  /// attention_mask multiplies x before and after the convolution.
  Shape Forward(Tracer& t, const Shape& in, bool prefill, bool masked) const;
  /// Elements kept per sequence between steps: conv window (I x k) and SSM state (I x N).
  int64_t StateElements() const;
};

}  // namespace calflops
