// Structure-aware inputs for the onnx target: an input starting with kRecipeMagic is not ONNX
// bytes but a recipe the target turns into a valid ONNX model, so the fuzzer explores graph
// structures the wire format rarely stumbles into: integer folding (Mod, Div, Pow, Abs, Neg)
// over extreme values, every normalisation over shapes with zero or huge dims, Loops and Scans
// with huge or computed trip counts (nested), and model-local functions calling each other
// (twice per level, or recursively). Issue 16's classes 1-3 are each a few recipe bytes.
//
// Recipe bytes, read in order (0 when exhausted): opset pick, rank and dims of the input x (from
// a table of edge sizes), node count, then per node a kind byte and its parameters.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "tests/onnx/proto_builder.h"

namespace calflops::fuzz {

inline constexpr uint8_t kRecipeMagic = 0xCF;  ///< no ONNX file starts with it (0x08: ir_version)

class RecipeBytes {
 public:
  explicit RecipeBytes(std::span<const uint8_t> b) : b_(b) {}
  uint8_t Next() { return at_ < b_.size() ? b_[at_++] : 0; }
  template <size_t N>
  int64_t Pick(const int64_t (&table)[N]) {
    return table[Next() % N];
  }

 private:
  std::span<const uint8_t> b_;
  size_t at_ = 0;
};

namespace recipe {

using onnx::testing::Attr;
using onnx::testing::Input;
using onnx::testing::NodeProto;
using onnx::testing::Opset;
using onnx::testing::Proto;

constexpr int32_t kFloat = 1, kInt64 = 7, kBool = 9;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kDims[] = {
    0, 1, 2, 3, 4, 8, 64, int64_t{1} << 20, int64_t{1} << 50, int64_t{1} << 53};
constexpr int64_t kInts[] = {kMin, -1, 0, 1, 2, 7, -7, 63, 64, kMax, int64_t{1} << 62};
constexpr int64_t kTrips[] = {0,   1, 3, -1, int64_t{1} << 31, int64_t{1} << 52, int64_t{1} << 62,
                              kMax};

inline Proto Int64Init(const std::string& name, std::initializer_list<int64_t> dims,
                       std::initializer_list<int64_t> values) {
  return Proto().Packed(1, dims).Varint(2, kInt64).Packed(7, values).Bytes(8, name);
}
inline Proto FloatDecl(const std::string& name, int64_t n) {
  return Proto().Packed(1, {n}).Varint(2, kFloat).Bytes(8, name);
}
inline Proto GraphAttr(const std::string& name, const Proto& g) {
  return Proto().Bytes(1, name).Varint(20, 5).Message(6, g);
}
inline Proto Out(const std::string& name) { return Proto().Bytes(1, name); }

/// A Loop body: v_out = v + v, or (depth left) a nested Loop over v.
inline Proto LoopBody(RecipeBytes& r, int depth) {
  Proto b;
  b.Message(11, Input("i", {}, kInt64)).Message(11, Input("cond", {}, kBool));
  b.Message(11, Proto().Bytes(1, "v"));
  b.Message(1, NodeProto("Identity", {"cond"}, {"cond_out"}));
  if (depth > 0 && r.Next() % 2) {
    b.Message(5, Int64Init("n", {}, {r.Pick(kTrips)}));
    b.Message(1, NodeProto("Loop", {"n", "", "v"}, {"v_out"}, "",
                           {GraphAttr("body", LoopBody(r, depth - 1))}));
  } else {
    b.Message(1, NodeProto("Add", {"v", "v"}, {"v_out"}));
  }
  b.Message(12, Out("cond_out")).Message(12, Out("v_out"));
  return b;
}

/// Function F<i>: y = F<c>(F<c>(x)) with c from the recipe (c >= i is recursion), or y = x + x.
inline Proto Function(RecipeBytes& r, int i, int count) {
  Proto f;
  f.Bytes(1, "F" + std::to_string(i)).Bytes(4, "x").Bytes(5, "y");
  uint8_t how = r.Next();
  if (i == 0 && how % 4 != 3) {
    f.Message(7, NodeProto("Add", {"x", "x"}, {"y"}));
  } else {
    int callee = how % 4 == 3 ? (how / 4) % count : i - 1;  // mostly the next level down
    std::string c = "F" + std::to_string(callee);
    f.Message(7, NodeProto(c, {"x"}, {"t"}).Bytes(7, "local"));
    f.Message(7, NodeProto(c, {"t"}, {"y"}).Bytes(7, "local"));
  }
  f.Message(9, Opset("", 17)).Message(9, Opset("local", 1)).Bytes(10, "local");
  return f;
}

}  // namespace recipe

/// The ONNX model a recipe describes (the bytes after kRecipeMagic).
inline std::string OnnxFromRecipe(std::span<const uint8_t> bytes) {
  using namespace recipe;  // NOLINT
  RecipeBytes r(bytes);
  const int64_t opsets[] = {13, 17, 18, 23};
  int64_t opset = r.Pick(opsets);
  int rank = 1 + r.Next() % 4;
  Proto shape;
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    dims.push_back(r.Pick(kDims));
    shape.Message(1, Proto().Varint(1, static_cast<uint64_t>(dims.back())));
  }
  Proto g;
  g.Message(11, Proto().Bytes(1, "x").Message(
                    2, Proto().Message(1, Proto().Varint(1, kFloat).Message(2, shape))));
  std::vector<Proto> functions;
  bool contrib = false;
  std::string cur = "x";
  int nodes = 1 + r.Next() % 6;
  for (int k = 0; k < nodes; ++k) {
    std::string n = std::to_string(k), out = "v" + n;
    uint8_t kind = r.Next() % 12;
    switch (kind) {
      case 0:
      case 1: {  // integer folding over extreme values
        const char* ops[] = {"Mod", "Div", "Pow", "Sub", "Mul", "BitShift"};
        std::string op = ops[r.Next() % 6];
        g.Message(5, Int64Init("a" + n, {1}, {r.Pick(kInts)}));
        g.Message(5, Int64Init("b" + n, {1}, {r.Pick(kInts)}));
        Proto node = NodeProto(op, {"a" + n, "b" + n}, {"i" + n}, "", {});
        if (op == "Mod") node.Message(5, Attr("fmod", r.Next() % 2));
        if (op == "BitShift")
          node.Message(5, Proto()
                              .Bytes(1, "direction")
                              .Varint(20, 3)
                              .Bytes(4, r.Next() % 2 ? "LEFT" : "RIGHT"));
        g.Message(1, node);
        const char* unary[] = {"Abs", "Neg", "Sign"};
        g.Message(1, NodeProto(unary[r.Next() % 3], {"i" + n}, {"u" + n}));
        g.Message(12, Out("u" + n));
        continue;
      }
      case 2:
      case 3:
      case 4:
      case 5:
      case 6: {  // normalisations
        const char* norms[] = {"LayerNormalization",
                               "LpNormalization",
                               "MeanVarianceNormalization",
                               "InstanceNormalization",
                               "GroupNormalization",
                               "RMSNormalization",
                               "SkipLayerNormalization",
                               "SimplifiedLayerNormalization",
                               "SkipSimplifiedLayerNormalization",
                               "EmbedLayerNormalization",
                               "Softmax",
                               "LogSoftmax"};
        std::string op = norms[r.Next() % 12];
        int64_t c = r.Pick(kDims);
        g.Message(5, FloatDecl("s" + n, c)).Message(5, FloatDecl("b" + n, c));
        Proto node;
        node.Bytes(1, cur);
        if (op.rfind("Skip", 0) == 0) node.Bytes(1, cur);
        node.Bytes(1, "s" + n).Bytes(1, "b" + n).Bytes(2, out).Bytes(4, op);
        if (op.find("Skip") != std::string::npos || op.rfind("Embed", 0) == 0) {
          node.Bytes(7, "com.microsoft");
          contrib = true;
        }
        const int64_t axes[] = {-1, 0, 1, 2, -3, 5};
        node.Message(5, Attr("axis", r.Pick(axes)));
        if (op == "GroupNormalization") node.Message(5, Attr("num_groups", r.Pick(kDims)));
        if (op == "LpNormalization") node.Message(5, Attr("p", 1 + r.Next() % 2));
        g.Message(1, node);
        break;
      }
      case 7:
      case 8: {  // Loop: a trip count from the table, or computed from x's shape
        if (r.Next() % 2) {
          g.Message(5, Int64Init("t" + n, {}, {r.Pick(kTrips)}));
        } else {
          g.Message(1, NodeProto("Shape", {cur}, {"sh" + n}));
          g.Message(1, NodeProto("ReduceProd", {"sh" + n}, {"t" + n}, "", {Attr("keepdims", 0)}));
        }
        g.Message(1, NodeProto("Loop", {"t" + n, "", cur}, {out}, "",
                               {GraphAttr("body", LoopBody(r, 1 + r.Next() % 3))}));
        break;
      }
      case 9: {  // Scan over an axis of x
        Proto body;
        body.Message(11, Proto().Bytes(1, "s")).Message(11, Proto().Bytes(1, "row"));
        body.Message(1, NodeProto("Add", {"s", "row"}, {"s_out"}));
        body.Message(1, NodeProto("Identity", {"row"}, {"y_out"}));
        body.Message(12, Out("s_out")).Message(12, Out("y_out"));
        g.Message(1, NodeProto("ReduceSum", {cur}, {"init" + n}, "", {Attr("keepdims", 0)}));
        const int64_t axes[] = {0, 1, -1};
        g.Message(1, NodeProto("Scan", {"init" + n, cur}, {"fin" + n, out}, "",
                               {GraphAttr("body", body), Attr("num_scan_inputs", 1),
                                onnx::testing::AttrInts("scan_input_axes", {r.Pick(axes)})}));
        break;
      }
      default: {  // a model-local function chain
        if (functions.empty()) {
          // At most 6 levels: 2^6 calls. A chain's code is the same at every depth; what depth
          // adds is expansion work (2^10 calls took 28 ms an input under ASan, the most of any
          // recipe), and the exponential cases (2^22, 2^40 calls, the kMaxInferredNodes
          // limit) are tests/onnx_hostile_test.cc's.
          int count = 1 + r.Next() % 6;
          for (int i = 0; i < count; ++i) functions.push_back(Function(r, i, count));
        }
        std::string f = "F" + std::to_string(r.Next() % functions.size());
        g.Message(1, NodeProto(f, {cur}, {out}).Bytes(7, "local"));
        break;
      }
    }
    cur = out;
  }
  g.Message(12, Out(cur));
  Proto m = Proto().Varint(1, 8).Message(7, g).Message(8, Opset("", opset));
  if (contrib) m.Message(8, Opset("com.microsoft", 1));
  if (!functions.empty()) {
    m.Message(8, Opset("local", 1));
    for (const Proto& f : functions) m.Message(25, f);
  }
  return m.bytes();
}

}  // namespace calflops::fuzz
