// Rebuilding PyTorch's module hierarchy from an ONNX graph:
//  - the dynamo exporter (torch >= 2.2) stores it per node in metadata_props:
//    pkg.torch.onnx.name_scopes = "['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'conv2d_3']" and
//    pkg.torch.onnx.class_hierarchy = "['ResNet', '...Sequential', '...Bottleneck', '...Conv2d',
//    'aten.conv2d.default']" (cumulative paths, root first, the node itself last);
//  - the TorchScript exporter (torch 1.x) names nodes by scope: "/layer1/layer1.0/conv1/Conv",
//    where a segment "parent.N" repeats its parent's name ("layer1.0" = child "0" of layer1),
//    a dotted segment under another parent names an uncalled container ("/encoder/layers.0/..."
//    = encoder > layers > 0), and repeated calls of one module get "_k" suffixes (relu, relu_1);
//  - anything else (older exporters, other frameworks) gives a flat tree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "readers/onnx/onnx_model.h"

namespace calflops::onnx {

/// Where a node belongs: module path components from the root, with class names where the
/// file gives them ("" otherwise), and the root's class.
struct NodeScope {
  std::vector<std::string> path;
  std::vector<std::string> classes;  ///< same length as path
  std::string root_class;
  bool from_metadata = false;
};

/// Parses a Python list-of-strings repr: "['', 'a', \"b'c\"]" -> {"", "a", "b'c"}.
std::vector<std::string> ParsePyStringList(std::string_view s);

/// The scope of a node from its metadata or its name; empty path when it has none.
NodeScope ScopeOfNode(const Node& n);

/// Segments of a TorchScript-exporter node name, resolved to module components:
/// "/layer1/layer1.0/conv1/Conv" -> {"layer1", "0", "conv1"}. `classes` (optional) gets
/// "ModuleList" for uncalled containers and "" for the rest.
std::vector<std::string> ScopeFromName(std::string_view name,
                                       std::vector<std::string>* classes = nullptr);

}  // namespace calflops::onnx
