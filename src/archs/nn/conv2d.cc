#include "archs/nn/conv2d.h"

#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

Conv2d Conv2d::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                     int64_t out, int64_t kernel, int64_t stride, int64_t padding, int64_t groups,
                     bool bias, DType dtype, bool padding_valid) {
  std::string repr = std::to_string(in) + ", " + std::to_string(out) +
                     ", kernel_size=" + PyTupleRepr({kernel, kernel}) +
                     ", stride=" + PyTupleRepr({stride, stride});
  if (padding_valid) {
    repr += ", padding=valid";
  } else if (padding != 0) {
    repr += ", padding=" + PyTupleRepr({padding, padding});
  }
  if (groups != 1) repr += ", groups=" + std::to_string(groups);
  if (!bias) repr += ", bias=False";
  Conv2d c{.id = tree.Add(parent, name, "Conv2d", repr),
           .in = in,
           .out = out,
           .kernel = kernel,
           .stride = stride,
           .padding = padding,
           .groups = groups,
           .bias = bias};
  tree.AddParam(c.id, "weight", Shape{out, in / groups, kernel, kernel}, dtype);
  if (bias) tree.AddParam(c.id, "bias", Shape{out}, dtype);
  return c;
}

int64_t Conv2d::OutSize(int64_t size) const {
  int64_t span = size + 2 * padding - kernel;
  if (span < 0) {
    throw BadInput("", "conv2d input of " + std::to_string(size) +
                           " pixels is smaller than its kernel " + std::to_string(kernel));
  }
  return span / stride + 1;
}

Shape Conv2d::operator()(Tracer& t, const Shape& x) const {
  if (x.rank() != 4 || x[1] != in) {
    throw BadInput("", "conv2d expects (N, " + std::to_string(in) + ", H, W), got " + x.ToString());
  }
  Shape y{x[0], out, OutSize(x[2]), OutSize(x[3])};
  return t.Conv(id, x, Shape{out, in / groups, kernel, kernel}, y, bias);
}

}  // namespace calflops
