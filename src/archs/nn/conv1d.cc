#include "archs/nn/conv1d.h"

#include "archs/nn/conv_arithmetic.h"
#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

Conv1d Conv1d::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                     int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias,
                     DType dtype, int64_t groups) {
  std::string repr = ConvRepr(in, out, 1, kernel, stride,
                              padding != 0 ? PyTupleRepr({padding}) : "", groups, bias);
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
  return ConvOutSize(length, kernel, stride, padding, "conv1d", "steps", "shorter");
}

Shape Conv1d::operator()(Tracer& t, const Shape& x) const {
  if (x.rank() != 3 || x[1] != in) {
    throw BadInput("", "conv1d expects (N, " + std::to_string(in) + ", L), got " + x.ToString());
  }
  return t.Conv(id, x, Shape{out, in / groups, kernel}, Shape{x[0], out, OutSize(x[2])}, bias);
}

}  // namespace calflops
