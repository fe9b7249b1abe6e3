#include "archs/nn/conv1d.h"

#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

Conv1d Conv1d::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                     int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias,
                     DType dtype, int64_t groups) {
  std::string repr = std::to_string(in) + ", " + std::to_string(out) +
                     ", kernel_size=" + PyTupleRepr({kernel}) + ", stride=" + PyTupleRepr({stride});
  if (padding != 0) repr += ", padding=" + PyTupleRepr({padding});
  if (groups != 1) repr += ", groups=" + std::to_string(groups);
  if (!bias) repr += ", bias=False";
  Conv1d c{.id = tree.Add(parent, name, "Conv1d", repr),
           .in = in,
           .out = out,
           .kernel = kernel,
           .stride = stride,
           .padding = padding,
           .groups = groups,
           .bias = bias};
  tree.AddParam(c.id, "weight", Shape{out, in / groups, kernel}, dtype);
  if (bias) tree.AddParam(c.id, "bias", Shape{out}, dtype);
  return c;
}

int64_t Conv1d::OutSize(int64_t length) const {
  int64_t span = length + 2 * padding - kernel;
  if (span < 0) {
    throw BadInput("", "conv1d input of " + std::to_string(length) +
                           " steps is shorter than its kernel " + std::to_string(kernel));
  }
  return span / stride + 1;
}

Shape Conv1d::operator()(Tracer& t, const Shape& x) const {
  if (x.rank() != 3 || x[1] != in) {
    throw BadInput("", "conv1d expects (N, " + std::to_string(in) + ", L), got " + x.ToString());
  }
  return t.Conv(id, x, Shape{out, in / groups, kernel}, Shape{x[0], out, OutSize(x[2])}, bias);
}

}  // namespace calflops
