// torch.nn.Conv1d (dilation 1): weight (out, in / groups, kernel) and an optional bias; forward
// is F.conv1d. Whisper's audio front end, DeBERTa-v2's ConvLayer.
#pragma once

#include "model/tracer.h"

namespace calflops {

struct Conv1d {
  ModuleId id = kNoModule;
  int64_t in = 0, out = 0;
  int64_t kernel = 1, stride = 1, padding = 0, groups = 1;
  bool bias = true;

  /// extra_repr as PyTorch prints it: "80, 768, kernel_size=(3,), stride=(2,), padding=(1,)"
  /// (padding only when not 0, groups only when not 1, bias=False only without a bias).
  static Conv1d Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                      int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias,
                      DType dtype, int64_t groups = 1);
  /// Output length of `length` input steps; throws when the padded input is below the kernel.
  int64_t OutSize(int64_t length) const;
  /// x = (N, in, L) -> (N, out, L'), L' = (L + 2 padding - kernel) / stride + 1.
  Shape operator()(Tracer& t, const Shape& x) const;
};

}  // namespace calflops
