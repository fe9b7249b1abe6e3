// What torch.nn.Conv1d and Conv2d share (dilation 1, the same kernel, stride and padding on
// every spatial axis): the extra_repr they print and the output size of one spatial axis.
#pragma once

#include <cstdint>
#include <string>

namespace calflops {

/// ConvNd's extra_repr over `dims` spatial axes: "3, 1024, kernel_size=(14, 14), stride=(14, 14)"
/// then ", padding=<padding>" when `padding` is not empty, ", groups=g" when g is not 1 and
/// ", bias=False" without a bias.
std::string ConvRepr(int64_t in, int64_t out, int dims, int64_t kernel, int64_t stride,
                     const std::string& padding, int64_t groups, bool bias);

/// (size + 2 padding - kernel) / stride + 1. A padded input below the kernel is bad input:
/// "<op> input of <size> <unit> is <below> than its kernel <kernel>".
int64_t ConvOutSize(int64_t size, int64_t kernel, int64_t stride, int64_t padding, const char* op,
                    const char* unit, const char* below);

}  // namespace calflops
