#include "archs/nn/conv2d.h"

#include "archs/nn/conv_arithmetic.h"
#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

Conv2d Conv2d::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                     int64_t out, int64_t kernel, int64_t stride, int64_t padding, int64_t groups,
                     bool bias, DType dtype, bool padding_valid) {
  std::string pad = padding_valid ? "valid" : padding != 0 ? PyTupleRepr({padding, padding}) : "";
  std::string repr = ConvRepr(in, out, 2, kernel, stride, pad, groups, bias);
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
  return ConvOutSize(size, kernel, stride, padding, "conv2d", "pixels", "smaller");
}

Shape Conv2d::operator()(Tracer& t, const Shape& x) const {
  if (x.rank() != 4 || x[1] != in) {
    throw BadInput("", "conv2d expects (N, " + std::to_string(in) + ", H, W), got " + x.ToString());
  }
  Shape y{x[0], out, OutSize(x[2]), OutSize(x[3])};
  return t.Conv(id, x, Shape{out, in / groups, kernel, kernel}, y, bias);
}

}  // namespace calflops
