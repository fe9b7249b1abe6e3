// torch.nn.MultiheadAttention (batch_first, with biases), as SigLIP's attention-pooling head
// calls it: attention(query, kv, kv) with need_weights left True. PyTorch 2's
// F.multi_head_attention_forward then runs the explicit path, charged to this module: linear for
// q and one for the packed k|v (key is value), q * sqrt(1/head_dim), torch.bmm, F.softmax,
// torch.bmm, linear with out_proj's weight (read directly: out_proj itself never runs and shows
// 0), and the mean of the attention weights over heads.
#pragma once

#include "archs/nn/linear.h"

namespace calflops {

struct MultiheadAttention {
  ModuleId id = kNoModule;
  int64_t embed = 0, heads = 0;
  Linear out_proj;  ///< NonDynamicallyQuantizableLinear, registered but not called

  static MultiheadAttention Build(ModuleTree& tree, ModuleId parent, const std::string& name,
                                  int64_t embed, int64_t heads, DType dtype);
  /// query (B, L, E), kv (B, S, E) -> (B, L, E).
  Shape operator()(Tracer& t, const Shape& query, const Shape& kv) const;
};

}  // namespace calflops
