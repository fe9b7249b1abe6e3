// The deepest a module tree may nest. Every writer indents or nests per level, so a tree N deep
// gave reports of N^2 bytes and more: an ONNX node named with 2,000 scopes ("/s0/s1/.../Relu",
// a 20 KB file) printed 195 MB of JSON and took 29 s as text; 3,000 nested nn.Sequential in the
// Python API did not finish. Real models nest about 7 (transformers) to 15 (timm) levels.
#pragma once

#include <cstddef>

namespace calflops {

/// Most levels below the root a module may sit at (the root is level 0).
inline constexpr size_t kMaxModuleDepth = 64;

}  // namespace calflops
