#include "archs/nn/conv_arithmetic.h"

#include <vector>

#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

std::string ConvRepr(int64_t in, int64_t out, int dims, int64_t kernel, int64_t stride,
                     const std::string& padding, int64_t groups, bool bias) {
  std::string repr = std::to_string(in) + ", " + std::to_string(out) +
                     ", kernel_size=" + PyTupleRepr(std::vector<int64_t>(dims, kernel)) +
                     ", stride=" + PyTupleRepr(std::vector<int64_t>(dims, stride));
  if (!padding.empty()) repr += ", padding=" + padding;
  if (groups != 1) repr += ", groups=" + std::to_string(groups);
  if (!bias) repr += ", bias=False";
  return repr;
}

int64_t ConvOutSize(int64_t size, int64_t kernel, int64_t stride, int64_t padding, const char* op,
                    const char* unit, const char* below) {
  int64_t span = size + 2 * padding - kernel;
  if (span < 0) {
    throw BadInput("", std::string(op) + " input of " + std::to_string(size) + " " + unit + " is " +
                           below + " than its kernel " + std::to_string(kernel));
  }
  return span / stride + 1;
}

}  // namespace calflops
