// The PyTorch class name and extra_repr of an ONNX leaf module, read off its dominant node
// (Conv -> "Conv2d(3, 64, kernel_size=(7, 7), ...)"), so ONNX reports read like calflops' own.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/module_tree.h"
#include "readers/onnx/onnx_model.h"

namespace calflops::onnx {

/// What a leaf module's dominant node looked like after shape inference.
struct LeafInfo {
  std::string op;
  const Node* node = nullptr;
  std::vector<int64_t> x, w;
  bool w_initializer = false;
  bool has_bias = false;
  int contractions = 0;  ///< MatMul / Gemm nodes in the module (a Linear has one)
};

/// Lower ranks name the class first: a module with a Conv and a Relu is a Conv2d (1000: unranked).
int LeafRank(std::string_view op);

/// Class name and PyTorch-style extra_repr of a leaf; `params` are the module's own parameters
/// (a MatMul + Add of a 1-D weight is a Linear with bias). {"Module", ""} when nothing fits.
std::pair<std::string, std::string> LeafClass(const LeafInfo& l, const std::vector<Param>& params);

}  // namespace calflops::onnx
