#include "archs/nn/conv2d.h"

#include "model/error.h"
#include "model/py_format.h"

namespace calflops {

Conv2d Conv2d::Build(ModuleTree& tree, ModuleId parent, const std::string& name, int64_t in,
                     int64_t out, std::array<int64_t, 2> kernel, std::array<int64_t, 2> stride,
                     std::array<int64_t, 2> padding, bool padding_valid, bool bias, DType dtype) {
  std::string repr = std::to_string(in) + ", " + std::to_string(out) +
                     ", kernel_size=" + PyTupleRepr({kernel[0], kernel[1]}) +
                     ", stride=" + PyTupleRepr({stride[0], stride[1]});
  if (padding_valid) {
    repr += ", padding=valid";
  } else if (padding[0] != 0 || padding[1] != 0) {
    repr += ", padding=" + PyTupleRepr({padding[0], padding[1]});
  }
  if (!bias) repr += ", bias=False";
  Conv2d c{.id = tree.Add(parent, name, "Conv2d", repr),
           .in = in,
           .out = out,
           .kernel = kernel,
           .stride = stride,
           .padding = padding,
           .bias = bias};
  tree.AddParam(c.id, "weight", Shape{out, in, kernel[0], kernel[1]}, dtype);
  if (bias) tree.AddParam(c.id, "bias", Shape{out}, dtype);
  return c;
}

int64_t Conv2d::OutSize(int axis, int64_t size) const {
  auto a = static_cast<size_t>(axis);
  int64_t padded = size + 2 * padding[a];
  if (padded < kernel[a]) {
    throw BadInput("workload", "image " + std::string(axis == 0 ? "height" : "width") + " " +
                                   std::to_string(size) + " is smaller than the " +
                                   std::to_string(kernel[a]) + "-pixel convolution kernel");
  }
  return (padded - kernel[a]) / stride[a] + 1;
}

Shape Conv2d::operator()(Tracer& t, const Shape& x) const {
  Shape y{x[0], out, OutSize(0, x[2]), OutSize(1, x[3])};
  return t.Conv(id, x, Shape{out, in, kernel[0], kernel[1]}, y, bias);
}

}  // namespace calflops
